package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.SchemaCheck;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.metrics.AccuracyMatrix;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.LossCurves;
import dev.rehearsal.metrics.TaskRecord;
import dev.rehearsal.stats.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A table's paired comparisons: runs pair by seed and class order, incomplete runs and unpaired seeds are left
 * out, the family is every pair, the p-values are Holm-corrected over it, and results.json and results.md say
 * "beats" only where both corrected tests agree.
 */
class PairedComparisonsTest {
    /** A one-task run with final accuracy {@code acc} (ACC = acc), complete or not. */
    private static RunResult run(String strategy, long seed, int[] order, double acc, boolean complete) {
        AccuracyMatrix m = new AccuracyMatrix(2);
        if (complete) {
            m.setRow(0, new double[] {acc, 0});
            m.setRow(1, new double[] {acc, acc});
        } else {
            m.setRow(0, new double[] {acc, 0});
        }
        return new RunResult(strategy, seed, m, new Ledger(), Map.of("solver", 10L), Map.of(), 0, 1.0,
                List.of(new TaskRecord(1, 40, 0, 10, 100, 50, 20)), 100,
                new LossCurves.Recorded(1, List.of(new double[] {0.7}), null), null, order, null);
    }

    private static int[] order(long seed) {
        return seed % 2 == 0 ? new int[] {0, 1, 2, 3} : new int[] {2, 3, 0, 1};
    }

    @Test
    void pairsBySeedAndOrderAndSaysBeatsOnlyWhenBothCorrectedTestsAgree() {
        Map<String, List<RunResult>> runs = new LinkedHashMap<>();
        runs.put("er", new ArrayList<>());
        runs.put("gr", new ArrayList<>());
        runs.put("proto", new ArrayList<>());
        runs.put("lwf", new ArrayList<>());
        for (long s = 1; s <= 8; s++) {
            runs.get("er").add(run("er", s, order(s), 0.90 + 0.001 * s, true));
            runs.get("gr").add(run("gr", s, order(s), 0.80 + 0.002 * s, true));
            // proto: on par with er (alternating +-0.01)
            runs.get("proto").add(run("proto", s, order(s), 0.90 + 0.001 * s + (s % 2 == 0 ? 0.01 : -0.01), true));
            runs.get("lwf").add(run("lwf", s, order(s), 0.99, false)); // diverged after one task: never compared
        }
        // a ninth er seed with no partner, and a gr run of seed 9 under another class order: neither pairs
        runs.get("er").add(run("er", 9, order(9), 0.5, true));
        runs.get("gr").add(run("gr", 9, order(10), 0.99, true));
        List<Verdict.Answer> answers = PairedComparisons.of(runs);
        assertEquals(3, answers.size(), "er-gr, er-proto, gr-proto; lwf has no complete run");
        Verdict.Answer erGr = answers.get(0);
        assertEquals("er", erGr.a());
        assertEquals("gr", erGr.b());
        assertEquals(8, erGr.test().n(), "seeds 1-8 pair; seed 9's runs differ in class order");
        // 8 positive differences: Wilcoxon 2/256 = 0.0078; Holm multiplies the smallest of 3 by 3
        assertEquals(2.0 / 256, erGr.test().pWilcoxon(), 1e-15);
        assertTrue(erGr.pWHolm() >= erGr.test().pWilcoxon() && erGr.pWHolm() <= 3 * erGr.test().pWilcoxon() + 1e-15);
        assertTrue(erGr.significant());
        assertEquals("er", erGr.winner());
        Verdict.Answer erProto = answers.get(1);
        assertFalse(erProto.significant());
        assertTrue(erProto.sentence().startsWith("er and proto are not distinguishable"), erProto.sentence());

        Summary summary = new Summary(Experiment.single(new ExperimentConfig(), "er", 1));
        runs.values().forEach(list -> list.forEach(summary::add));
        ObjectNode json = summary.toJson();
        assertEquals(List.of(), SchemaCheck.errors(json), "results.json with comparisons is valid");
        assertEquals(3, json.get("comparisons").size());
        assertEquals("er beats gr", json.get("comparisons").get(0).get("sentence").asText().substring(0, 11));
        String md = summary.markdown();
        assertTrue(md.contains("## Paired comparisons of final ACC"), md);
        assertTrue(md.contains("| er | proto | 8 |"), md);
        assertTrue(md.contains("not distinguishable"), md);
        assertEquals(List.of(), SchemaCheck.errors(json));
    }

    /** er at 0.90 + 0.001 s and gr at {@code grBase} + 0.002 s on seeds 1 to {@code seeds}, complete runs. */
    private static Summary erAndGr(int seeds, double grBase) {
        Summary summary = new Summary(Experiment.single(new ExperimentConfig(), "er", 1));
        for (long s = 1; s <= seeds; s++) {
            summary.add(run("er", s, order(s), 0.90 + 0.001 * s, true));
            summary.add(run("gr", s, order(s), grBase + 0.002 * s, true));
        }
        return summary;
    }

