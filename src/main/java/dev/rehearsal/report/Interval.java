package dev.rehearsal.report;

import dev.rehearsal.stats.StudentT;

/**
 * 95% confidence intervals of a mean over seeds: mean ± t * std / sqrt(n), with t the 97.5% quantile of
 * Student's t distribution with n - 1 degrees of freedom ({@link StudentT}) and std the sample standard deviation.
 */
final class Interval {
    private Interval() {
    }

    /** Half the width of the 95% interval; NaN for fewer than two seeds or an undefined std. */
    static double halfWidth(double std, int n) {
        if (n < 2 || !Double.isFinite(std)) {
            return Double.NaN;
        }
        return t975(n - 1) * std / Math.sqrt(n);
    }

    /** The 97.5% quantile of Student's t with {@code df >= 1} degrees of freedom (12.706 for 1, 4.303 for 2). */
    static double t975(int df) {
        return StudentT.centralQuantile(0.95, df);
    }
}
