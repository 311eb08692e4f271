package dev.rehearsal.stats;

import java.util.Arrays;

/**
 * Two methods compared on the same seeds (and so the same class orders and initialisations): the paired
 * differences {@code d = a - b}, the paired t-test on them and the Wilcoxon signed-rank test.
 *
 * <p>Wilcoxon's test drops zero differences (his original rule, scipy's default {@code zero_method="wilcox"}),
 * ranks the others by absolute value with mid-ranks for ties, and takes {@code W+}, the sum of the ranks of the
 * positive differences. Its p-value is exact: the distribution of {@code W+} when each rank's sign is a fair
 * coin, counted by dynamic programming over doubled ranks (integers even with mid-ranks), up to
 * {@link #EXACT_LIMIT} non-zero differences; above that, the normal approximation with the tie correction.
 * Two-sided: {@code min(1, 2 min(P(W+ <= w), P(W+ >= w)))}.
 *
 * <p>The t-test's statistic is {@code mean(d) / (std(d) / sqrt(n))} with n - 1 degrees of freedom. When every
 * difference is the same, std is 0: p is 1 if they are all 0 and 0 otherwise (the two methods differ on every
 * seed by the same amount).
 *
 * @param n          pairs
 * @param meanDiff   mean of {@code a - b}
 * @param t          the paired t statistic (NaN for fewer than two pairs)
 * @param pT         its two-sided p-value (NaN for fewer than two pairs)
 * @param nonZero    non-zero differences, the n of Wilcoxon's test
 * @param wPlus      the sum of the ranks of the positive differences
 * @param pWilcoxon  its two-sided p-value (1 when every difference is 0)
 */
public record Paired(int n, double meanDiff, double t, double pT, int nonZero, double wPlus, double pWilcoxon) {
    /** Non-zero differences up to which Wilcoxon's p-value is exact. */
    public static final int EXACT_LIMIT = 400;

    /** The tests on {@code a[i] - b[i]}; the arrays are paired by index (same seed, same class order). */
    public static Paired of(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("paired tests need the same seeds on both sides: " + a.length
                    + " values against " + b.length);
        }
        int n = a.length;
        if (n == 0) {
            throw new IllegalArgumentException("paired tests need at least one pair");
        }
        double[] d = new double[n];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (!Double.isFinite(a[i]) || !Double.isFinite(b[i])) {
                throw new IllegalArgumentException("paired tests need finite values, got " + a[i] + " and " + b[i]);
            }
            d[i] = a[i] - b[i];
            sum += d[i];
        }
        double mean = sum / n;
        double t = Double.NaN;
        double pT = Double.NaN;
        if (n >= 2) {
            double ss = 0;
            for (double x : d) {
                ss += (x - mean) * (x - mean);
            }
            double se = Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
            if (se == 0) {
                t = mean == 0 ? 0 : Math.copySign(Double.POSITIVE_INFINITY, mean);
                pT = mean == 0 ? 1 : 0;
            } else {
                t = mean / se;
                pT = StudentT.twoSidedP(t, n - 1);
            }
        }
        double[] w = wilcoxon(d);
        return new Paired(n, mean, t, pT, (int) w[0], w[1], w[2]);
    }

    /** {non-zero count, W+, two-sided p}. */
    static double[] wilcoxon(double[] d) {
        double[] nz = Arrays.stream(d).filter(x -> x != 0).toArray();
        int m = nz.length;
        if (m == 0) {
            return new double[] {0, 0, 1};
        }
        Integer[] order = new Integer[m];
        for (int i = 0; i < m; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(Math.abs(nz[i]), Math.abs(nz[j])));
        int[] rank2 = new int[m]; // doubled mid-ranks: integers
        boolean ties = false;
        for (int i = 0; i < m; ) {
            int j = i;
            while (j + 1 < m && Math.abs(nz[order[j + 1]]) == Math.abs(nz[order[i]])) {
                j++;
            }
            ties |= j > i;
            for (int k = i; k <= j; k++) {
                rank2[order[k]] = i + 1 + j + 1; // 2 * mean of ranks i+1 .. j+1
            }
            i = j + 1;
        }
        int w2 = 0;
        int total2 = 0;
        for (int i = 0; i < m; i++) {
            total2 += rank2[i];
            if (nz[i] > 0) {
                w2 += rank2[i];
            }
        }
        double p;
        if (m <= EXACT_LIMIT) {
            // prob[s]: probability that the positive ranks' doubled sum is s, each sign a fair coin
            double[] prob = new double[total2 + 1];
            prob[0] = 1;
            int reach = 0;
            for (int r : rank2) {
                for (int s = reach; s >= 0; s--) {
                    if (prob[s] != 0) {
                        prob[s + r] += prob[s] / 2;
                        prob[s] /= 2;
                    }
                }
                reach += r;
            }
            double below = 0;
            double above = 0;
            for (int s = 0; s <= total2; s++) {
                if (s <= w2) {
                    below += prob[s];
                }
                if (s >= w2) {
                    above += prob[s];
                }
            }
            p = Math.min(1, 2 * Math.min(below, above));
        } else {
            double mean = total2 / 4.0;
            double var = 0;
            for (int r : rank2) {
                var += r * (double) r / 4.0;
            }
            double z = (w2 - mean) / Math.sqrt(var) / 2; // doubled ranks: W+ = w2 / 2
            p = Math.min(1, 2 * normalUpper(Math.abs(z)));
        }
        return new double[] {m, w2 / 2.0, p};
    }

    /** P(Z >= z) for a standard normal Z (complementary error function, Numerical Recipes' erfc, 1.2e-7). */
    static double normalUpper(double z) {
        double x = z / Math.sqrt(2);
        double t = 1 / (1 + 0.5 * x);
        double erfc = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223
                + t * 0.17087277)))))))));
        return erfc / 2;
    }
}
