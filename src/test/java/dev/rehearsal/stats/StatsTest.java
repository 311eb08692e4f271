package dev.rehearsal.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every statistic against values derived by hand (closed forms and enumerations written out in the comments),
 * and where a hand derivation is too long, against scipy 1.17's independent result (noted as such).
 */
class StatsTest {
    @Test
    void summaryOfFourValues() {
        // 1, 2, 3, 4: mean 2.5, squares about the mean 2.25 + 0.25 + 0.25 + 2.25 = 5, std sqrt(5/3),
        // sem sqrt(5/3)/2, t(0.975, 3) = 3.182446 (tables)
        SeedSummary s = SeedSummary.of(1, 2, 3, 4);
        assertEquals(4, s.n());
        assertEquals(2.5, s.mean(), 1e-15);
        assertEquals(Math.sqrt(5.0 / 3), s.std(), 1e-15);
        assertEquals(Math.sqrt(5.0 / 3) / 2, s.sem(), 1e-15);
        assertEquals(3.182446305 * Math.sqrt(5.0 / 3) / 2, s.ci95(), 1e-8);
        assertEquals("2.50 ± 0.65 (n=4)", s.meanSem(2));
    }

    @Test
    void oneSeedHasNoSpreadAndNonFiniteIsRefused() {
        SeedSummary s = SeedSummary.of(0.9);
        assertTrue(Double.isNaN(s.std()) && Double.isNaN(s.sem()) && Double.isNaN(s.ci95()));
        assertEquals("0.9000 (n=1)", s.meanSem(4));
        assertThrows(IllegalArgumentException.class, () -> SeedSummary.of(0.5, Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> SeedSummary.of());
    }

    @Test
    void studentTQuantilesAndTails() {
        // tables: t(0.975) = 12.706205 (df 1), 4.302653 (2), 2.776445 (4), 2.093024 (19)
        assertEquals(12.70620474, StudentT.centralQuantile(0.95, 1), 1e-7);
        assertEquals(4.30265273, StudentT.centralQuantile(0.95, 2), 1e-7);
        assertEquals(2.77644511, StudentT.centralQuantile(0.95, 4), 1e-7);
        assertEquals(2.09302405, StudentT.centralQuantile(0.95, 19), 1e-7);
        // df 1 is Cauchy: P(|T| <= 1) = (2/pi) atan(1) = 1/2
        assertEquals(0.5, StudentT.centralProbability(1, 1), 1e-15);
        // df 2: P(|T| <= t) = t / sqrt(2 + t^2); at t = sqrt(2): 1/sqrt(2)
        assertEquals(1 / Math.sqrt(2), StudentT.centralProbability(Math.sqrt(2), 2), 1e-15);
        assertEquals(0, StudentT.twoSidedP(Double.POSITIVE_INFINITY, 3), 0);
        assertEquals(1, StudentT.twoSidedP(0, 3), 1e-15);
    }

    @Test
    void pairedTTestByHand() {
        // d = 1..5: mean 3, std sqrt(2.5), se sqrt(0.5), t = 3 sqrt(2), df 4. With tan(theta) = t / 2:
        // cos^2 = 1 / (1 + 4.5) = 2/11, sin = sqrt(9/11), P(|T| <= t) = sin (1 + cos^2 / 2) = sqrt(9/11) 12/11
        Paired p = Paired.of(new double[] {1, 2, 3, 4, 5}, new double[5]);
        assertEquals(3, p.meanDiff(), 1e-15);
        assertEquals(3 * Math.sqrt(2), p.t(), 1e-12);
        assertEquals(1 - Math.sqrt(9.0 / 11) * 12 / 11, p.pT(), 1e-12);
        assertEquals(0.01323559956368269, p.pT(), 1e-12); // scipy.stats.ttest_1samp agrees
    }

    @Test
    void wilcoxonExactByEnumeration() {
        // 5 positive differences: W+ = 15 is the largest of 2^5 equally likely sign patterns: p = 2/32
        Paired five = Paired.of(new double[] {1, 2, 3, 4, 5}, new double[5]);
        assertEquals(5, five.nonZero());
        assertEquals(15, five.wPlus(), 0);
        assertEquals(2.0 / 32, five.pWilcoxon(), 1e-15);
        // 5 seeds can never give p < 0.05, 6 all-positive can: 2/64
        assertEquals(2.0 / 64, Paired.of(new double[] {1, 1, 1, 1, 1, 1}, new double[6]).pWilcoxon(), 1e-15);
        // zeros are dropped: 0, 0, 1, 2 is the test on 1, 2: W+ = 3 of 4 patterns, p = 2 * 1/4
        Paired zeros = Paired.of(new double[] {0, 0, 1, 2}, new double[4]);
        assertEquals(2, zeros.nonZero());
        assertEquals(0.5, zeros.pWilcoxon(), 1e-15);
        // tied magnitudes 1, 1, -1: mid-rank 2 each, W+ = 4 (two positives); P(W+ >= 4) = P(k >= 2) = 4/8,
        // P(W+ <= 4) = 7/8, so p = min(1, 2 * 1/2) = 1
        assertEquals(1, Paired.of(new double[] {1, 1, -1}, new double[3]).pWilcoxon(), 1e-15);
        assertEquals(4, Paired.of(new double[] {1, 1, -1}, new double[3]).wPlus(), 0);
        // all differences zero: nothing to test
        assertEquals(1, Paired.of(new double[] {3, 3}, new double[] {3, 3}).pWilcoxon(), 0);
    }

    @Test
    void wilcoxonWithTiesAgainstScipyPermutation() {
        // scipy 1.17 wilcoxon(x, method=PermutationMethod(n_resamples=inf)) on these ten: 0.037109375 = 38/1024
        double[] x = {1.5, -2, 2, 3, -3, 4, 4, 4, 5, 6};
        Paired p = Paired.of(x, new double[x.length]);
        assertEquals(38.0 / 1024, p.pWilcoxon(), 1e-15);
        // ranks: 1.5 -> 1; |2| x2 -> 2.5; |3| x2 -> 4.5; 4 x3 -> 7; 5 -> 9; 6 -> 10. W+ = 1 + 2.5 + 4.5 + 21 + 19
        assertEquals(48, p.wPlus(), 0);
    }

    @Test
    void pairedAccuraciesAsATableWouldHaveThem() {
        double[] a = {0.91, 0.90, 0.93, 0.89, 0.92, 0.94};
        double[] b = {0.88, 0.89, 0.90, 0.90, 0.87, 0.91};
        Paired p = Paired.of(a, b);
        // scipy.stats.ttest_rel: t = 2.7669929526473314, p = 0.039505809675341425
        assertEquals(2.7669929526473314, p.t(), 1e-10);
        assertEquals(0.039505809675341425, p.pT(), 1e-10);
        // differences .03 .01 .03 -.01 .05 .03: |.01| twice (ranks 1.5), .03 three times (4), .05 (6).
        // W- = 1.5; P(W+ >= 19.5) counts the sign patterns whose negative ranks sum to <= 1.5: none, either
        // 1.5 alone (2 patterns) -> 3 of 64; two-sided 6/64 = 0.09375, as scipy.stats.wilcoxon gives
        assertEquals(19.5, p.wPlus(), 1e-12);
        assertEquals(6.0 / 64, p.pWilcoxon(), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> Paired.of(a, new double[5]));
    }

    @Test
    void holmByHand() {
        // sorted 0.005 (x4 = 0.02), 0.01 (x3 = 0.03), 0.03 (x2 = 0.06), 0.04 (x1 = 0.04, kept at 0.06)
        double[] adj = Holm.adjust(0.01, 0.04, 0.03, 0.005);
        assertEquals(0.03, adj[0], 1e-15);
        assertEquals(0.06, adj[1], 1e-15);
        assertEquals(0.06, adj[2], 1e-15);
        assertEquals(0.02, adj[3], 1e-15);
        // capped at 1; NaN ignored and kept
        double[] c = Holm.adjust(0.6, Double.NaN, 0.4);
        assertEquals(0.8, c[2], 1e-15);
        assertEquals(0.8, c[0], 1e-15);
        assertTrue(Double.isNaN(c[1]));
        assertThrows(IllegalArgumentException.class, () -> Holm.adjust(1.5));
    }

    @Test
    void verdictSaysBeatsOnlyWhenBothCorrectedTestsAgree() {
        Map<String, Double> good = new LinkedHashMap<>();
        Map<String, Double> bad = new LinkedHashMap<>();
        Map<String, Double> same = new LinkedHashMap<>();
        for (int s = 1; s <= 8; s++) {
            good.put("seed " + s, 0.90 + 0.001 * s);
            bad.put("seed " + s, 0.80 + 0.002 * s);
            same.put("seed " + s, 0.90 + 0.001 * s + (s % 2 == 0 ? 0.01 : -0.01));
        }
        List<Verdict.Answer> answers = Verdict.decide(List.of(new Verdict.Question("er", good, "gr", bad),
                new Verdict.Question("er", good, "proto", same)));
        Verdict.Answer first = answers.get(0);
        // 8 all-positive differences: Wilcoxon 2/256 before correction, x2 by Holm at most
        assertEquals(2.0 / 256, first.test().pWilcoxon(), 1e-15);
        assertTrue(first.significant());
        assertEquals("er", first.winner());
        assertTrue(first.sentence().startsWith("er beats gr ("), first.sentence());
        Verdict.Answer second = answers.get(1);
        assertFalse(second.significant());
        assertNull(second.winner());
        assertTrue(second.sentence().startsWith("er and proto are not distinguishable at 0.05"), second.sentence());
        // unpaired data are refused, not compared
        assertThrows(IllegalArgumentException.class, () -> Verdict.decide(List.of(new Verdict.Question("a",
                Map.of("seed 1", 0.5), "b", Map.of("seed 2", 0.4)))));
    }

    /**
     * Too few seeds to decide, on hand values. The exact signed-rank test's smallest two-sided p with n pairs is
     * 2 x (1/2)^n: 0.5 at 2, 0.25 at 3, 0.0625 at 5, 0.03125 at 6, 0.001953125 at 10. A family of n = 10, 6 and 5:
     * floors sorted 0.001953125, 0.03125, 0.0625; Holm multiplies them by 3, 2 and 1 and carries the maximum:
     * 0.005859375, 0.0625, 0.0625. So the 10-seed pair can be decided, the 6-seed pair (alone 0.03125) cannot in
     * this family, nor the 5-seed pair. With data: six seeds where A is ahead on every one give Wilcoxon 0.03125
     * and a paired t p far below, significant alone, yet in a family beside two 5-seed pairs (floors 0.03125,
     * 0.0625, 0.0625: Holm gives the 6-seed pair 3 x 0.03125 = 0.09375) they are "too few seeds to decide", not
     * "not distinguishable"; ten seeds of the same kind beside them are decided (3 x 0.001953125 = 0.005859375).
     */
    @Test
    void tooFewSeedsToDecideIsNotCalledNotDistinguishable() {
        assertEquals(0.5, Verdict.wilcoxonFloor(2), 0);
        assertEquals(0.25, Verdict.wilcoxonFloor(3), 0);
        assertEquals(0.0625, Verdict.wilcoxonFloor(5), 0);
        assertEquals(0.03125, Verdict.wilcoxonFloor(6), 0);
        assertEquals(0.001953125, Verdict.wilcoxonFloor(10), 0);
        assertArrayEquals(new double[] {0.005859375, 0.0625, 0.0625}, Verdict.wilcoxonFloorsHolm(10, 6, 5), 1e-18);

        Map<String, Double> a6 = new LinkedHashMap<>();
        Map<String, Double> b6 = new LinkedHashMap<>();
        for (int s = 1; s <= 6; s++) {
            a6.put("seed " + s, 0.95 + 0.001 * s);
            b6.put("seed " + s, 0.30 + 0.003 * s);
        }
        Verdict.Answer alone = Verdict.decide(List.of(new Verdict.Question("er", a6, "gr", b6))).get(0);
        assertEquals(0.03125, alone.pWHolm(), 1e-15);
        assertEquals(0.03125, alone.pWFloorHolm(), 1e-15);
        assertTrue(alone.decidable());
        assertTrue(alone.significant());
        assertEquals("er better", alone.label());

        Map<String, Double> a5 = new LinkedHashMap<>(a6);
        Map<String, Double> b5 = new LinkedHashMap<>(b6);
        a5.remove("seed 6");
        b5.remove("seed 6");
        List<Verdict.Answer> family = Verdict.decide(List.of(new Verdict.Question("er", a6, "gr", b6),
                new Verdict.Question("si", a5, "gr", b5), new Verdict.Question("er", a5, "si", b5)));
        Verdict.Answer six = family.get(0);
        assertEquals(0.09375, six.pWFloorHolm(), 1e-15);
        assertFalse(six.decidable());
        assertFalse(six.significant());
        assertTrue(six.pTHolm() < 1e-6, "the t-test alone separates them: " + six.pTHolm());
        assertEquals(Verdict.TOO_FEW, six.label());
        assertTrue(six.sentence().startsWith("er and gr cannot be told apart with 6 paired seeds: the Wilcoxon test "
                + "could not go below p = 0.0938 after Holm's correction"), six.sentence());
        assertFalse(six.sentence().contains("not distinguishable"), six.sentence());

        Map<String, Double> a10 = new LinkedHashMap<>();
        Map<String, Double> b10 = new LinkedHashMap<>();
        for (int s = 1; s <= 10; s++) {
            a10.put("seed " + s, 0.95 + 0.001 * s);
            b10.put("seed " + s, 0.30 + 0.003 * s);
        }
        Verdict.Answer ten = Verdict.decide(List.of(new Verdict.Question("er", a10, "gr", b10),
                new Verdict.Question("si", a5, "gr", b5), new Verdict.Question("er", a5, "si", b5))).get(0);
        assertEquals(0.005859375, ten.pWFloorHolm(), 1e-15);
        assertTrue(ten.decidable());
        assertEquals("er better", ten.label());
        // decidable but not called: the differences change sign (the first test's "same" of the test above)
        Map<String, Double> mixed = new LinkedHashMap<>();
        for (int s = 1; s <= 10; s++) {
            mixed.put("seed " + s, a10.get("seed " + s) + (s % 2 == 0 ? 0.01 : -0.01));
        }
        Verdict.Answer close = Verdict.decide(List.of(new Verdict.Question("er", a10, "proto", mixed))).get(0);
        assertTrue(close.decidable());
        assertEquals(Verdict.NOT_DISTINGUISHABLE, close.label());
    }

    /**
     * A mean against a published one, on hand values, as Welch's test reads them. 0.9000 ± 0.0030 (20 seeds) against
     * 0.8900 ± 0.0040 (20 seeds): 0.0100 over sqrt(0.003² + 0.004²) = 0.0050 is 2.0 SE, with Welch-Satterthwaite
     * degrees of freedom 0.005^4 / ((0.003^4 + 0.004^4) / 19) = 35.24, rounded down to 35, whose two-sided 5%
     * quantile is 2.030 (a table of Student's t): within. A reading uncertainty of 0.0100 makes the spread
     * sqrt(0.003² + 0.004² + 0.01²) = 0.011180, and -0.0250 is 2.24 SE; the reading (known exactly) brings no
     * degrees of freedom down: 1.25e-4² / ((0.003^4 + 0.004^4) / 19) = 880.9, quantile 1.963: misses. Two equal
     * SEMs over 10 seeds each: (2 s²)² / (2 s^4 / 9) = 18, quantile 2.101. A figure without a spread counts ours
     * alone: at 3 seeds 2.0 SE is within (2 degrees of freedom, 4.303), 4.33 SE beyond; at 20 seeds 2.0 SE is
     * within and 2.1 beyond (19, 2.093). With no spread at all the distance is undefined.
     */
    @Test
    void aMeanAgainstAPublishedOneByWelchsTest() {
        AgainstPublished a = AgainstPublished.of(0.9, 0.003, 20, 0.89, 0.004, 20, Double.NaN);
        assertEquals(0.01, a.difference(), 1e-15);
        assertEquals(0.005, a.combinedSe(), 1e-15);
        assertEquals(2.0, a.distance(), 1e-12);
        assertEquals(2.030, a.threshold(), 5e-4);
        assertFalse(a.beyond());
        assertEquals("+0.0100 (2.00 SE; limit 2.03): within", a.text());
        AgainstPublished b = AgainstPublished.of(0.9, 0.003, 20, 0.925, 0.004, 20, 0.01);
        assertEquals(0.0111803398874989, b.combinedSe(), 1e-15);
        assertEquals(2.2360679774997896, b.distance(), 1e-12);
        assertEquals(1.963, b.threshold(), 5e-4);
        assertTrue(b.beyond());
        assertEquals("-0.0250 (2.24 SE; limit 1.96): misses", b.text());
        assertEquals(2.101, AgainstPublished.of(0.9, 0.002, 10, 0.91, 0.002, 10, Double.NaN).threshold(), 5e-4);
        AgainstPublished three = AgainstPublished.of(0.9, 0.003, 3, 0.894, Double.NaN, 20, Double.NaN);
        assertEquals(4.303, three.threshold(), 5e-4);
        assertEquals("+0.0060 (2.00 SE; limit 4.30): within", three.text());
        assertTrue(AgainstPublished.of(0.9, 0.003, 3, 0.887, Double.NaN, 20, Double.NaN).beyond(), "4.33 SE at 3 seeds");
        assertFalse(AgainstPublished.of(0.9, 0.003, 20, 0.894, Double.NaN, 20, Double.NaN).beyond(), "2.0 SE at 20");
        AgainstPublished twenty = AgainstPublished.of(0.9, 0.003, 20, 0.8937, Double.NaN, 20, Double.NaN);
        assertEquals(2.093, twenty.threshold(), 5e-4);
        assertTrue(twenty.beyond(), "2.1 SE at 20 seeds");
        AgainstPublished none = AgainstPublished.of(0.9, Double.NaN, 1, 0.894, Double.NaN, 20, Double.NaN);
        assertTrue(Double.isNaN(none.distance()) && !none.beyond());
        assertEquals("+0.0060", none.text());
    }
}
