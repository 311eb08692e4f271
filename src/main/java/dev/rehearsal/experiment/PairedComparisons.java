package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.ResultsSchema;
import dev.rehearsal.stats.Verdict;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The paired comparisons of one table: methods that ran on the same seeds (so the same class orders and
 * initialisations) compared by final ACC with the paired t-test and the Wilcoxon signed-rank test, Holm-corrected
 * over the table ({@link Verdict}). Only complete runs count, and a pair is compared on the seeds both have.
 * The family is every pair of strategies when there are at most {@value #ALL_PAIRS_UP_TO} of them, else each
 * strategy against the method (not a bound: joint training, fine-tuning) with the highest mean ACC; a grid's
 * {@code paired-by: KEY} makes it the pairs that differ in that key alone ({@link #differingIn}), and a scaling
 * study's ({@code report: scale}) the pairs at one number of tasks ({@link #sharing}). What results.md, sweep.md, results.json and the report
 * say about one method beating another is {@link Verdict.Answer#sentence}, nothing else.
 */
public final class PairedComparisons {
    /** Strategies up to which every pair is compared (66 pairs). */
    public static final int ALL_PAIRS_UP_TO = 12;

    private PairedComparisons() {
    }

    /**
     * The pairing key of a run: its seed and, for split scenarios, the class order it used (two runs pair only
     * when both are the same).
     */
    public static String key(RunResult r) {
        return "seed " + r.seed() + (r.classOrder() == null ? "" : " order " + Arrays.toString(r.classOrder()));
    }

    /** The answers for the strategies of a summary (strategy name to its runs), in the family's order. */
    public static List<Verdict.Answer> of(Map<String, List<RunResult>> runs) {
        return of(runs, null);
    }

    /**
     * The pairs of labels whose options ({@code labels}: a label to its option map, seed excluded) are the same
     * but for {@code key}: each method against itself with another value of that key, in the labels' order.
     */
    public static List<List<String>> differingIn(Map<String, Map<String, String>> labels, String key) {
        // Labels with the same options but for the key form a group (distinct labels have distinct options, so
        // within a group they differ in the key); each pair of a group is compared.
        Map<Map<String, String>, List<String>> groups = new LinkedHashMap<>();
        labels.forEach((label, options) -> {
            Map<String, String> rest = new LinkedHashMap<>(options);
            rest.remove(key);
            groups.computeIfAbsent(rest, r -> new ArrayList<>()).add(label);
        });
        return pairsWithin(groups.values());
    }

    /**
     * The pairs of labels whose options ({@code labels}: a label to its option map, seed excluded) give {@code key}
     * the same value: every pair of methods at one value of it (a scaling study's family: methods compared at one
     * number of tasks), in the labels' order; labels without the key are left out.
     */
    public static List<List<String>> sharing(Map<String, Map<String, String>> labels, String key) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        labels.forEach((label, options) -> {
            if (options.containsKey(key)) {
                groups.computeIfAbsent(options.get(key), v -> new ArrayList<>()).add(label);
            }
        });
        return pairsWithin(groups.values());
    }

    /** Every pair of labels within each group, in the groups' order and each group's order. */
    private static List<List<String>> pairsWithin(java.util.Collection<List<String>> groups) {
        List<List<String>> pairs = new ArrayList<>();
        for (List<String> g : groups) {
            for (int i = 0; i < g.size(); i++) {
                for (int j = i + 1; j < g.size(); j++) {
                    pairs.add(List.of(g.get(i), g.get(j)));
                }
            }
        }
        return pairs;
    }

    /**
     * As {@link #of(Map)}, with the family given: only the listed pairs (each a list of two strategy names), Holm
     * over those; null for the default family.
     */
    public static List<Verdict.Answer> of(Map<String, List<RunResult>> runs, List<List<String>> pairs) {
        Map<String, Map<String, Double>> acc = new LinkedHashMap<>();
        runs.forEach((s, rs) -> {
            Map<String, Double> byKey = new LinkedHashMap<>();
            for (RunResult r : rs) {
                if (r.accuracy().complete() && Double.isFinite(r.acc())) {
                    byKey.put(key(r), r.acc());
                }
            }
            if (byKey.size() >= 2) {
                acc.put(s, byKey);
            }
        });
        List<String> names = new ArrayList<>(acc.keySet());
        List<Verdict.Question> family = new ArrayList<>();
        if (pairs != null) {
            for (List<String> pair : pairs) {
                if (acc.containsKey(pair.get(0)) && acc.containsKey(pair.get(1))) {
                    addIfPaired(family, pair.get(0), pair.get(1), acc);
                }
            }
        } else if (names.size() <= ALL_PAIRS_UP_TO) {
            for (int i = 0; i < names.size(); i++) {
                for (int j = i + 1; j < names.size(); j++) {
                    addIfPaired(family, names.get(i), names.get(j), acc);
                }
            }
        } else {
            // The reference is the best method: a bound (joint above, fine-tuning below) is compared with it, never
            // made it, or a table of many methods would say only that each falls short of joint training.
            List<String> methods = names.stream().filter(n -> !isBound(runs.get(n))).toList();
            String best = (methods.isEmpty() ? names : methods).stream().max(Comparator.comparingDouble(
                    s -> acc.get(s).values().stream().mapToDouble(Double::doubleValue).average().orElse(0)))
                    .orElseThrow();
            for (String s : names) {
                if (!s.equals(best)) {
                    addIfPaired(family, best, s, acc);
                }
            }
        }
        return family.isEmpty() ? List.of() : Verdict.decide(family);
    }

    /** Whether a label's runs are of a bound ({@link dev.rehearsal.strategy.StrategyType#bound}). */
    private static boolean isBound(List<RunResult> runs) {
        if (runs.isEmpty()) {
            return false;
        }
        return dev.rehearsal.strategy.Strategies.find(runs.get(0).strategy())
                .map(dev.rehearsal.strategy.StrategyType::bound).orElse(false);
    }

    /** A pair enters the family when the two share at least two seeds (a paired test needs two). */
    private static void addIfPaired(List<Verdict.Question> family, String a, String b,
            Map<String, Map<String, Double>> acc) {
        if (Verdict.pairable(acc.get(a), acc.get(b))) {
            family.add(new Verdict.Question(a, acc.get(a), b, acc.get(b)));
        }
    }

    /**
     * The verdict on two strategies alone (a family of one), or null when they share fewer than two complete seeds.
     */
    public static Verdict.Answer pair(String a, List<RunResult> as, String b, List<RunResult> bs) {
        Map<String, List<RunResult>> two = new LinkedHashMap<>();
        two.put(a, as);
        two.put(b, bs);
        List<Verdict.Answer> out = of(two);
        return out.isEmpty() ? null : out.get(0);
    }

    /** The answers as a Markdown section (empty when there is nothing to compare). */
    public static String markdown(List<Verdict.Answer> answers) {
        if (answers.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("\n## Paired comparisons of final ACC\n\n");
        b.append("Each pair on the seeds both ran (same seed, same class order): paired t-test and Wilcoxon "
                + "signed-rank test, each Holm-corrected over the " + answers.size() + " comparison(s) of this table; "
                + "one method beats another only when both corrected p-values are below " + Verdict.ALPHA
                + "; otherwise they are " + Verdict.NOT_DISTINGUISHABLE + ", or \"" + Verdict.TOO_FEW + "\" "
                + Verdict.TOO_FEW_MEANS + ".\n\n");
        b.append("| A | B | n | mean A - B | paired t p (Holm) | Wilcoxon p (Holm) | verdict |\n");
        b.append("|---|---|---|---|---|---|---|\n");
        for (Verdict.Answer a : answers) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %d | %+.4f | %s | %s | %s |%n", a.a(), a.b(),
                    a.test().n(), a.test().meanDiff(), Verdict.formatP(a.pTHolm()), Verdict.formatP(a.pWHolm()),
                    a.label()));
        }
        return b.toString();
    }

    /** The answers as results.json's {@code comparisons}. */
    public static ArrayNode json(List<Verdict.Answer> answers) {
        ArrayNode out = Json.MAPPER.createArrayNode();
        for (Verdict.Answer a : answers) {
            ObjectNode o = out.addObject();
            o.put("a", a.a());
            o.put("b", a.b());
            o.put("n", a.test().n());
            o.put("mean_difference", a.test().meanDiff());
            o.set("t", ResultsSchema.number(a.test().t()));
            o.set("p_t", ResultsSchema.number(a.test().pT()));
            o.put("w_plus", a.test().wPlus());
            o.put("p_wilcoxon", a.test().pWilcoxon());
            o.set("p_t_holm", ResultsSchema.number(a.pTHolm()));
            o.put("p_wilcoxon_holm", a.pWHolm());
            o.put("significant", a.significant());
            o.set("better", a.winner() == null ? Json.MAPPER.nullNode() : Json.MAPPER.getNodeFactory().textNode(a.winner()));
            o.put("p_wilcoxon_holm_floor", a.pWFloorHolm());
            o.put("verdict", a.label());
            o.put("sentence", a.sentence());
        }
        return out;
    }
}
