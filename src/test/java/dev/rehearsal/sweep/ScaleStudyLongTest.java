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
        // By hand, the perm preset: solver 784-1000-1000-10 has 784*1000+1000 + 1000*1000+1000 + 1000*10+10
        // = 1,796,010 parameters; the VAE 784-1000-1000-z100 has an encoder 785,000 + 1,001,000 + 1000*200+200
        // = 1,986,200 and a decoder 100*1000+1000 + 1,001,000 + 1000*784+784 = 1,886,784, 3,872,984 in all.
        // gr keeps the generator, its frozen copy and the frozen solver: (2 x 3,872,984 + 1,796,010) x 4 bytes;
        // si an anchor and an importance per solver parameter: 2 x 1,796,010 x 4; er 100 uint8 images of 784
        // bytes per class of each task: 784,000 x T.
        for (JsonNode m : s.get("measurements")) {
            String strategy = m.get("strategy").asText().split(" ")[0];
            long bytes = m.get("replay_memory_bytes").asLong();
            switch (strategy) {
                case "gr" -> assertEquals((2L * 3_872_984 + 1_796_010) * 4, bytes, m.toString());
                case "si" -> assertEquals(2L * 1_796_010 * 4, bytes, m.toString());
                case "er" -> assertEquals(784_000L * m.get("tasks").asInt(), bytes, m.toString());
                default -> { }
            }
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
