package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.cli.ChildCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full scaling study, {@code sweep --preset scale} (many CPU-hours: tagged long, never in CI): every run
 * finishes, every method learns the last task of every run (its diagonal entry of the accuracy matrix above 0.9:
 * the per-task protocol is long enough), er's replay memory is 784,000 bytes a task exactly, gr's and si's are
 * their parameter counts derived by hand, and gr's and bir's do not grow with the number of tasks.
 */
@Tag("long")
class ScaleStudyLongTest {
    @TempDir
    Path work;

    @Test
    void everyMethodLearnsEveryLastTaskAndTheMemoryGrowsAsCounted() throws Exception {
        Path out = work.resolve("scale");
        Path so = work.resolve("out.txt");
        Path se = work.resolve("err.txt");
        Process p = new ProcessBuilder(SweepTest.childCommand("--preset", "scale", "--threads", "1", "--out",
                out.toString(), "-q")).redirectOutput(so.toFile()).redirectError(se.toFile()).start();
        ChildCli r = ChildCli.finish(p, so, se);
        assertEquals(0, r.exitCode(), r.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode sweep = dev.rehearsal.SchemaCheck.assertValid(out.resolve("sweep.json"));
        for (JsonNode e : sweep.path("experiments")) {
            assertEquals("finished", e.path("status").asText(), e.toString());
            JsonNode rec = json.readTree(Files.readString(out.resolve(e.path("record").asText())));
            JsonNode m = rec.path("accuracy_matrix");
            int last = m.size() - 1;
            assertTrue(m.get(last).get(last).asDouble() > 0.9, e.path("label").asText() + " learns its last task: "
                    + m.get(last));
        }
        JsonNode s = dev.rehearsal.SchemaCheck.assertValid(out.resolve("scale.json"));
        assertEquals(25, s.get("measurements").size());
        // gr's, si's and er's replay bytes against the perm preset's parameter counts derived by hand
        for (JsonNode m : s.get("measurements")) {
            dev.rehearsal.profile.ScaleStudyTest.replayMemoryIsCountedByHand(m);
        }
        for (JsonNode f : s.get("fits")) {
            String key = f.get("strategy").asText().split(" ")[0] + " " + f.get("quantity").asText();
            if (key.equals("er replay_memory_bytes")) {
                assertEquals(1.0, f.get("slope").asDouble(), 1e-9);
                assertEquals(Math.log(784_000), f.get("intercept").asDouble(), 1e-9);
            } else if (key.equals("gr replay_memory_bytes") || key.equals("bir replay_memory_bytes")) {
                assertEquals("constant", f.get("growth").asText(), key);
            }
        }
    }
}
