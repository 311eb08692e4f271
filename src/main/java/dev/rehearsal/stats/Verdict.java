package dev.rehearsal.stats;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * Whether one method beats another, as a sentence may say it. The comparisons of one table form one family:
 * each is a paired t-test and a Wilcoxon signed-rank test over the seeds both methods ran (paired by seed, so by
 * class order and initialisation too), and each test's p-values are Holm-corrected across the family. A method
 * <em>beats</em> another only when both corrected p-values are below {@link #ALPHA} and its mean is higher;
 * otherwise the two are <em>not distinguishable</em>, unless the seeds were too few for the test to decide at all.
 *
 * <p>That last case is a property of the design, not of the data: with n paired seeds the exact Wilcoxon test's
 * smallest two-sided p is {@code 2 / 2^n} (every difference of one sign; {@link #wilcoxonFloor}), 0.0625 at 5
 * seeds, and Holm multiplies the smallest p of a family of m comparisons by m (0.00195 x 45 = 0.088 at 10 seeds
 * and 45 comparisons). A comparison whose Wilcoxon p could not go below {@link #ALPHA} after Holm whatever the
 * differences (its {@link Answer#pWFloorHolm}: Holm over every comparison's floor, a lower bound of its corrected p
 * because Holm's correction never decreases when a p-value grows) is <em>too few seeds to decide</em>: saying
 * "not distinguishable" there would report the design as a finding.
 */
public final class Verdict {
    /** The significance level of every claim. */
    public static final double ALPHA = 0.05;

    /** A table's verdict on a pair that the test could not decide (see the class comment). */
    public static final String TOO_FEW = "too few seeds to decide";

    /** What {@link #TOO_FEW} means, as every table's note says it (the README scripts print the same words). */
    public static final String TOO_FEW_MEANS = "where the seeds could not have let the corrected Wilcoxon p go below "
            + ALPHA + " whatever the differences (the exact test's smallest p with n pairs is 2/2^n, 0.0625 at 5, "
            + "before Holm's factor)";

    /** A table's verdict on a pair the test could decide and did not call. */
    public static final String NOT_DISTINGUISHABLE = "not distinguishable";

    private Verdict() {
    }

    /** One comparison asked for: two methods' values by pairing key (a seed and its class order). */
    public record Question(String a, Map<String, Double> aValues, String b, Map<String, Double> bValues) {
    }

    /**
     * One comparison answered.
     *
     * @param pTHolm the paired t-test's p-value, Holm-corrected over the family
     * @param pWHolm Wilcoxon's, Holm-corrected over the family
     * @param pWFloorHolm the smallest value {@code pWHolm} could have taken with these numbers of seeds, whatever
     *                    the differences: Holm over the family's {@link #wilcoxonFloor}s
     * @param seeds  the pairing keys both sides had, in order
     */
    public record Answer(String a, String b, List<String> seeds, Paired test, double pTHolm, double pWHolm,
            double pWFloorHolm) {
        /** Both corrected tests below {@link #ALPHA}. */
        public boolean significant() {
            return pTHolm < ALPHA && pWHolm < ALPHA;
        }

        /** Whether the seeds let the corrected Wilcoxon test go below {@link #ALPHA} at all. */
        public boolean decidable() {
            return pWFloorHolm < ALPHA;
        }

        /** The verdict a table prints: "A better", {@link #NOT_DISTINGUISHABLE} or {@link #TOO_FEW}. */
        public String label() {
            return Verdict.label(winner(), decidable());
        }

        /** The better of the two when the difference is significant, else null. */
        public String winner() {
            return !significant() ? null : test.meanDiff() > 0 ? a : b;
        }

        /** The sentence a table or an answer may print. */
        public String sentence() {
            String stats = String.format(Locale.ROOT, "mean difference %+.4f, paired t p = %s, Wilcoxon p = %s, "
                    + "Holm-corrected over %s, n = %d paired seeds", test.meanDiff(), formatP(pTHolm), formatP(pWHolm),
                    "the table's comparisons", test.n());
            if (significant()) {
                String w = winner();
                String l = w.equals(a) ? b : a;
                return w + " beats " + l + " (" + stats + ")";
            }
            if (!decidable()) {
                return String.format(Locale.ROOT, "%s and %s cannot be told apart with %d paired seeds: the "
                        + "Wilcoxon test could not go below p = %s after Holm's correction whatever the differences, "
                        + "so no difference could be called at %s (%s)", a, b, test.n(), formatP(pWFloorHolm), ALPHA,
                        stats);
            }
            return a + " and " + b + " are not distinguishable at " + ALPHA + " (" + stats + ")";
        }

    }

    /**
     * Below this a t-test's p-value is printed as "< 1e-12": {@link StudentT#twoSidedP} is 1 minus a probability
     * near 1, good to about 1e-16 absolute, so its digits mean nothing much below this (and Holm multiplies them).
     */
    public static final double P_FLOOR = 1e-12;

    /**
     * A p-value as every table and sentence prints it: 4 decimals, scientific below 1e-4, "< 1e-12" below
     * {@link #P_FLOOR} (a t-test's exact 0 included), n/a when absent. benchmarks/readme_tables.py's p_value prints
     * the same.
     */
    public static String formatP(double p) {
        return Double.isNaN(p) ? "n/a" : p < P_FLOOR ? "< 1e-12" : p < 1e-4 ? String.format(Locale.ROOT, "%.1e", p)
                : String.format(Locale.ROOT, "%.4f", p);
    }

    /**
     * The verdict a table prints, from the winner (null when not significant) and whether the seeds could decide:
     * the one vocabulary of every table (sweep.md, results.md, the report, and through the files' {@code verdict}
     * the README's generated tables).
     */
    public static String label(String winner, boolean decidable) {
        return winner != null ? winner + " better" : decidable ? NOT_DISTINGUISHABLE : TOO_FEW;
    }

    /**
     * The smallest two-sided p-value the exact Wilcoxon signed-rank test gives {@code n} paired differences: all
     * of one sign, probability {@code 2 / 2^n} under the null (ties among their sizes do not change it).
     */
    public static double wilcoxonFloor(int n) {
        return Math.min(1, Math.pow(2, 1 - n));
    }

    /**
     * The smallest Holm-corrected Wilcoxon p-values a family of comparisons with these numbers of paired seeds could
     * give, in the order given: Holm over their {@link #wilcoxonFloor}s.
     */
    public static double[] wilcoxonFloorsHolm(int... n) {
        return Holm.adjust(java.util.Arrays.stream(n).mapToDouble(Verdict::wilcoxonFloor).toArray());
    }

    /** Whether two methods share the two or more seeds a paired test needs (the rule every table applies). */
    public static boolean pairable(Map<String, Double> a, Map<String, Double> b) {
        return a.keySet().stream().filter(b::containsKey).limit(2).count() == 2;
    }

    /** Answers a family of comparisons, Holm-correcting each test across it. */
    public static List<Answer> decide(List<Question> family) {
        List<List<String>> keys = new ArrayList<>();
        List<Paired> tests = new ArrayList<>();
        for (Question q : family) {
            TreeSet<String> common = new TreeSet<>(q.aValues().keySet());
            common.retainAll(q.bValues().keySet());
            if (common.isEmpty()) {
                throw new IllegalArgumentException(q.a() + " and " + q.b() + " share no seed: a paired comparison "
                        + "needs both methods run on the same seeds");
            }
            double[] x = new double[common.size()];
            double[] y = new double[common.size()];
            int i = 0;
            for (String k : common) {
                x[i] = q.aValues().get(k);
                y[i++] = q.bValues().get(k);
            }
            keys.add(List.copyOf(common));
            tests.add(Paired.of(x, y));
        }
        double[] pt = Holm.adjust(tests.stream().mapToDouble(Paired::pT).toArray());
        double[] pw = Holm.adjust(tests.stream().mapToDouble(Paired::pWilcoxon).toArray());
        double[] floor = wilcoxonFloorsHolm(tests.stream().mapToInt(Paired::n).toArray());
        List<Answer> out = new ArrayList<>();
        for (int i = 0; i < family.size(); i++) {
            Question q = family.get(i);
            out.add(new Answer(q.a(), q.b(), keys.get(i), tests.get(i), pt[i], pw[i], floor[i]));
        }
        return out;
    }
}
