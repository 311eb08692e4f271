package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.stats.Verdict;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The frontier's answer says the best point at a budget beats the runner-up only where the paired tests over
 * their shared seeds (Holm over the budgets) say so; a higher mean alone is "not distinguishable".
 */
class FrontierVerdictTest {
    private static Frontier.Point point(String s, long budget, Map<String, Double> bySeed) {
        double mean = bySeed.values().stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double ss = bySeed.values().stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new Frontier.Point(s, budget, bySeed.size(), mean, Math.sqrt(ss / (bySeed.size() - 1)), budget / 2.0,
                1e12, false, false, bySeed);
    }

    @Test
    void bestAgainstRunnerUpPerBudget() {
        Map<String, Double> a1 = new LinkedHashMap<>();
        Map<String, Double> b1 = new LinkedHashMap<>();
        Map<String, Double> a2 = new LinkedHashMap<>();
        Map<String, Double> b2 = new LinkedHashMap<>();
        for (int s = 1; s <= 8; s++) {
            String k = "seed " + s + " order [" + s + "]";
            a1.put(k, 0.95 + 0.001 * s);
            b1.put(k, 0.90 + 0.001 * s);
            a2.put(k, 0.96 + (s % 2 == 0 ? 0.02 : -0.019));
            b2.put(k, 0.96);
        }
        List<Frontier.Point> points = List.of(point("proto (binary)", 64_000, a1), point("er (binary)", 64_000, b1),
                point("proto (binary)", 1_000_000, a2), point("er (binary)", 1_000_000, b2));
        TreeMap<Long, Frontier.Point> best = new TreeMap<>();
        best.put(64_000L, points.get(0));
        best.put(1_000_000L, points.get(2));
        Map<Long, Verdict.Answer> v = Frontier.bestAgainstRunnerUp(points, best);
        assertEquals(2, v.size());
        assertTrue(v.get(64_000L).significant(), "8 of 8 seeds 0.05 higher");
        assertEquals("er (binary)", v.get(64_000L).b());
        assertFalse(v.get(1_000_000L).significant(), "a higher mean that flips from seed to seed");
        String answer = Frontier.answer(points, best, List.of(), v);
        assertTrue(answer.contains("proto (binary) beats er (binary)"), answer);
        assertTrue(answer.contains("proto (binary) and er (binary) are not distinguishable at 0.05"), answer);
        assertTrue(answer.contains("are not distinguishable from raw samples") || answer.contains("beat raw samples"),
                answer);
    }
}
