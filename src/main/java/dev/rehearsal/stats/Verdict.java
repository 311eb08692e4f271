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
 * otherwise the two are <em>not distinguishable</em>. (With fewer than 6 seeds the exact Wilcoxon test cannot
 * reach 0.05 two-sided, so no such claim is ever made from 5 seeds or fewer: a property of the test, not a bug.)
 */
public final class Verdict {
    /** The significance level of every claim. */
    public static final double ALPHA = 0.05;

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
     * @param seeds  the pairing keys both sides had, in order
     */
    public record Answer(String a, String b, List<String> seeds, Paired test, double pTHolm, double pWHolm) {
        /** Both corrected tests below {@link #ALPHA}. */
        public boolean significant() {
            return pTHolm < ALPHA && pWHolm < ALPHA;
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
        List<Answer> out = new ArrayList<>();
        for (int i = 0; i < family.size(); i++) {
            Question q = family.get(i);
            out.add(new Answer(q.a(), q.b(), keys.get(i), tests.get(i), pt[i], pw[i]));
        }
        return out;
    }
}
