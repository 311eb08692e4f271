package dev.rehearsal.stats;

/**
 * A mean over seeds against a published mean, as Welch's two-sample t-test reads them: their difference, in units
 * of the combined standard error (ours, the published one where the source gives it, and for a figure read off a
 * plot the uncertainty of the reading, all in quadrature), and whether it is beyond the two-sided 5% quantile of
 * Student's t at the Welch-Satterthwaite degrees of freedom, the distance at which a row "misses" its published
 * figure and needs an explanation. Each standard error brings its own n - 1 degrees of freedom; a reading
 * uncertainty is taken as known (infinitely many), and the combined degrees of freedom are rounded down, which
 * only widens the threshold. So three seeds against twenty must be further off to miss than twenty against
 * twenty (4.30 combined SE when ours dominates, against 2.02). Spreads that are not known are NaN and count as 0;
 * without any, the distance is undefined (NaN) and nothing is beyond.
 */
public record AgainstPublished(double difference, double combinedSe, double distance, double threshold,
        boolean beyond) {

    /** Past this many degrees of freedom the threshold is the normal quantile (1.95996...; t at 10^5: 2e-5 more). */
    static final double NORMAL_DF = 100_000;
    private static final double NORMAL_975 = 1.959963984540054;

    /**
     * {@code mean} ± {@code sem} over {@code n} seeds (ours) against {@code published} ± {@code publishedSem} over
     * {@code publishedN} seeds, read to ± {@code reading}.
     */
    public static AgainstPublished of(double mean, double sem, int n, double published, double publishedSem,
            int publishedN, double reading) {
        double ours = known(sem) && n >= 2 ? sem * sem : 0;
        double theirs = known(publishedSem) && publishedN >= 2 ? publishedSem * publishedSem : 0;
        double read = known(reading) ? reading * reading : 0;
        double variance = ours + theirs + read;
        double spread = Math.sqrt(variance);
        double difference = mean - published;
        if (!(spread > 0)) {
            return new AgainstPublished(difference, spread, Double.NaN, Double.NaN, false);
        }
        double denominator = (ours > 0 ? ours * ours / (n - 1) : 0)
                + (theirs > 0 ? theirs * theirs / (publishedN - 1) : 0);
        double df = denominator > 0 ? variance * variance / denominator : Double.POSITIVE_INFINITY;
        double threshold = df >= NORMAL_DF ? NORMAL_975 : StudentT.centralQuantile(0.95, (int) Math.floor(df));
        double distance = Math.abs(difference) / spread;
        // Beyond, not at it: a distance equal to the threshold in decimal figures is within, whatever rounding does.
        return new AgainstPublished(difference, spread, distance, threshold, distance > threshold + 1e-9);
    }

    private static boolean known(double x) {
        return Double.isFinite(x) && x > 0;
    }

    /** "+0.0103 (2.71 SE; limit 2.09): misses", or "within"; the difference alone when no spread is known. */
    public String text() {
        return Double.isNaN(distance) ? String.format(java.util.Locale.ROOT, "%+.4f", difference)
                : String.format(java.util.Locale.ROOT, "%+.4f (%.2f SE; limit %.2f): %s", difference, distance,
                        threshold, beyond ? "misses" : "within");
    }
}
