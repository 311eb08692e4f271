package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.cli.ChildCli;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep --preset frontier-quick} end to end in a child JVM on real (limited) MNIST: every budget is
 * kept, what cannot fit is reported as such and not as a failure, the Pareto flags are those a plain
 * dominance check gives, the figures are PNGs, and compression pays at the smallest budget.
 */
class FrontierSweepTest {
    @TempDir
    Path work;

    @Test
    void theQuickFrontierKeepsItsBudgetsAndMarksItsFront() throws Exception {
        Path out = work.resolve("frontier");
        Path so = work.resolve("out.txt");
        Path se = work.resolve("err.txt");
        List<String> cmd = SweepTest.childCommand("--preset", "frontier-quick", "--parallel", "2", "--threads", "1",
                "--out", out.toString(), "-q");
        Process p = new ProcessBuilder(cmd).redirectOutput(so.toFile()).redirectError(se.toFile()).start();
        ChildCli r = ChildCli.finish(p, so, se);
        assertEquals(0, r.exitCode(), r.err());
        ObjectMapper json = new ObjectMapper();
        JsonNode sweep = dev.rehearsal.SchemaCheck.assertValid(out.resolve("sweep.json"));
        dev.rehearsal.SchemaCheck.assertValid(out.resolve("results.json"));
        int finished = 0;
        List<String> notFit = new ArrayList<>();
        for (JsonNode e : sweep.path("experiments")) {
            long budget = e.path("options").path("replay_budget").asLong();
            switch (e.path("status").asText()) {
                case "finished" -> {
                    finished++;
                    assertTrue(e.path("replay_bytes").asLong() <= budget, e.toString());
                    assertTrue(e.path("replay_bytes").asLong() > 0, e.toString());
                }
                case "does_not_fit" -> notFit.add(e.path("strategy").asText() + "@" + budget);
                default -> throw new AssertionError("unexpected status: " + e);
            }
        }
        // The seed preset's frozen solver alone is 4 x 44,860 = 179,440 bytes: gr and icarl cannot fit 64 kB.
        assertEquals(List.of("icarl@64000", "gr@64000"), notFit);
        assertEquals(12 - 2, finished);

        JsonNode frontier = dev.rehearsal.SchemaCheck.assertValid(out.resolve("frontier.json"));
        List<JsonNode> points = new ArrayList<>();
        frontier.path("points").forEach(points::add);
        assertEquals(10, points.size());
        Map<String, Double> acc = new HashMap<>();
        for (JsonNode a : points) {
            boolean dominated = false;
            for (JsonNode b : points) {
                double am = a.path("replay_bytes").asDouble();
                double bm = b.path("replay_bytes").asDouble();
                double aa = a.path("acc_mean").asDouble();
                double ba = b.path("acc_mean").asDouble();
                dominated |= b != a && bm <= am && ba >= aa && (bm < am || ba > aa);
            }
            assertEquals(!dominated, a.path("pareto_memory").asBoolean(), a.toString());
            assertTrue(a.path("acc_std").isNull(), "one seed: no std");
            acc.put(a.path("strategy").asText() + "@" + a.path("replay_budget_bytes").asLong(),
                    a.path("acc_mean").asDouble());
        }
        // Measured 0.804 against 0.600: at 64 kB, 1 bit a pixel (653 samples) beats 8 bits (81).
        assertTrue(acc.get("er (binary)@64000") > acc.get("er (uint8)@64000") + 0.1, acc.toString());
        assertTrue(acc.get("proto (binary)@64000") > 0.5, acc.toString());
        for (String png : List.of("frontier-memory.png", "frontier-macs.png")) {
            BufferedImage img = ImageIO.read(out.resolve(png).toFile());
            assertEquals(800, img.getWidth(), png + " at the report's figure width");
        }
        // Run again into the same folder: every record is kept (does-not-fit ones too), the frontier is the same.
        Path so2 = work.resolve("out2.txt");
        Path se2 = work.resolve("err2.txt");
        Process again = new ProcessBuilder(SweepTest.childCommand("--preset", "frontier-quick", "--parallel", "2",
                "--threads", "1", "--out", out.toString())).redirectOutput(so2.toFile()).redirectError(se2.toFile())
                .start();
        ChildCli r2 = ChildCli.finish(again, so2, se2);
        assertEquals(0, r2.exitCode(), r2.err());
        assertTrue(r2.out().contains("(12 kept, 0 run, 0 failed)"), r2.out());
        assertEquals(frontier.path("points"), json.readTree(out.resolve("frontier.json").toFile()).path("points"));
        String md = Files.readString(out.resolve("frontier.md"));
        assertTrue(md.contains("## What this answers"), md);
        assertTrue(md.contains("gr at 64.0 kB: invalid value for 'replay-budget'"), md);
        assertFalse(frontier.path("answer").asText().isBlank());

        // A smoke test (the seed preset, 1,000 samples and 60 steps a task): flagged wherever its numbers are, and
        // never beside a published figure (FrontierShortTest: a full frontier keeps them).
        List<String> reasons = new ArrayList<>();
        sweep.path("short_reasons").forEach(x -> reasons.add(x.asText()));
        assertTrue(sweep.path("short").asBoolean() && reasons.contains("training data limited to 1,000 samples per "
                + "task"), reasons.toString());
        sweep.path("experiments").forEach(e -> assertTrue(e.path("short").asBoolean(), e.toString()));
        String line = "**" + dev.rehearsal.config.ShortRun.line(reasons) + "**";
        assertTrue(md.startsWith("# Memory-accuracy frontier\n\n" + line), md);
        assertFalse(md.contains("0.8879") || md.contains("0.9035") || md.contains("(vdV 2022)"), md);
        assertTrue(frontier.path("short").asBoolean() && frontier.path("published").isEmpty(), frontier.toString());
        assertTrue(Files.readString(out.resolve("sweep.md")).contains(line), "sweep.md");
        assertTrue(Files.readString(out.resolve("results.md")).contains(line), "results.md");
        assertTrue(r2.out().startsWith(line.replace("**", "")) || r2.out().contains(line), "the console: " + r2.out());
        List<String> csv = Files.readAllLines(out.resolve("sweep.csv"));
        assertTrue(csv.get(0).endsWith(",short") && csv.subList(1, csv.size()).stream().allMatch(l ->
                l.endsWith(",true")), csv.get(0));
        assertTrue(Files.readString(out.resolve("report.html")).contains("id=\"short-configuration\""), "report");
        // The sweep's report.html holds the frontier too, with the points that do not fit.
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2 id=\"frontier\">") && html.contains("<table id=\"frontier-table\">")
                && html.contains("id=\"fig-frontier-memory\"") && html.contains("id=\"does-not-fit\""), "frontier");
    }
}