    @Test
    void theReportShowsTheComparisonsAndMeansWithSem(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Summary summary = erAndGr(8, 0.80);
        java.nio.file.Files.writeString(dir.resolve("results.json"), Json.write(summary.toJson()));
        dev.rehearsal.report.HtmlReport.write(dir);
        String html = java.nio.file.Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("Paired comparisons of final ACC"), "the section");
        assertTrue(html.contains(">er better</td>"), "the verdict");
        // er's ACC over seeds 1-8: mean 0.9045, sample std sqrt(6e-6) = 0.002449, SEM 0.000866
        assertTrue(html.contains("0.9045 ± 0.0009"), "mean ± SEM in the metrics table");
    }

    /**
     * Three seeds where er is far above gr on every one: the t-test separates them, but the exact Wilcoxon test's
     * smallest p with 3 pairs is 2/8 = 0.25, so no difference could be called. Every table says "too few seeds to
     * decide", never "not distinguishable": results.md, results.json (verdict and floor) and the report, which
     * reads the verdict back. A results.json written before verdicts were recorded gets the same verdict from its
     * numbers of seeds; one whose verdict contradicts its p-values is refused.
     */
    @Test
    void threeSeedsAreTooFewToDecideInEveryTable(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Summary summary = erAndGr(3, 0.30);
        ObjectNode json = summary.toJson();
        assertEquals(List.of(), SchemaCheck.errors(json));
        com.fasterxml.jackson.databind.JsonNode c = json.get("comparisons").get(0);
        assertTrue(c.get("p_t_holm").asDouble() < 0.001, "the t-test alone: " + c.get("p_t_holm"));
        assertEquals(0.25, c.get("p_wilcoxon_holm").asDouble(), 1e-15);
        assertEquals(0.25, c.get("p_wilcoxon_holm_floor").asDouble(), 1e-15);
        assertEquals(Verdict.TOO_FEW, c.get("verdict").asText());
        assertFalse(c.get("sentence").asText().contains("not distinguishable"), c.get("sentence").asText());
        String md = summary.markdown();
        assertTrue(md.contains("| er | gr | 3 |"), md);
        assertTrue(md.contains("| " + Verdict.TOO_FEW + " |"), md);
        assertFalse(md.contains("| not distinguishable |"), md);

        java.nio.file.Files.writeString(dir.resolve("results.json"), Json.write(json));
        dev.rehearsal.report.HtmlReport.write(dir);
        assertTrue(java.nio.file.Files.readString(dir.resolve("report.html")).contains(">" + Verdict.TOO_FEW
                + "</td>"));

        ObjectNode older = json.deepCopy();
        ((ObjectNode) older.get("comparisons").get(0)).remove(List.of("verdict", "p_wilcoxon_holm_floor"));
        assertEquals(List.of(), SchemaCheck.errors(older), "a file of before 2026-12-07 evening stays valid");
        java.nio.file.Files.writeString(dir.resolve("results.json"), Json.write(older));
        dev.rehearsal.report.HtmlReport.write(dir);
        assertTrue(java.nio.file.Files.readString(dir.resolve("report.html")).contains(">" + Verdict.TOO_FEW
                + "</td>"), "derived from its numbers of seeds");

        ObjectNode lying = json.deepCopy();
        ((ObjectNode) lying.get("comparisons").get(0)).put("verdict", Verdict.NOT_DISTINGUISHABLE);
        java.nio.file.Files.writeString(dir.resolve("results.json"), Json.write(lying));
        Exception e = org.junit.jupiter.api.Assertions.assertThrows(Exception.class,
                () -> dev.rehearsal.report.HtmlReport.write(dir));
        assertTrue(e.getMessage().contains("says 'not distinguishable' where its p-values give 'too few seeds to "
                + "decide'"), e.getMessage());
    }

    /**
     * A scaling study's family: methods at one number of tasks. er, gr and si at T = 2 and gr and er at T = 20
     * give the three pairs at 2 and the one at 20, never a method at 2 against one at 20; a label without the key
     * is left out.
     */
    @Test
    void aScalingStudyComparesMethodsAtOneNumberOfTasks() {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        labels.put("er tasks=2 per-class=100", Map.of("strategy", "er", "tasks", "2", "per-class", "100"));
        labels.put("gr tasks=2", Map.of("strategy", "gr", "tasks", "2"));
        labels.put("gr tasks=20", Map.of("strategy", "gr", "tasks", "20"));
        labels.put("si tasks=2", Map.of("strategy", "si", "tasks", "2"));
        labels.put("er tasks=20 per-class=100", Map.of("strategy", "er", "tasks", "20", "per-class", "100"));
        labels.put("naive", Map.of("strategy", "naive"));
        assertEquals(List.of(List.of("er tasks=2 per-class=100", "gr tasks=2"),
                List.of("er tasks=2 per-class=100", "si tasks=2"), List.of("gr tasks=2", "si tasks=2"),
                List.of("gr tasks=20", "er tasks=20 per-class=100")), PairedComparisons.sharing(labels, "tasks"));
    }

    /**
     * A grid's paired-by: only the pairs of labels equal but for the key form the family. Four labels (er and gr,
     * each with head fixed and grown) give two pairs, not six; er on 8 seeds always above its grown form: Wilcoxon
     * 2/256 = 0.0078 before correction, and Holm over the family of two doubles the smaller of the two at most.
     */
    @Test
    void aDeclaredFamilyComparesEachMethodWithItselfOnly() {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        labels.put("er head=fixed", Map.of("strategy", "er", "head", "fixed"));
        labels.put("er", Map.of("strategy", "er"));
        labels.put("gr vae-iterations=2000 head=fixed", Map.of("strategy", "gr", "vae-iterations", "2000",
                "head", "fixed"));
        labels.put("gr vae-iterations=2000", Map.of("strategy", "gr", "vae-iterations", "2000"));
        labels.put("gr vae-iterations=1000", Map.of("strategy", "gr", "vae-iterations", "1000"));
        List<List<String>> pairs = PairedComparisons.differingIn(labels, "head");
        assertEquals(List.of(List.of("er head=fixed", "er"),
                List.of("gr vae-iterations=2000 head=fixed", "gr vae-iterations=2000")), pairs,
                "er with er, gr with gr of the same vae-iterations; never across methods or other keys");

        Map<String, List<RunResult>> runs = new LinkedHashMap<>();
        for (String l : labels.keySet()) {
            runs.put(l, new ArrayList<>());
        }
        for (long s = 1; s <= 8; s++) {
            runs.get("er head=fixed").add(run("er head=fixed", s, order(s), 0.88 + 0.001 * s, true));
            runs.get("er").add(run("er", s, order(s), 0.89 + 0.002 * s, true));
            runs.get("gr vae-iterations=2000 head=fixed").add(run("g1", s, order(s), 0.87 + 0.001 * s, true));
            runs.get("gr vae-iterations=2000").add(run("g2", s, order(s), 0.87 + 0.001 * s + (s % 2 == 0 ? 0.01
                    : -0.01), true));
            runs.get("gr vae-iterations=1000").add(run("g3", s, order(s), 0.5, true));
        }
        List<Verdict.Answer> answers = PairedComparisons.of(runs, pairs);
        assertEquals(2, answers.size(), "the declared family only");
        assertEquals(2.0 / 256, answers.get(0).test().pWilcoxon(), 1e-15);
        assertTrue(answers.get(0).pWHolm() <= 2 * 2.0 / 256 + 1e-15, "Holm over two, not ten");
        assertTrue(answers.get(0).significant());
        assertEquals("er", answers.get(0).winner());
        assertFalse(answers.get(1).significant(), "gr on par with itself");
        assertEquals(10, PairedComparisons.of(runs).size(), "without it: every pair of the five");
    }

    /**
     * Past twelve methods a table compares each with its best method, and a bound is never that reference: joint
     * training (the highest mean here) and fine-tuning are compared with the best of the eleven methods, which
     * meets all twelve others. Before, joint was the reference and every answer said only that a method falls
     * short of it.
     */
    @Test
    void manyMethodsAreComparedWithTheBestMethodNotWithABound() {
        Map<String, List<RunResult>> runs = new LinkedHashMap<>();
        runs.put("joint", new ArrayList<>());
        runs.put("naive", new ArrayList<>());
        for (int k = 0; k < 11; k++) {
            runs.put("er per-class=" + (10 + k), new ArrayList<>());
        }
        for (long s = 1; s <= 6; s++) {
            runs.get("joint").add(run("joint", s, order(s), 0.99, true));
            runs.get("naive").add(run("naive", s, order(s), 0.50 + 0.001 * s, true));
            for (int k = 0; k < 11; k++) {
                runs.get("er per-class=" + (10 + k)).add(run("er", s, order(s), 0.80 + 0.01 * k + 0.001 * s, true));
            }
        }
        List<Verdict.Answer> answers = PairedComparisons.of(runs);
        assertEquals(12, answers.size(), "each of the twelve others against one reference");
        for (Verdict.Answer a : answers) {
            assertEquals("er per-class=20", a.a(), "the best method is the reference: " + a.a() + " vs " + a.b());
        }
        assertTrue(answers.stream().anyMatch(a -> a.b().equals("joint")), "joint is compared with it");
    }

    @Test
    void nothingToCompareWritesNothing() {
        Map<String, List<RunResult>> runs = new LinkedHashMap<>();
        runs.put("er", List.of(run("er", 1, order(1), 0.9, true)));
        runs.put("gr", List.of(run("gr", 1, order(1), 0.8, true)));
        assertTrue(PairedComparisons.of(runs).isEmpty(), "one seed each: no paired test");
        assertEquals("", PairedComparisons.markdown(List.of()));
    }
}
