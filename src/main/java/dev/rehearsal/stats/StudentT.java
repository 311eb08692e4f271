package dev.rehearsal.stats;

/**
 * Student's t distribution with an integer number of degrees of freedom, in closed form (Abramowitz and Stegun
 * 26.7.3-4: a finite series in cos^2 of atan(t / sqrt(df))), so no statistics library is needed and the values
 * are exact to rounding.
 */
public final class StudentT {
    private StudentT() {
    }

    /** P(|T| <= t) for {@code t >= 0} and {@code df >= 1} degrees of freedom. */
    public static double centralProbability(double t, int df) {
        if (df < 1) {
            throw new IllegalArgumentException("degrees of freedom must be at least 1, got " + df);
        }
        if (Double.isNaN(t)) {
            return Double.NaN;
        }
        double a = Math.abs(t);
        if (Double.isInfinite(a)) {
            return 1;
        }
        double theta = Math.atan(a / Math.sqrt(df));
        double c = Math.cos(theta);
        double c2 = c * c;
        double s = Math.sin(theta);
        if (df % 2 == 1) {
            // (2/pi) (theta + sin cos (1 + 2/3 cos^2 + 2*4/(3*5) cos^4 + ...)), (df - 3)/2 terms after the 1
            double term = 1;
            double sum = df > 1 ? 1 : 0;
            for (int k = 1; k <= (df - 3) / 2; k++) {
                term *= (2.0 * k) / (2.0 * k + 1) * c2;
                sum += term;
            }
            return Math.min(1, 2 / Math.PI * (theta + s * c * sum));
        }
        // sin (1 + 1/2 cos^2 + 1*3/(2*4) cos^4 + ...), up to cos^(df-2)
        double term = 1;
        double sum = 1;
        for (int k = 1; k <= (df - 2) / 2; k++) {
            term *= (2.0 * k - 1) / (2.0 * k) * c2;
            sum += term;
        }
        return Math.min(1, s * sum);
    }

    /** The two-sided p-value of a t statistic: P(|T| >= |t|). */
    public static double twoSidedP(double t, int df) {
        return Math.max(0, 1 - centralProbability(t, df));
    }

    /** The quantile q with P(|T| <= q) = {@code central} (0.95 gives the 97.5% quantile: 12.706 for df 1). */
    public static double centralQuantile(double central, int df) {
        if (!(central > 0 && central < 1)) {
            throw new IllegalArgumentException("central probability must be in (0, 1), got " + central);
        }
        double lo = 0;
        double hi = 1;
        while (centralProbability(hi, df) < central) {
            hi *= 2;
        }
        for (int i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (centralProbability(mid, df) < central) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }
}
