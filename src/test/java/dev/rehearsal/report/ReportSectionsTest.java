package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's sections for a researcher, built from the fixture of a real quick compare
 * ({@code src/test/resources/report/results.json}, naive, joint, er and gr, seed 1), edited per test: the
 * short-configuration banner and the protocol line, the published column only on the published protocol,
 * 95% intervals over seeds, the figures drawn from the per-run losses and confusion matrices (and one line
 * when a file predates them), FWT left out where it is 0 by construction, and labelled replay grids.
 */
class ReportSectionsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String DATA_URI = "data:image/png;base64,";
    private static final List<String> STRATEGIES = List.of("naive", "joint", "er", "gr");

    private static ObjectNode fixture(Path out) throws IOException {
        try (InputStream in = ReportSectionsTest.class.getResourceAsStream("/report/results.json")) {
            assertNotNull(in, "fixture src/test/resources/report/results.json");
            return (ObjectNode) MAPPER.readTree(in);
        }
    }

    private static String report(Path out, ObjectNode root) throws IOException {
        Files.writeString(out.resolve("results.json"), MAPPER.writeValueAsString(root));
        return Files.readString(HtmlReport.write(out), StandardCharsets.UTF_8);
    }

    /**
     * Sets config keys of the fixture, in its spelling: the CLI's ({@code train-limit}) in files before
     * schema_version 3, snake_case ({@code train_limit}) from then on.
     */
    private static final class Config {
        private final ObjectNode config;
        private final boolean snake;

        Config(ObjectNode root) {
            config = (ObjectNode) root.get("config");
            snake = root.has("schema_version");
        }

        private String key(String cli) {
            return snake ? cli.replace('-', '_') : cli;
        }

        Config put(String key, Object value) {
            if (value == null) {
                config.putNull(key(key));
            } else {
                config.set(key(key), MAPPER.valueToTree(value));
            }
            return this;
        }
    }

    private static Config config(ObjectNode root) {
        return new Config(root);
    }

    /** A strategy's metric field in the fixture's spelling ({@code ACC} before schema_version 3, then {@code acc}). */
    private static String metric(ObjectNode strategy, String snake) {
        return strategy.has(snake) || !strategy.has(snake.toUpperCase(Locale.ROOT)) ? snake
                : snake.toUpperCase(Locale.ROOT);
    }

    /**
     * The literature's protocol (README): preset wide, 2000 iterations, batch 128, full data, ER 100 per class,
     * Adam kept, all ten output units active from the first task.
     */
    private static void literatureProtocol(ObjectNode root) {
        config(root).put("quick", false).put("train-limit", 0).put("test-limit", 0).put("preset", "wide")
                .put("iterations", 2000).put("vae-iterations", 2000).put("per-class", 100)
                .put("reset-optimizer", false).put("head", "fixed").put("class-order", "random");
    }

    /** Removes the per-run fields newer files have, as a file written before them. */
    private static void removeDetails(ObjectNode root) {
        for (var s : root.get("results")) {
            for (var run : s.get("runs")) {
                ((ObjectNode) run).remove(List.of("solver_loss", "generator_loss", "loss_window_steps",
                        "confusion_matrix"));
            }
        }
    }

    /** Adds the per-run fields of newer results files: losses per task (gr also its generator's) and R's classes. */
    private static void addDetails(ObjectNode root) {
        for (var s : root.get("results")) {
            for (var run : s.get("runs")) {
                ObjectNode r = (ObjectNode) run;
                ArrayNode solver = r.putArray("solver_loss");
                ArrayNode generator = MAPPER.createArrayNode();
                for (int k = 0; k < 5; k++) {
                    ArrayNode task = solver.addArray();
                    ArrayNode gen = generator.addArray();
                    for (int w = 0; w < 6; w++) {
                        task.add(2.0 / (w + 1) + 0.1 * k);
                        gen.add(180.0 - 10 * w);
                    }
                }
                if (s.get("strategy").asText().equals("gr")) {
                    r.set("generator_loss", generator);
                } else {
                    r.putNull("generator_loss");
                }
                r.put("loss_window_steps", 50);
                ArrayNode m = r.putArray("confusion_matrix");
                for (int i = 0; i < 10; i++) {
                    ArrayNode row = m.addArray();
                    for (int j = 0; j < 10; j++) {
                        row.add(i == j ? 900 + i : i == 9 ? 0 : j == 9 ? 80 : 2);
                    }
                }
            }
        }
    }

    private static Set<String> figures(Path out) throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(out.resolve(HtmlReport.FIGURES))) {
            files.forEach(f -> names.add(f.getFileName().toString()));
        }
        return names;
    }

    @Test
    void lossCurvesAndConfusionMatricesAreDrawnAsValidPngs(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        addDetails(root);
        String html = report(out, root);
        Set<String> names = figures(out);
        for (String s : STRATEGIES) {
            assertTrue(names.contains("loss-solver-" + s + ".png"), s + " solver loss: " + names);
            assertTrue(names.contains("confusion-" + s + ".png"), s + " confusion matrix: " + names);
            assertTrue(html.contains("id=\"fig-loss-solver-" + s + "\""), s + " solver loss on the page");
        }
        assertTrue(names.contains("loss-generator-gr.png"), "gr trains a generator");
        assertFalse(names.contains("loss-generator-er.png"), "er has none (generator_loss null)");
        assertTrue(names.contains("average-accuracy.png"), "the standard figure");
        for (String name : names) {
            BufferedImage image = ImageIO.read(out.resolve(HtmlReport.FIGURES).resolve(name).toFile());
            assertNotNull(image, name + " decodes as a PNG");
            assertEquals(Figures.WIDTH, image.getWidth(), name);
            // The page shows each figure at the size it was drawn: its img carries the PNG's own dimensions.
            byte[] png = Files.readAllBytes(out.resolve(HtmlReport.FIGURES).resolve(name));
            assertTrue(html.contains(DATA_URI + Base64.getEncoder().encodeToString(png) + "\" width=\""
                    + image.getWidth() + "\" height=\"" + image.getHeight() + "\""), name + " is embedded at its size");
        }
        assertFalse(html.contains("class=\"note absent\""), "nothing is reported missing");
        assertTrue(html.contains("over windows of 50 steps"), "the window is in the caption");
    }

    @Test
    void anOlderFileSaysInOneLineWhatItLacks(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        removeDetails(root);
        String html = report(out, root);
        assertEquals(STRATEGIES.size(), count(html, "class=\"note absent\""), "one line per strategy");
        assertTrue(html.contains("training-loss curves (solver_loss, generator_loss) and confusion matrix"));
        assertFalse(figures(out).stream().anyMatch(n -> n.startsWith("loss-") || n.startsWith("confusion-")));
    }

    @Test
    void theBannerFollowsTheStoredConfig(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        config(root).put("quick", true); // the fixture's run was --quick (4000 training samples per task)
        String quick = report(out, root);
        assertTrue(quick.contains("id=\"short-configuration\""), "the fixture is a --quick run");
        assertTrue(quick.contains("--quick (a short configuration") && quick.contains("training data limited to "
                + "4,000 samples per task"), "the reasons");
        assertTrue(quick.contains("<strong>Protocol:</strong> preset seed; 2 epochs per task (generator: 5 epochs); "
                + "batch 128; seed 1; 4000 training samples per task."), "the protocol line");

        literatureProtocol(root);
        String full = report(out, root);
        assertFalse(full.contains("id=\"short-configuration\""), "no banner on the literature protocol");
        assertTrue(full.contains("<strong>Protocol:</strong> preset wide; 2000 iterations per task (generator: 2000 "
                + "iterations); batch 128; seed 1; a random class order per seed."), "the protocol line");

        config(root).put("iterations", 500);
        String fewer = report(out, root);
        assertTrue(fewer.contains("id=\"short-configuration\"")
                && fewer.contains("500 solver iterations per task where the wide preset&#39;s protocol has 2000"),
                "fewer iterations than the preset's protocol");
        config(root).put("iterations", 2000).put("test-limit", 500);
        assertTrue(report(out, root).contains("test data limited to 500 samples per task"));
        config(root).put("test-limit", null); // null: all the test data
        assertFalse(report(out, root).contains("id=\"short-configuration\""), "a null limit is no limit");
    }

    @Test
    void publishedNumbersOnlyWhereTheProtocolMatches(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        String quick = report(out, root);
        assertFalse(quick.contains("<th>published ACC</th>"), "a quick run is not the published protocol");
        assertTrue(quick.contains("this run differs in preset seed (wide), iterations 0 (2000), reset-optimizer true (false), "
                + "train-limit 4000 (0)"),
                "the differences are named");

        literatureProtocol(root);
        String html = report(out, root);
        assertTrue(html.contains("<th>published ACC</th>"), html);
        String er = row(html, "er");
        assertTrue(er.contains(">0.8879<"), "vdV 2022's ER, 100 per class: " + er);
        assertTrue(row(html, "gr").contains(">0.9035<"), "DGR");
        assertTrue(row(html, "naive").contains(">0.1989 ± 0.0002<"), "with the published spread");
        assertTrue(html.contains("van de Ven, Tuytelaars and Tolias 2022"), "the source");

        config(root).put("per-class", 300);
        html = report(out, root);
        assertTrue(html.contains("<th>published ACC</th>"), "the other methods still match");
        assertTrue(row(html, "er").contains(">—<") && !row(html, "er").contains("0.8879"),
                "ER with 300 per class is not the published ER");
        assertTrue(row(html, "gr").contains(">0.9035<"));

        // The reference runs class-IL with every output unit active from the first task (--active-classes all):
        // a growing head is another protocol, whatever else matches.
        config(root).put("per-class", 100).put("head", "grow");
        html = report(out, root);
        assertFalse(row(html, "er").contains("0.8879") || row(html, "gr").contains("0.9035")
                || row(html, "naive").contains("0.1989"), "a growing head is not the published class-IL protocol");
        config(root).put("head", "fixed");
        assertTrue(row(report(out, root), "er").contains(">0.8879<"), "and fixed again is");

        // The published seeds each reassign classes to tasks: one fixed order for every seed is another protocol
        // (compare's default), the reference implementation's own draw is not.
        config(root).put("class-order", "fixed");
        html = report(out, root);
        assertFalse(html.contains("<th>published ACC</th>") || row(html, "er").contains("0.8879"), "a fixed order");
        assertTrue(html.contains("class-order fixed (random or reference)"), "named as a difference");
        config(root).put("class-order", "reference");
        assertTrue(row(report(out, root), "er").contains(">0.8879<"), "the reference's orders");
        config(root).put("class-order", "random");

        config(root).put("setting", "domain");
        html = report(out, root);
        assertFalse(row(html, "gr").contains("0.9035"), "a class-IL figure says nothing about domain-IL");
    }

    /**
     * Over several seeds a published figure comes with our distance from it in combined standard errors and the
     * Welch threshold (hand values): er 0.8939 ± 0.0060 (5 seeds) against vdV 2022's 0.8879, which has no spread,
     * is +0.0060 at 1.0 SE, within Student's t at 4 degrees of freedom (2.78); naive 0.2000 ± 0.0003 (5 seeds)
     * against 0.1989 ± 0.0002 (20) is +0.0011 over sqrt(0.0003² + 0.0002²) = 0.000361, 3.05 SE, with
     * (1.3e-7)² / ((9e-8)² / 4 + (4e-8)² / 19) = 8.01 degrees of freedom (2.31): a miss. One seed has no SEM,
     * and no distance.
     */
    @Test
    void aPublishedFigureComesWithOurDistanceFromIt(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        literatureProtocol(root);
        for (com.fasterxml.jackson.databind.JsonNode s : root.get("results")) {
            ObjectNode o = (ObjectNode) s;
            if (o.get("strategy").asText().equals("er")) {
                o.put("acc", 0.8939).put("acc_std", 0.006 * Math.sqrt(5));
                o.putArray("seeds").add(2).add(3).add(4).add(5).add(6);
            } else if (o.get("strategy").asText().equals("naive")) {
                o.put("acc", 0.2).put("acc_std", 0.0003 * Math.sqrt(5));
                o.putArray("seeds").add(2).add(3).add(4).add(5).add(6);
            }
        }
        String html = report(out, root);
        assertTrue(row(html, "er").contains(">0.8879; ours +0.0060 (1.00 SE; limit 2.78): within<"), row(html, "er"));
        assertTrue(row(html, "naive").contains(">0.1989 ± 0.0002; ours +0.0011 (3.05 SE; limit 2.31): misses<"), row(html, "naive"));
        assertTrue(row(html, "gr").contains(">0.9035<"), "one seed: no distance, " + row(html, "gr"));
    }

    /**
     * A strategy with seeds still to run is a measurement of the whole protocol over fewer seeds: it stands beside
     * the published figure, its seeds column saying which ran (as the README's protocol tables show "10 of 20
     * seeds so far"). A run that stopped before its last task does not.
     */
    @Test
    void seedsStillToRunKeepThePublishedFigureARunStoppedEarlyDoesNot(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        literatureProtocol(root);
        root.putArray("not_run").addObject().put("strategy", "er").put("reason", "not run yet (the sweep stopped)")
                .putArray("seeds").add(2).add(3);
        String html = report(out, root);
        String er = "er (incomplete: 1 of 3 seeds)";
        assertTrue(row(html, er).contains(">0.8879<"), "1 of 3 seeds, every task finished: " + row(html, er));

        ObjectNode gr = null;
        for (com.fasterxml.jackson.databind.JsonNode s : root.get("results")) {
            if (s.get("strategy").asText().equals("gr")) {
                gr = (ObjectNode) s;
            }
        }
        assertNotNull(gr);
        ((ObjectNode) gr.get("runs").get(0)).put("tasks_done", 4).put("complete", false)
                .put("stopped", "training diverged: the solver loss is NaN at task 5");
        html = report(out, root);
        String grRow = html.substring(html.indexOf("<tr><td>gr (incomplete"), html.indexOf("</tr>",
                html.indexOf("<tr><td>gr (incomplete")));
        assertFalse(grRow.contains("0.9035"), "a run stopped early: " + grRow);
        assertTrue(row(html, er).contains(">0.8879<"), "the others keep theirs");
    }

    /**
     * A short run is never set beside published figures, even where it shares every key of their protocol: here
     * gr's generator trained 100 iterations a task (the protocol's are 2000), so no column at all, naive's
     * neither; and when results.json says why it is short (a sweep judges each point's own config), the report
     * takes its word.
     */
    @Test
    void aShortRunIsNeverSetBesidePublishedFigures(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        literatureProtocol(root);
        config(root).put("vae-iterations", 100);
        String html = report(out, root);
        assertTrue(html.contains("id=\"short-configuration\"") && html.contains("100 generator iterations per task "
                + "where the wide preset&#39;s protocol has 2000"), "the banner");
        assertFalse(html.contains("<th>published ACC</th>") || html.contains("0.1989"), "no published figure");
        assertTrue(html.contains("and this run is a short configuration (see the banner above)"), "the note says why");

        literatureProtocol(root);
        root.putArray("short_reasons").add("training data limited to 1,000 samples per task");
        html = report(out, root);
        assertTrue(html.contains("id=\"short-configuration\"")
                && html.contains("training data limited to 1,000 samples per task"), "the reasons results.json gives");
        assertFalse(html.contains("<th>published ACC</th>"));
    }

    @Test
    void confidenceIntervalsUseStudentsTOverSeeds(@TempDir Path out) throws Exception {
        // Tables of Student's t, 97.5% quantile: 12.706 (1 df), 4.303 (2), 2.262 (9), 2.042 (30).
        assertEquals(12.7062, Interval.t975(1), 1e-4);
        assertEquals(4.3027, Interval.t975(2), 1e-4);
        assertEquals(2.2622, Interval.t975(9), 1e-4);
        assertEquals(2.0423, Interval.t975(30), 1e-4);
        assertTrue(Double.isNaN(Interval.halfWidth(0.01, 1)), "one seed: no interval");

        ObjectNode root = fixture(out);
        ObjectNode er = (ObjectNode) root.get("results").get(2);
        er.putArray("seeds").add(1).add(2).add(3);
        er.put(metric(er, "acc"), 0.9).put(metric(er, "acc") + "_std", 0.03);
        String html = report(out, root);
        // By hand: 0.9 ± 4.302653 * 0.03 / sqrt(3) = 0.9 ± 0.074524
        String ci = String.format(Locale.ROOT, "[%.4f, %.4f]", 0.9 - 0.074524, 0.9 + 0.074524);
        assertEquals("[0.8255, 0.9745]", ci);
        assertTrue(row(html, "er", "ci-table").contains(">" + ci + "<"), row(html, "er", "ci-table"));
        assertTrue(row(html, "naive", "ci-table").contains(">n/a<"), "one seed");
        // and the metrics table shows mean ± SEM: 0.03 / sqrt(3) = 0.0173
        assertTrue(row(html, "er").contains(">0.9000 ± 0.0173<"), "the metrics table shows mean ± SEM");
    }

    @Test
    void fwtIsLeftOutOnceWhereItIsZeroByConstruction(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        String html = report(out, root);
        assertFalse(html.contains("<th>FWT</th>"), "class-incremental, growing head: FWT is 0 by construction");
        assertEquals(1, count(html, "it is 0 by construction here</strong>"), "said once in the notes");

        config(root).put("setting", "task");
        ObjectNode er = (ObjectNode) root.get("results").get(2);
        er.put(metric(er, "fwt"), 0.05);
        html = report(out, root);
        assertTrue(html.contains("<th>FWT</th>") && row(html, "er").contains(">0.0500<"), "shown where it is not");
    }

    @Test
    void memoryIsInMegabytesEverywhere(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        // The replay memory after the last task, from the run's task records.
        ((ObjectNode) root.get("results").get(2).get("runs").get(0)).putArray("tasks").addObject()
                .put("task", 5).put("replay_bytes", 2352000);
        String html = report(out, root);
        assertFalse(Pattern.compile("\\d B\\b|\\bkB\\b|\\bKiB\\b|\\bMiB\\b").matcher(html.replaceAll(
                "data:image/png;base64,[A-Za-z0-9+/=]+", "")).find(), "no other memory unit");
        // er of the fixture: buffer 2,352,000 B, total 4,476,288 B; the replay memory is its buffer.
        assertTrue(html.contains("buffer 2.352 MB") && html.contains("total 4.476 MB (the memory column)"));
        String er = row(html, "er");
        assertTrue(er.contains(">4.476<") && er.contains(">2.352<"), "memory and replay memory columns: " + er);
    }

    @Test
    void labelledGridsShowWhatTheSolverMakesOfTheReplay(@TempDir Path out) throws Exception {
        ObjectNode root = fixture(out);
        byte[] digits = new byte[6 * 28 * 28];
        Arrays.fill(digits, (byte) 40);
        Path samples = out.resolve("samples");
        ImageGrid.writePng(samples.resolve("gr-task2-generated.png"), ImageGrid.fromBytes(digits, 6, 28, 28, 2, 3, 2));
        Files.writeString(samples.resolve("gr-task2-generated.json"), "{\"labels\": [0, 1, 2, 3, 3, 1], "
                + "\"confidence\": [0.99, 0.9, 0.3, 0.8, 0.7, 0.95], \"label_kind\": \"class\"}");
        String html = report(out, root);
        assertTrue(html.contains("Labels the solver after task 2 gives them (on each image, with its softmax "
                + "probability): 0 ×1, 1 ×2, 2 ×1, 3 ×2; mean confidence 0.77; 1 of 6 below 0.5 (red)."));
        byte[] raw = Files.readAllBytes(samples.resolve("gr-task2-generated.png"));
        assertFalse(html.contains(DATA_URI + Base64.getEncoder().encodeToString(raw)), "the labelled copy is shown");
        Matcher m = Pattern.compile("<img src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\" alt=\"gr: generated after "
                + "task 2\"").matcher(html);
        assertTrue(m.find(), "the grid is embedded");
        BufferedImage shown = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1))));
        assertNotNull(shown, "a valid PNG");
        BufferedImage plain = ImageIO.read(samples.resolve("gr-task2-generated.png").toFile());
        assertEquals(plain.getWidth(), shown.getWidth());
        assertEquals(plain.getHeight(), shown.getHeight());
        // Each cell's corner carries its label; the middle of a cell is the image.
        int cell = 28 * 2 + ImageGrid.SEPARATOR;
        assertNotEquals(plain.getRGB(4, 4), shown.getRGB(4, 4), "label drawn in cell 1");
        assertNotEquals(plain.getRGB(2 * cell + 4, cell + 4), shown.getRGB(2 * cell + 4, cell + 4), "and in cell 6");
        assertEquals(0x282828, shown.getRGB(cell + 40, cell + 40) & 0xFFFFFF, "the digit (gray 40) untouched");
        assertNull(ImageGrid.annotated(plain, 7, new String[7], new boolean[7]), "7 cells do not fit a 2x3 grid");
    }

    /** The row of {@code strategy} in the table with id {@code table}. */
    private static String row(String html, String strategy, String table) {
        int t = html.indexOf("id=\"" + table + "\"");
        assertTrue(t >= 0, "table " + table);
        int end = html.indexOf("</table>", t);
        int start = html.indexOf("<tr><td>" + strategy + "</td>", t);
        assertTrue(start >= 0 && start < end, strategy + " in " + table);
        return html.substring(start, html.indexOf("</tr>", start));
    }

    private static String row(String html, String strategy) {
        return row(html, strategy, "metrics-table");
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }
}
