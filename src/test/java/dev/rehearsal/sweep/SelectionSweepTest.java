package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.cli.ChildCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep that selects, end to end on limited real MNIST in a child JVM (embedded Spark, as users run it):
 * two candidates (er at two learning rates) chosen by validation ACC on seed 1, the chosen one run on seeds 2
 * and 3; then the same command again, which runs nothing.
 */
class SelectionSweepTest {
    @Test
    void theChosenCandidateIsTheBestOnValidationAndOnlyItIsEvaluated(@TempDir Path work) throws Exception {
        Path grid = work.resolve("grid.yaml");
        Files.writeString(grid, """
                data: %s
                train-limit: 1500
                test-limit: 300
                epochs: 1
                validation: 0.1
                class-order: random
                grid:
                  strategy: [er]
                  lr: [0.001, 0.00001]
                select:
                  by: validation_acc
                  seeds: [1]
                evaluate:
                  seeds: 2-3
                """.formatted(Path.of("data/mnist").toAbsolutePath()));
        Path dir = work.resolve("out");
        ChildCli first = sweep(work, grid, dir);
        assertEquals(0, first.exitCode(), first.err());
        assertTrue(first.err().contains("selection stage (2 candidates x 1 seeds): 2 experiments, 0 already "
                + "finished, running 2"), first.err());
        assertTrue(first.err().contains("evaluation stage: 2 experiments, 0 already finished, running 2"),
                first.err());

        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> records = new HashMap<>();
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            for (Path f : s.filter(f -> f.toString().endsWith(".json")).toList()) {
                JsonNode r = json.readTree(f.toFile());
                records.put(r.get("id").asText(), r);
            }
        }
        assertEquals(4, records.size(), "2 candidates x seed 1, then the chosen one x seeds 2 and 3");

        List<String> csv = Files.readAllLines(dir.resolve("selection.csv"));
        assertEquals(3, csv.size(), String.join("\n", csv));
        double best = -1;
        String bestId = null;
        String chosenId = null;
        for (String line : csv.subList(1, csv.size())) {
            String id = line.split(",")[line.split(",").length - 6];
            JsonNode r = records.get(id);
            assertEquals(1, r.get("seed").asInt());
            double v = r.get("validation").get("acc").asDouble();
            assertTrue(line.contains(String.format(java.util.Locale.ROOT, ",%.6f,", v)), line);
            if (v > best) {
                best = v;
                bestId = id;
            }
            if (line.endsWith(",true")) {
                chosenId = id;
            }
        }
        assertEquals(bestId, chosenId, "the chosen candidate has the best validation ACC: " + csv);
        double chosenLr = records.get(chosenId).get("config").get("lr").asDouble();

        JsonNode sweep = dev.rehearsal.SchemaCheck.assertValid(dir.resolve("sweep.json"));
        JsonNode exps = sweep.get("experiments");
        assertEquals(2, exps.size(), "only the evaluation stage is reported");
        for (int i = 0; i < 2; i++) {
            JsonNode e = exps.get(i);
            assertEquals(i + 2, e.get("seed").asInt());
            assertEquals("finished", e.get("status").asText());
            assertEquals(chosenLr, records.get(e.get("id").asText()).get("config").get("lr").asDouble(),
                    "the evaluation stage ran only the chosen candidate");
        }
        String md = Files.readString(dir.resolve("sweep.md"));
        assertTrue(md.contains("## Selection") && md.contains("**chosen**"), md);
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("id=\"selection-table\"") && html.contains("<strong>chosen</strong>")
                && html.contains("validation results only"), "report.html has the selection section");
        JsonNode results = dev.rehearsal.SchemaCheck.assertValid(dir.resolve("results.json"));
        assertEquals(1, results.get("results").size(), "one reported point: the chosen candidate over seeds 2-3");

        Map<String, byte[]> before = new HashMap<>();
        for (String id : records.keySet()) {
            before.put(id, Files.readAllBytes(Records.record(dir, id)));
        }
        ChildCli again = sweep(work, grid, dir);
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("2 experiments, 2 already finished, running 0"), again.err());
        assertTrue(again.err().contains("evaluation stage: 2 experiments, 2 already finished, running 0"),
                again.err());
        for (Map.Entry<String, byte[]> e : before.entrySet()) {
            assertArrayEquals(e.getValue(), Files.readAllBytes(Records.record(dir, e.getKey())), e.getKey() + " kept");
        }
        assertEquals(csv, Files.readAllLines(dir.resolve("selection.csv")), "the same choice, recomputed");
    }

    private static ChildCli sweep(Path work, Path grid, Path dir) throws Exception {
        Path out = Files.createTempFile(work, "child", ".out");
        Path err = Files.createTempFile(work, "child", ".err");
        Process p = new ProcessBuilder(SweepTest.childCommand("--config", grid.toString(), "--parallel", "2",
                "--threads", "1", "--out", dir.toString())).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start();
        return ChildCli.finish(p, out, err);
    }
}
