package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.SchemaCheck;
import dev.rehearsal.cli.Cli;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.metrics.AccuracyMatrix;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.LossCurves;
import dev.rehearsal.metrics.TaskRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The files of a small compare on MNIST (naive and gr, 5 tasks, 100 test samples per task, 30 solver and 20
 * generator steps per task): results.json and the run records validate against the shipped schema,
 * results.csv is R in tidy form, task numbers are 1-based, undefined values are null, and the loss curves
 * and confusion matrix are what the run did.
 */
class ResultFilesTest {
    @TempDir
    static Path out;

    private static JsonNode results;
    private static Cli console;

    @BeforeAll
    static void compare() throws Exception {
        console = Cli.run("compare", "--strategies", "naive,gr", "--train-limit", "400", "--test-limit", "100",
                "--iterations", "30", "--vae-iterations", "20", "--quiet", "--out", out.toString());
        assertEquals(0, console.exitCode(), console.err());
        results = Json.MAPPER.readTree(Files.readString(out.resolve("results.json")));
    }

    /**
     * This run is short (400 training and 100 test samples a task): the console, results.md, results.json, results.csv and the report
     * say so, with the same reasons (ShortRun, the one definition).
     */
    @Test
    void aShortRunIsFlaggedWhereverItsNumbersAre() throws Exception {
        List<String> reasons = dev.rehearsal.config.ShortRun.reasons(results.path("config"), List.of("naive", "gr"));
        // 30 x 128 solver rows and 20 x 128 generator rows a task pass 2 and 5 epochs of the 400 samples kept.
        assertEquals(List.of("training data limited to 400 samples per task", "test data limited to 100 samples per "
                + "task"), reasons);
        assertTrue(results.path("short").asBoolean());
        assertEquals(reasons, dev.rehearsal.experiment.Json.MAPPER.convertValue(results.path("short_reasons"),
                List.class));
        String line = dev.rehearsal.config.ShortRun.line(reasons);
        assertTrue(console.out().startsWith(line + "\n"), "the console, before the table: " + console.out());
        assertTrue(Files.readString(out.resolve("results.md")).contains("**" + line + "**"), "results.md");
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        int col = List.of(fields(csv.get(0))).indexOf("short");
        assertTrue(col > 0, csv.get(0));
        assertTrue(csv.subList(1, csv.size()).stream().allMatch(l -> fields(l)[col].equals("true")), "every row");
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("id=\"short-configuration\"") && html.contains("training data limited to 400 samples per task"),
                "the report's banner");
    }

    @Test
    void everyFileOfTheRunValidatesAgainstTheSchema() throws Exception {
        SchemaCheck.assertValid(out.resolve("results.json"));
        try (var records = Files.list(out.resolve("runs"))) {
            List<Path> files = records.toList();
            assertEquals(2, files.size(), files.toString());
            files.forEach(SchemaCheck::assertValid);
        }
        assertEquals(4, results.path("schema_version").asInt());
        assertEquals("results", results.path("kind").asText());
    }

    @Test
    void aBrokenFileFailsValidation() {
        assertEquals(List.of(), SchemaCheck.errors(results), "the file as written is valid");
        ObjectNode wrongType = results.deepCopy();
        ((ObjectNode) wrongType.get("results").get(0)).put("acc", "high");
        assertFalse(SchemaCheck.errors(wrongType).isEmpty(), "acc must be a number");
        ObjectNode missing = results.deepCopy();
        ((ObjectNode) missing.get("results").get(1).get("runs").get(0)).remove("confusion_matrix");
        assertFalse(SchemaCheck.errors(missing).isEmpty(), "a run needs its confusion matrix");
        ObjectNode camel = results.deepCopy();
        ((ObjectNode) camel.get("config")).put("trainLimit", 400);
        assertFalse(SchemaCheck.errors(camel).isEmpty(), "config keys are snake_case");
        ObjectNode oldVersion = results.deepCopy();
        oldVersion.put("schema_version", 2);
        assertFalse(SchemaCheck.errors(oldVersion).isEmpty(), "only schema_version 4 is this schema");
        ObjectNode task0 = results.deepCopy();
        ((ObjectNode) task0.get("results").get(0).get("runs").get(0).get("tasks").get(0)).put("task", 0);
        assertFalse(SchemaCheck.errors(task0).isEmpty(), "task numbers start at 1");
    }

    @Test
    void theCsvRowsAreTheAccuracyMatrices() throws Exception {
        List<String> lines = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = List.of(fields(lines.get(0)));
        assertEquals(List.of("strategy", "seed", "class_order", "trained_through_task", "task", "accuracy",
                "validation_accuracy", "complete"), header.subList(0, 8));
        assertTrue(header.contains("train_limit") && header.contains("iterations"), header.toString());
        Map<String, String> csv = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] f = fields(line);
            assertEquals("400", f[header.indexOf("train_limit")], "the run's options are columns");
            assertEquals("100", f[header.indexOf("test_limit")]);
            assertEquals("0 1 2 3 4 5 6 7 8 9", f[header.indexOf("class_order")], "the order the run used");
            csv.put(f[0] + "/" + f[1] + "/" + f[3] + "/" + f[4], f[5]);
        }
        int cells = 0;
        for (JsonNode s : results.get("results")) {
            for (JsonNode run : s.get("runs")) {
                JsonNode r = run.get("accuracy_matrix");
                for (int i = 0; i < r.size(); i++) {
                    for (int j = 0; j < r.size(); j++) {
                        String key = s.get("strategy").asText() + "/" + run.get("seed").asText() + "/" + (i + 1) + "/"
                                + (j + 1);
                        assertEquals(r.get(i).get(j).asDouble(), Double.parseDouble(csv.get(key)), key);
                        cells++;
                    }
                }
            }
        }
        assertEquals(cells, csv.size(), "one row per cell of R, no other");
        assertEquals(2 * 25, cells);
    }

    /** The fields of a CSV line (RFC 4180: quoted fields may hold commas and doubled quotes). */
    static String[] fields(String line) {
        List<String> out = new java.util.ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                f.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out.toArray(new String[0]);
    }

    @Test
    void taskNumbersAre1BasedAndUndefinedValuesNull() {
        JsonNode config = results.get("config");
        assertEquals(400, config.get("train_limit").asInt());
        assertEquals(100, config.get("test_limit").asInt());
        for (JsonNode s : results.get("results")) {
            assertTrue(s.get("acc_std").isNull(), "one seed: no std " + s.get("acc_std"));
            assertTrue(s.get("bwt_std").isNull());
            JsonNode tasks = s.get("runs").get(0).get("tasks");
            for (int i = 0; i < 5; i++) {
                assertEquals(i + 1, tasks.get(i).get("task").asInt(), "task records are numbered as shown");
            }
        }
        // One finished task of five: BWT, FWT and forgetting are undefined, the other rows of R not there yet.
        AccuracyMatrix acc = new AccuracyMatrix(5);
        acc.setRow(0, new double[] {0.9, 0, 0, 0, 0});
        RunResult partial = new RunResult("naive", 1, acc, new Ledger(), Map.of("solver", 10L), Map.of(), 0, 1.0,
                List.of(new TaskRecord(1, 40, 0, 10, 100, 50, 20)), 100,
                new LossCurves.Recorded(1, List.of(new double[] {0.7, 0.5}), null), null);
        Summary summary = new Summary(Experiment.single(new ExperimentConfig(), "naive", 1));
        summary.add(partial);
        ObjectNode json = summary.toJson();
        assertEquals(List.of(), SchemaCheck.errors(json), "a partial results.json is valid");
        JsonNode s = json.get("results").get(0);
        for (String key : List.of("bwt", "fwt", "forgetting", "acc_std")) {
            assertTrue(s.get(key).isNull(), key + " of one task is null: " + s.get(key));
        }
        assertTrue(s.get("accuracy_matrix").get(1).get(0).isNull(), "task 2 not trained yet: null, not 0");
        assertEquals(0.9, s.get("accuracy_matrix").get(0).get(0).asDouble());
        assertTrue(json.get("config").get("train_limit").isNull(), "'all' training data is null, not 0");
        assertTrue(s.get("runs").get(0).get("confusion_matrix").isNull(), "no final solver yet");
        assertTrue(s.get("runs").get(0).get("generator_loss").isNull(), "no generator");
    }

    @Test
    void lossCurvesAndConfusionMatrixAreWhatTheRunDid() {
        for (JsonNode s : results.get("results")) {
            JsonNode run = s.get("runs").get(0);
            assertEquals(1, run.get("loss_window_steps").asInt(), "30 steps a task: one point per step");
            ArrayNode solver = (ArrayNode) run.get("solver_loss");
            assertEquals(5, solver.size(), "one curve per task");
            solver.forEach(c -> assertEquals(30, c.size(), "one point per window"));
            assertTrue(solver.get(0).get(29).asDouble() < solver.get(0).get(0).asDouble(),
                    "the first task's loss falls: " + solver.get(0));
            JsonNode generator = run.get("generator_loss");
            if (s.get("strategy").asText().equals("naive")) {
                assertTrue(generator.isNull(), "naive has no generator");
            } else {
                assertEquals(5, generator.size());
                generator.forEach(c -> assertEquals(20, c.size()));
            }
            JsonNode confusion = run.get("confusion_matrix");
            assertEquals(10, confusion.size(), "one row per class of Split-MNIST");
            long total = 0;
            long diagonal = 0;
            long[] rows = new long[10];
            for (int i = 0; i < 10; i++) {
                assertEquals(10, confusion.get(i).size());
                for (JsonNode v : confusion.get(i)) {
                    rows[i] += v.asLong();
                }
                total += rows[i];
                diagonal += confusion.get(i).get(i).asLong();
            }
            for (int t = 0; t < 5; t++) {
                assertEquals(100, rows[2 * t] + rows[2 * t + 1], "task " + (t + 1) + ": its 100 test samples");
            }
            assertEquals(500, total);
            assertEquals(run.get("acc").asDouble(), diagonal / 500.0, 1e-12,
                    "the diagonal is the final row of R (equal test sets per task)");
        }
    }
}
