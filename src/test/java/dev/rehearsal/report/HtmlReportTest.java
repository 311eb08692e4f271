package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report of a results folder built from the fixtures in {@code src/test/resources/report} (a real
 * quick compare and a scale.json in the specified schema), checked without screenshots: files, PNG
 * validity and size, what the page embeds and references, and escaping.
 */
class HtmlReportTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final List<String> STRATEGIES = List.of("naive", "joint", "er", "gr");
    private static final String DATA_URI = "data:image/png;base64,";

    private static void copyFixture(String name, Path dir) throws IOException {
        try (InputStream in = HtmlReportTest.class.getResourceAsStream("/report/" + name)) {
            assertNotNull(in, "fixture src/test/resources/report/" + name);
            Files.copy(in, dir.resolve(name));
        }
    }

    private static ObjectNode readJson(Path file) throws IOException {
        return (ObjectNode) MAPPER.readTree(file.toFile());
    }

    /** Two sample grids per strategy, one with a two-digit task to check numeric ordering. */
    private static List<String> writeSamples(Path out) {
        byte[] digits = new byte[6 * 28 * 28];
        Arrays.fill(digits, (byte) 255);
        List<String> names = List.of("er-task1-buffer.png", "gr-task10-generated.png", "gr-task2-generated.png");
        for (String name : names) {
            ImageGrid.writePng(out.resolve("samples").resolve(name), ImageGrid.fromBytes(digits, 6, 28, 28, 2, 3, 2));
        }
        return names;
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void compareAndScaleFolderGivesASelfContainedPage(@TempDir Path out) throws Exception {
        copyFixture("results.json", out);
        copyFixture("scale.json", out);
        List<String> samples = writeSamples(out);

        Path page = HtmlReport.write(out);
        assertEquals(out.resolve("report.html"), page);
        String html = Files.readString(page, StandardCharsets.UTF_8);

        Set<String> figures = new TreeSet<>();
        try (Stream<Path> files = Files.list(out.resolve(HtmlReport.FIGURES))) {
            files.forEach(f -> figures.add(f.getFileName().toString()));
        }
        Set<String> expected = new TreeSet<>(List.of("average-accuracy.png", "metrics.png", "memory.png", "time.png",
                "scaling-memory_bytes.png", "scaling-training_macs.png", "scaling-seconds.png",
                "scaling-acc.png"));
        for (String s : STRATEGIES) {
            expected.add("accuracy-matrix-" + s + ".png");
            expected.add("accuracy-over-time-" + s + ".png");
        }
        // Losses and the confusion matrix where the fixture's first run of a strategy records them.
        for (var s : readJson(out.resolve("results.json")).get("results")) {
            var run = s.path("runs").path(0);
            String name = s.get("strategy").asText();
            if (run.path("solver_loss").size() > 0) {
                expected.add("loss-solver-" + name + ".png");
            }
            if (run.path("generator_loss").size() > 0) {
                expected.add("loss-generator-" + name + ".png");
            }
            if (run.path("confusion_matrix").size() > 0) {
                expected.add("confusion-" + name + ".png");
            }
        }
        assertEquals(expected, figures, "one file per figure, no temporary files left");
        for (String name : figures) {
            byte[] png = Files.readAllBytes(out.resolve(HtmlReport.FIGURES).resolve(name));
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, 8), name + " starts with the PNG signature");
            BufferedImage image = ImageIO.read(out.resolve(HtmlReport.FIGURES).resolve(name).toFile());
            assertNotNull(image, name + " decodes");
            assertEquals(Figures.WIDTH, image.getWidth(), name);
            // The page shows each figure at the size it was drawn: its img carries the PNG's own dimensions.
            assertTrue(html.contains(DATA_URI + Base64.getEncoder().encodeToString(png) + "\" width=\""
                    + image.getWidth() + "\" height=\"" + image.getHeight() + "\""), name + " is embedded at its size");
            assertTrue(html.contains("figures/" + name), name + " is named under its caption");
        }
        for (String name : samples) {
            byte[] png = Files.readAllBytes(out.resolve("samples").resolve(name));
            assertTrue(html.contains(DATA_URI + Base64.getEncoder().encodeToString(png)), name + " is embedded");
            assertTrue(html.contains("samples/" + name), name + " is named");
        }
        assertEquals(figures.size() + samples.size(), count(html, DATA_URI), "every image embedded once");
        assertEquals(figures.size(), count(html, "<figcaption><strong>"), "every figure has a caption");
        assertTrue(html.indexOf("gr-task2-generated") < html.indexOf("gr-task10-generated"), "tasks in order");

        assertFalse(html.contains("src=\"http") || html.contains("href=\"http") || html.contains("<link")
                || html.contains("<script"), "nothing to fetch from the network");
        for (String s : STRATEGIES) {
            assertTrue(html.contains("<td>" + s + "</td>"), s + " has a row in the metrics table");
            assertTrue(html.contains("id=\"strategy-" + s + "\""), s + " has a section");
        }
        // ACC of the fixture: naive 0.1902, joint 0.9197, er 0.8344, gr 0.5828
        for (String acc : List.of("0.1902", "0.9197", "0.8344", "0.5828")) {
            assertTrue(html.contains(">" + acc + "<"), "ACC " + acc);
        }
        assertTrue(html.contains("<th>untrained (b)</th>"), "R tables start with the untrained model");
        assertTrue(html.contains("<td>train_limit</td><td>4000</td>"), "config table");
        assertTrue(html.contains("id=\"scaling\"") && html.contains("<td>training_macs</td>")
                && html.contains(">1.02<"), "scaling section with the fitted slopes");
        assertFalse(html.contains("What this run answers"), "no answers in this results.json");
    }

    @Test
    void textFromTheResultsIsEscapedAndAnswersAreRendered(@TempDir Path out) throws Exception {
        copyFixture("results.json", out);
        ObjectNode root = readJson(out.resolve("results.json"));
        ((ObjectNode) root.get("config")).put("data", "<script>alert('x')</script>");
        root.putArray("answers").add("Replay beats fine-tuning: ACC 0.83 vs 0.19 & <b>no</b> forgetting spike.")
                .add("Generative replay costs 12 MB.");
        root.putObject("efficiency").put("future", 1); // a key this version does not know
        ((ObjectNode) root.get("results").get(2)).put("acc_std", 0.0123);
        Files.writeString(out.resolve("results.json"), MAPPER.writeValueAsString(root));

        String html = Files.readString(HtmlReport.write(out), StandardCharsets.UTF_8);
        assertFalse(html.contains("<script"), "no script element gets through");
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), "shown as text");
        assertTrue(html.contains("What this run answers"));
        assertTrue(html.contains("<p>Replay beats fine-tuning: ACC 0.83 vs 0.19 &amp; &lt;b&gt;no&lt;/b&gt; "
                + "forgetting spike.</p>"));
        assertTrue(html.contains("<p>Generative replay costs 12 MB.</p>"));
        assertTrue(html.contains(">0.8344<"), "one seed: no spread shown, whatever acc_std says");
    }

    @Test
    void scaleJsonAloneGivesTheScalingReport(@TempDir Path out) throws Exception {
        copyFixture("scale.json", out);
        String html = Files.readString(HtmlReport.write(out), StandardCharsets.UTF_8);
        try (Stream<Path> files = Files.list(out.resolve(HtmlReport.FIGURES))) {
            assertEquals(4, files.count(), "final ACC against n (the fixture records it), and one chart per cost");
        }
        assertEquals(4, count(html, DATA_URI));
        assertTrue(html.contains("Final ACC against the number of tasks"), "the ACC chart is titled");
        assertFalse(html.contains("id=\"metrics\""), "no results.json, no metrics");
        assertTrue(html.contains("permuted") && html.contains("2, 5, 10, 20, 50"), html);
        assertTrue(html.contains("<td>constant</td>"), "growth classes listed");
    }

    @Test
    void noResultsIsAUsefulOneLineError(@TempDir Path out) {
        RehearsalException e = assertThrows(RehearsalException.class, () -> HtmlReport.write(out));
        assertEquals(RehearsalException.RUN, e.exitCode());
        String m = e.getMessage();
        assertTrue(m.contains("results.json") && m.contains("scale.json") && m.contains(out.toString()), m);
        assertFalse(m.contains("\n"), m);
        assertFalse(Files.exists(out.resolve("report.html")));
    }

    @Test
    void corruptJsonIsADataErrorNamingTheFile(@TempDir Path out) throws Exception {
        Files.writeString(out.resolve("results.json"), "{\n \"config\": {,\n");
        RehearsalException e = assertThrows(RehearsalException.class, () -> HtmlReport.write(out));
        assertEquals(RehearsalException.DATA, e.exitCode());
        assertTrue(e.getMessage().contains("results.json") && e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void aNonSquareAccuracyMatrixIsRejected(@TempDir Path out) throws Exception {
        copyFixture("results.json", out);
        ObjectNode root = readJson(out.resolve("results.json"));
        ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("results").get(0).get("accuracy_matrix").get(1)).remove(0);
        Files.writeString(out.resolve("results.json"), MAPPER.writeValueAsString(root));
        RehearsalException e = assertThrows(RehearsalException.class, () -> HtmlReport.write(out));
        assertEquals(RehearsalException.DATA, e.exitCode());
        assertTrue(e.getMessage().contains("'naive'") && e.getMessage().contains("row 2 has 4"), e.getMessage());
    }

    /** An edit of a results.json tree, and what the refusal must name. */
    private record Edit(String name, java.util.function.Consumer<ObjectNode> change, String... phrases) {
    }

    private static com.fasterxml.jackson.databind.node.ArrayNode array(ObjectNode root, String pointer) {
        return (com.fasterxml.jackson.databind.node.ArrayNode) root.at(pointer);
    }

    private static ObjectNode object(ObjectNode root, String pointer) {
        return (ObjectNode) root.at(pointer);
    }

    /**
     * Every field the report reads is checked as {@code --resume} checks a record: types, shapes and ranges.
     * Each edit is refused in one line (exit code 3) naming the file, the strategy and the field.
     */
    @Test
    void impossibleValuesAreRefusedNotDrawn(@TempDir Path base) throws Exception {
        List<Edit> edits = List.of(
                new Edit("acc", r -> object(r, "/results/0").put("acc", 1.7),
                        "'acc' of strategy 'naive' is 1.7, not an accuracy in [0, 1]"),
                new Edit("r-high", r -> array(r, "/results/0/accuracy_matrix/0").set(0, 5.0),
                        "accuracy_matrix[1][1] of strategy 'naive' is 5.0, not an accuracy in [0, 1]"),
                new Edit("r-negative", r -> array(r, "/results/2/accuracy_matrix/2").set(1, -3),
                        "accuracy_matrix[3][2] of strategy 'er' is -3, not an accuracy in [0, 1]"),
                new Edit("r-string", r -> object(r, "/results/1").put("accuracy_matrix", "0.9"),
                        "accuracy_matrix of strategy 'joint' is \"0.9\", expected rows of accuracies"),
                new Edit("b", r -> array(r, "/results/0/initial_accuracy").set(0, 2),
                        "initial_accuracy[1] of strategy 'naive' is 2"),
                new Edit("bwt", r -> object(r, "/results/3").put("bwt", "high"),
                        "'bwt' of strategy 'gr' is \"high\", expected a number in [-1, 1]"),
                new Edit("memory", r -> object(r, "/results/2").put("memory_bytes", -5),
                        "'memory_bytes' of strategy 'er' is -5, expected a count"),
                new Edit("seconds", r -> object(r, "/results/2/seconds").put("total", -1),
                        "'total' of strategy 'er' is -1, expected seconds"),
                new Edit("confusion", r -> array(r, "/results/0/runs/0/confusion_matrix/3").remove(0),
                        "'confusion_matrix' of strategy 'naive' (run 1) is not square"),
                new Edit("confusion-count", r -> array(r, "/results/0/runs/0/confusion_matrix/0").set(0, 0.5),
                        "a count of 'confusion_matrix' of strategy 'naive' (run 1) is 0.5"),
                new Edit("loss", r -> array(r, "/results/1/runs/0/solver_loss/0").set(0, "x"),
                        "'solver_loss' of strategy 'joint' (run 1) holds \"x\", not a loss"),
                new Edit("window", r -> object(r, "/results/1/runs/0").put("loss_window_steps", 0),
                        "'loss_window_steps' of strategy 'joint' (run 1) is 0"),
                new Edit("seeds", r -> array(r, "/results/1/seeds").set(0, "one"),
                        "'seeds' of strategy 'joint' holds \"one\", expected integers"),
                new Edit("runs", r -> object(r, "/results/1").put("runs", 3),
                        "'runs' of strategy 'joint' is 3, expected a list of runs"),
                new Edit("tasks-done", r -> object(r, "/results/2/runs/0").put("tasks_done", 6),
                        "'tasks_done' of strategy 'er' (run 1) is 6, expected a count of finished tasks from 0 to 5"),
                new Edit("complete", r -> object(r, "/results/2/runs/0").put("tasks_done", 1),
                        "'complete' of strategy 'er' (run 1) is true, expected false for a run that finished 1 of 5"),
                new Edit("stopped", r -> object(r, "/results/2/runs/0").put("stopped", "training diverged"),
                        "'stopped' of strategy 'er' (run 1) is \"training diverged\", expected the error that "
                                + "stopped an incomplete run"),
                new Edit("not-run", r -> r.putArray("not_run").addObject().put("strategy", "naive"),
                        "an entry of 'not_run' is {\"strategy\":\"naive\"}, expected {strategy, seeds, reason}"),
                new Edit("not-run-seeds", r -> r.putArray("not_run").addObject().put("strategy", "naive")
                        .put("reason", "not started").putArray("seeds").add("one"),
                        "'seeds' of not_run entry 'naive' holds \"one\", expected integers"));
        for (Edit edit : edits) {
            Path out = Files.createDirectories(base.resolve(edit.name()));
            copyFixture("results.json", out);
            ObjectNode root = readJson(out.resolve("results.json"));
            edit.change().accept(root);
            Files.writeString(out.resolve("results.json"), MAPPER.writeValueAsString(root));
            RehearsalException e = assertThrows(RehearsalException.class, () -> HtmlReport.write(out), edit.name());
            assertEquals(RehearsalException.DATA, e.exitCode(), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            assertTrue(e.getMessage().startsWith(out.resolve("results.json").toString()), e.getMessage());
            for (String p : edit.phrases()) {
                assertTrue(e.getMessage().contains(p), edit.name() + ": expected '" + p + "' in: " + e.getMessage());
            }
            assertFalse(Files.exists(out.resolve("report.html")), "nothing drawn from " + edit.name());
        }
    }

    @Test
    void anUnwritableFolderIsARunError(@TempDir Path out) throws Exception {
        copyFixture("results.json", out);
        Files.writeString(out.resolve(HtmlReport.FIGURES), "a file where the figures folder should be");
        RehearsalException e = assertThrows(RehearsalException.class, () -> HtmlReport.write(out));
        assertEquals(RehearsalException.RUN, e.exitCode());
        assertTrue(e.getMessage().startsWith("cannot write ") && e.getMessage().contains("figures"), e.getMessage());
    }

    /**
     * A run under the protocol: the protocol line says the class order is random per seed and names the
     * validation hold-out, and the report lists the order each seed used, as its runs recorded them.
     */
    @Test
    void theClassOrderOfEverySeedIsShown(@TempDir Path out) throws Exception {
        copyFixture("results.json", out);
        ObjectNode root = readJson(out.resolve("results.json"));
        ((ObjectNode) root.get("config")).put("class_order", "random").put("validation", 0.1);
        com.fasterxml.jackson.databind.node.ArrayNode runs = (com.fasterxml.jackson.databind.node.ArrayNode)
                root.get("results").get(2).get("runs");
        ObjectNode second = runs.get(0).deepCopy();
        second.put("seed", 2);
        second.set("class_order", MAPPER.valueToTree(List.of(3, 7, 0, 1, 2, 4, 5, 6, 8, 9)));
        runs.add(second);
        ((com.fasterxml.jackson.databind.node.ArrayNode) root.get("results").get(2).get("seeds")).add(2);
        Files.writeString(out.resolve("results.json"), root.toString());
        HtmlReport.write(out);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("a random class order per seed"), "the protocol line");
        assertTrue(html.contains("10% of each task&#39;s training data held out for validation")
                || html.contains("10% of each task's training data held out for validation"), "the validation split");
        assertTrue(html.contains("seed 1: [0,1,2,3,4,5,6,7,8,9]; seed 2: [3,7,0,1,2,4,5,6,8,9]"), "each seed's order");
    }
}
