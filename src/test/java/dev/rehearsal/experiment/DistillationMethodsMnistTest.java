package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.Backends;
import dev.rehearsal.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * LwF and DER++ on real Split-MNIST through the command line, short enough for CI (100 steps a task, 500 test
 * samples a task): DER++ keeps much of the class-incremental tasks that fine-tuning forgets entirely, and
 * LwF forgets less than fine-tuning when the task is known. The literature protocol is {@link
 * DistillationMethodsLongTest}.
 */
class DistillationMethodsMnistTest {

    /** ACC by strategy from a compare's results.json. */
    static Map<String, Double> acc(Path out) throws Exception {
        JsonNode root = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        Map<String, Double> m = new HashMap<>();
        for (JsonNode s : root.get("results")) {
            m.put(s.get("strategy").asText(), s.get("acc").asDouble());
        }
        return m;
    }

    private static Map<String, Double> compare(Path out, String strategies, String setting) throws Exception {
        Cli r = Cli.run("compare", "--strategies", strategies, "--setting", setting, "--iterations", "100",
                "--test-limit", "500", "--threads", Integer.toString(Backends.THREADS), "--quiet", "--out",
                out.toString());
        assertEquals(0, r.exitCode(), r.err());
        return acc(out);
    }

    @Test
    void derppKeepsClassIncrementalTasksAndLwfTaskIncrementalOnes(@TempDir Path dir) throws Exception {
        Map<String, Double> cls = compare(dir.resolve("class"), "naive,derpp", "class");
        assertTrue(cls.get("naive") < 0.25, "class-IL fine-tuning keeps only the last task: " + cls);
        // Measured 0.618 against 0.191 (seed 1, 2 threads).
        assertTrue(cls.get("derpp") > 0.5 && cls.get("derpp") > cls.get("naive") + 0.3, "class-IL: " + cls);
        Map<String, Double> task = compare(dir.resolve("task"), "naive,lwf", "task");
        // Measured 0.987 against 0.804.
        assertTrue(task.get("lwf") > 0.95 && task.get("lwf") > task.get("naive") + 0.1, "task-IL: " + task);
    }
}
