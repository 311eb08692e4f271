package dev.rehearsal.stats;

/**
 * A mean over seeds against a published mean: their difference, in units of the combined standard error (ours,
 * the published one where the source gives it, and for a figure read off a plot the uncertainty of the reading,
 * in quadrature), and whether it is beyond two of them, the distance at which a row "misses" its published
 * figure and needs an explanation. Spreads that are not known are NaN and count as 0; without any, the distance
 * is undefined (NaN) and nothing is beyond.
 */
public record AgainstPublished(double difference, double combinedSe, double distance, boolean beyondTwo) {

    /** {@code mean} ± {@code sem} (ours) against {@code published} ± {@code publishedSem}, read to ± {@code reading}. */
    public static AgainstPublished of(double mean, double sem, double published, double publishedSem, double reading) {
        double spread = Math.sqrt(square(sem) + square(publishedSem) + square(reading));
        double difference = mean - published;
        double distance = spread > 0 ? Math.abs(difference) / spread : Double.NaN;
        // Beyond 2, not at it: exactly two standard errors in decimal figures is within, whatever binary rounding does.
        return new AgainstPublished(difference, spread, distance, distance > 2 + 1e-9);
    }

    private static double square(double x) {
        return Double.isFinite(x) ? x * x : 0;
    }

    /** "+0.0103 (2.7 SE): misses", or "within"; the difference alone when no spread is known. */
    public String text() {
        return Double.isNaN(distance) ? String.format(java.util.Locale.ROOT, "%+.4f", difference)
                : String.format(java.util.Locale.ROOT, "%+.4f (%.1f SE): %s", difference, distance,
                        beyondTwo ? "misses" : "within");
    }
}
