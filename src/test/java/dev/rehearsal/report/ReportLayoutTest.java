package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How report.html is laid out, read from the page (the figures themselves are FigureLegibilityTest's): every
 * table scrolls inside its own box instead of running past the margin, the per-strategy sections and a long
 * not-run list are folded so that a sweep's page stays short, and a frontier sweep's page holds its frontier
 * (figures, table, what does not fit, the published points).
 */
class ReportLayoutTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static Path compare(Path out) throws IOException {
        try (InputStream in = ReportLayoutTest.class.getResourceAsStream("/report/results.json")) {
            assertNotNull(in, "fixture src/test/resources/report/results.json");
            Files.copy(in, out.resolve("results.json"));
        }
        return out;
    }

    private static String page(Path out) throws IOException {
        return Files.readString(HtmlReport.write(out), StandardCharsets.UTF_8);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + part.length())) {
            n++;
        }
        return n;
    }

    @Test
    void everyTableScrollsInsideItsOwnBox(@TempDir Path out) throws Exception {
        String html = page(compare(out));
        int tables = count(html, "<table");
        assertTrue(tables >= 8, "metrics, intervals, comparisons, four matrices, configuration: " + tables);
        assertEquals(tables, count(html, "<div class=\"table-box\"><table"), "each table in a box");
        assertTrue(html.contains(".table-box { overflow-x: auto;"), "that scrolls across when the table is wider");
    }

    @Test
    void aPageOfSeveralStrategiesFoldsTheirSectionsAndSayWhatEachHolds(@TempDir Path out) throws Exception {
        compare(out);
        ObjectNode root = (ObjectNode) MAPPER.readTree(out.resolve("results.json").toFile());
        root.putArray("comparisons").addObject().put("a", "er").put("b", "gr").put("n", 3).put("mean_difference", 0.2)
                .put("p_t_holm", 0.01).put("p_wilcoxon_holm", 0.25).put("significant", false);
        Files.writeString(out.resolve("results.json"), root.toString());
        String html = page(out);
        assertTrue(html.contains("Holm-corrected over the 1 comparison of this table"), "one comparison, singular");
        for (String s : List.of("naive", "joint", "er", "gr")) {
            Matcher m = Pattern.compile("<details class=\"fold\"><summary><h2 id=\"strategy-" + s + "\">Strategy "
                    + s + "</h2>\n<span class=\"gist\">accuracy matrix, memory by component and \\d+ figures?</span>"
                    + "</summary>").matcher(html);
            assertTrue(m.find(), s + " folded, with what it holds");
        }
        assertFalse(Pattern.compile("[a-z]\\(s\\)").matcher(html).find(),
                "counts say their noun in the singular or the plural, never 'comparison(s)'");
    }

    @Test
    void aSingleStrategyIsShownOpen(@TempDir Path out) throws Exception {
        compare(out);
        ObjectNode root = (ObjectNode) MAPPER.readTree(out.resolve("results.json").toFile());
        ArrayNode results = (ArrayNode) root.get("results");
        while (results.size() > 1) {
            results.remove(1);
        }
        Files.writeString(out.resolve("results.json"), root.toString());
        String html = page(out);
        assertEquals(1, count(html, "<details class=\"fold\" open><summary><h2 id=\"strategy-"), "a run's one strategy");
    }

    @Test
    void aLongListOfRunsNotMadeIsFolded(@TempDir Path out) throws Exception {
        compare(out);
        ObjectNode root = (ObjectNode) MAPPER.readTree(out.resolve("results.json").toFile());
        ArrayNode notRun = root.putArray("not_run");
        for (int seed = 2; seed <= 21; seed++) {
            notRun.addObject().put("strategy", "er").put("reason", "no record yet").putArray("seeds").add(seed);
        }
        Files.writeString(out.resolve("results.json"), root.toString());
        String html = page(out);
        assertTrue(html.contains("<div class=\"note\" id=\"not-run\"><details class=\"fold\"><summary><strong>Not "
                + "run:</strong> 20 runs</summary>"), "folded under its count");
        assertEquals(20, count(html.substring(html.indexOf("id=\"not-run\"")), "<li>er (seed "), "every run listed");
    }

    /** Points of a frontier at two budgets, the larger out of reach for one strategy. */
    private static List<Frontier.Point> points() {
        List<Frontier.Point> points = new ArrayList<>();
        points.add(new Frontier.Point("er (uint8)", 64_000, 3, 0.60, 0.02, 63_500, 6.5e9, false, false, Map.of()));
        points.add(new Frontier.Point("er (binary)", 64_000, 3, 0.80, 0.01, 63_700, 6.5e9, false, false, Map.of()));
        points.add(new Frontier.Point("proto (binary)", 64_000, 3, 0.78, 0.02, 63_800, 7.2e9, false, false, Map.of()));
        points.add(new Frontier.Point("er (binary)", 1_000_000, 3, 0.86, 0.01, 490_000, 6.5e9, false, false,
                Map.of()));
        return Frontier.fronts(points);
    }

    @Test
    void aFrontierSweepsPageHoldsItsFiguresTableAndWhatDoesNotFit(@TempDir Path out) throws Exception {
        compare(out);
        List<Frontier.Reference> refs = Frontier.references().stream().filter(r -> r.setting().equals("class"))
                .toList();
        Frontier.write(out, points(), List.of("gr at 64.0 kB: invalid value for 'replay-budget': 64000 bytes cannot "
                + "hold the frozen solver"), refs, List.of("ER, 100 per class (vdV 2022) [domain]: head grow (fixed)"),
                List.of(), new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        String html = page(out);
        assertTrue(html.contains("<li><a href=\"#frontier\">Memory-accuracy frontier</a></li>"), "in the contents");
        int section = html.indexOf("<h2 id=\"frontier\">");
        assertTrue(section > 0 && section < html.indexOf("<h2 id=\"metrics\">"), "before the metrics");
        for (String figure : List.of("fig-frontier-memory", "fig-frontier-macs")) {
            assertTrue(html.contains("<figure id=\"" + figure + "\"><img src=\"data:image/png;base64,"), figure);
            assertTrue(Files.isRegularFile(out.resolve(HtmlReport.FIGURES).resolve(figure.substring(4) + ".png")));
        }
        String table = html.substring(html.indexOf("<table id=\"frontier-table\">"));
        table = table.substring(0, table.indexOf("</table>"));
        assertEquals(4, count(table, "<tr><td>"), "one row per point");
        assertTrue(table.contains("<tr><td>er (binary)</td><td class=\"num\">64.0 kB</td><td class=\"num\">63.7 kB"
                + "</td><td class=\"num\"><strong>0.8000 ± 0.0058</strong></td>"), "the front's ACC in bold, ± SEM");
        assertTrue(html.contains("<div class=\"note\" id=\"does-not-fit\"><strong>Does not fit its budget</strong>")
                && html.contains("<li>gr at 64.0 kB: invalid value for &#39;replay-budget&#39;"), "does not fit");
        assertTrue(html.contains("<li>DGR (vdV 2022): ACC 0.9035 at 10.5 MB"), "the published points");
        assertTrue(html.contains("<div class=\"note\" id=\"published-other-protocol\"><strong>Published figures not "
                + "drawn</strong>") && html.contains("<li>ER, 100 per class (vdV 2022) [domain]: head grow (fixed)</li>"),
                "and those left out, with why");
        Path frontierFile = out.resolve("frontier.json");
        dev.rehearsal.SchemaCheck.assertValid(frontierFile);
        assertTrue(Files.readString(frontierFile).contains("\"published\""), "frontier.json records what it drew");
        assertEquals(refs, Frontier.read(MAPPER.readTree(frontierFile.toFile()), "f").published(), "and reads back");
    }

    @Test
    void aCorruptFrontierIsRefusedInOneLine(@TempDir Path out) throws Exception {
        compare(out);
        Frontier.write(out, points(), List.of(), List.of(), List.of(), List.of(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        ObjectNode root = (ObjectNode) MAPPER.readTree(out.resolve("frontier.json").toFile());
        ((ObjectNode) root.get("points").get(0)).put("acc_mean", 1.5);
        Files.writeString(out.resolve("frontier.json"), root.toString());
        RehearsalException e = assertThrows(RehearsalException.class, () -> HtmlReport.write(out));
        assertEquals(RehearsalException.DATA, e.exitCode());
        assertTrue(e.getMessage().contains("frontier.json: a point of 'points'") && !e.getMessage().contains("\n"),
                e.getMessage());
    }

    @Test
    void aLinkNamedFrontierJsonIsNotFollowed(@TempDir Path out, @TempDir Path elsewhere) throws Exception {
        compare(out);
        Frontier.write(elsewhere, points(), List.of(), List.of(), List.of(), List.of(), new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8));
        Files.createSymbolicLink(out.resolve("frontier.json"), elsewhere.resolve("frontier.json"));
        assertFalse(page(out).contains("id=\"frontier\""), "a link is not this folder's frontier");
    }
}
