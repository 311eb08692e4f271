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
 * A-GEM, iCaRL and herding on real MNIST in a short configuration (2000 training samples a task, 200 steps,
 * 50 exemplars per class; seconds): class-incremental iCaRL and experience replay with herding far above
 * fine-tuning, and task-incremental A-GEM above it.
 */
class ReferenceMethodsMnistTest {
    private static final String[] SHORT = {"--train-limit", "2000", "--iterations", "200", "--per-class", "50",
        "--test-limit", "500", "--quiet", "--threads", Integer.toString(Backends.THREADS)};

    static Map<String, Double> acc(Path out, String... args) throws Exception {
        String[] all = new String[args.length + SHORT.length + 3];
        all[0] = "compare";
        System.arraycopy(args, 0, all, 1, args.length);
        System.arraycopy(SHORT, 0, all, 1 + args.length, SHORT.length);
        all[all.length - 2] = "--out";
        all[all.length - 1] = out.toString();
        Cli r = Cli.run(all);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        Map<String, Double> acc = new HashMap<>();
        for (JsonNode s : root.get("results")) {
            acc.put(s.get("strategy").asText(), s.get("acc").asDouble());
        }
        return acc;
    }

    @Test
    void classIncrementalIcarlAndHerdingReplayRemember(@TempDir Path dir) throws Exception {
        Map<String, Double> a = acc(dir.resolve("class"), "--strategies", "naive,icarl,er", "--selection", "herding");
        assertTrue(a.get("naive") < 0.25, a.toString());
        assertTrue(a.get("icarl") > a.get("naive") + 0.35, a.toString());
        assertTrue(a.get("er") > a.get("naive") + 0.4, a.toString());
    }

    @Test
    void taskIncrementalAgemBeatsFineTuning(@TempDir Path dir) throws Exception {
        Map<String, Double> a = acc(dir.resolve("task"), "--strategies", "naive,agem", "--setting", "task");
        assertTrue(a.get("agem") > a.get("naive") + 0.05, a.toString());
    }
}
