package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.RequiredData;
import dev.rehearsal.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The main job's short configuration on real MNIST (data/mnist, fetched by data/fetch-mnist.sh or by the
 * job itself), asserting the ordering that must hold: naive < gr, naive < er, er and gr < joint, and
 * class-incremental fine-tuning below 0.35.
 */
class CompareEndToEndTest {

    @Test
    void quickCompareOnMnistOrdersTheStrategies(@TempDir Path out) throws Exception {
        Cli r = Cli.run("compare", "--quick", "--quiet", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        assertEquals("split", root.get("config").get("scenario").asText());
        assertEquals("class", root.get("config").get("setting").asText());
        assertEquals(4000, root.get("config").get("train_limit").asInt(), "the resolved config is saved");
        Map<String, Double> acc = new HashMap<>();
        for (JsonNode s : root.get("results")) {
            for (String key : new String[] {"strategy", "accuracy_matrix", "initial_accuracy", "acc", "bwt", "fwt", "forgetting", "seconds"}) {
                assertTrue(s.has(key), "result has " + key + ": " + s);
            }
            assertEquals(5, s.get("accuracy_matrix").size());
            acc.put(s.get("strategy").asText(), s.get("acc").asDouble());
        }
        String all = acc.toString();
        assertTrue(acc.get("naive") < 0.35, all);
        assertTrue(acc.get("naive") < acc.get("gr"), all);
        assertTrue(acc.get("naive") < acc.get("er"), all);
        assertTrue(acc.get("er") < acc.get("joint"), all);
        assertTrue(acc.get("gr") < acc.get("joint"), all);
        assertTrue(Files.exists(out.resolve("models").resolve("gr-seed1-generator.safetensors")),
                "trained weights are saved for PyTorch");
        assertTrue(Files.exists(out.resolve("samples").resolve("er-task5-buffer.png")));
        String md = Files.readString(out.resolve("results.md"));
        assertTrue(md.contains("| gr |"), md);
        assertTrue(r.out().contains("| joint |"), r.out());
    }

    /**
     * --dataset fashion runs on Debian's Fashion-MNIST (installed by .ci/run); skipped where it is missing,
     * except with REHEARSAL_REQUIRE_DATA=1 (CI), where it fails.
     */
    @Test
    void fashionMnistRuns(@TempDir Path out) throws Exception {
        RequiredData.assumePresent(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist"))
                || Files.isDirectory(Path.of("data", "fashion")),
                "Fashion-MNIST is not installed (data/fetch-fashion-mnist.sh)");
        Cli r = Cli.run("run", "--dataset", "fashion", "--strategy", "er", "--train-limit", "1000", "--per-class",
                "50", "--epochs", "1", "--quiet", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        assertEquals("fashion", root.get("config").get("dataset").asText());
        assertTrue(root.get("results").get(0).get("accuracy_matrix").get(0).get(0).asDouble() > 0.8, root.toString());
    }
}
