package dev.rehearsal.report;

/**
 * 95% confidence intervals of a mean over seeds: mean ± t * std / sqrt(n), with t the 97.5% quantile of
 * Student's t distribution with n - 1 degrees of freedom and std the sample standard deviation. The
 * quantile is found by bisection on the distribution's closed form for integer degrees of freedom
 * (Abramowitz and Stegun 26.7.3-4), so no statistics library is needed.
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
        double lo = 0;
        double hi = 64; // t975(1) = 12.7: far inside
        for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
            double mid = (lo + hi) / 2;
            if (centralProbability(mid, df) < 0.95) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    /** P(|T| <= t) for Student's t with {@code df} degrees of freedom. */
    static double centralProbability(double t, int df) {
        double theta = Math.atan(t / Math.sqrt(df));
        double c2 = Math.cos(theta) * Math.cos(theta);
        double s = Math.sin(theta);
        if (df % 2 == 1) {
            // (2/pi) (theta + sin cos (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 + ...)), df - 3 terms after the 1
            double term = 1;
            double sum = df > 1 ? 1 : 0;
            for (int k = 1; k <= (df - 3) / 2; k++) {
                term *= (2.0 * k) / (2.0 * k + 1) * c2;
                sum += term;
            }
            return 2 / Math.PI * (theta + s * Math.cos(theta) * sum);
        }
        // sin (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ...), up to cos^(df-2)
        double term = 1;
        double sum = 1;
        for (int k = 1; k <= (df - 2) / 2; k++) {
            term *= (2.0 * k - 1) / (2.0 * k) * c2;
            sum += term;
        }
        return s * sum;
    }
}
