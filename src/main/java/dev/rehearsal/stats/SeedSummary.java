package dev.rehearsal.stats;

/**
 * A metric over seeds as the literature reports it: {@code n}, the mean, the sample standard deviation (n - 1
 * in the denominator), the standard error of the mean {@code sem = std / sqrt(n)} (van de Ven et al.'s
 * {@code sqrt(var / (n - 1))} with numpy's population variance is the same number) and the half-width of the
 * 95% Student-t interval {@code t(0.975, n - 1) * sem}. With one seed, std, sem and the interval are undefined
 * (NaN), never 0. Non-finite values are refused: a diverged run is not a number to average.
 */
public record SeedSummary(int n, double mean, double std, double sem, double ci95) {

    /** The summary of {@code values} (at least one). */
    public static SeedSummary of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a summary needs at least one value");
        }
        double sum = 0;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("a summary over seeds needs finite values, got " + v);
            }
            sum += v;
        }
        int n = values.length;
        double mean = sum / n;
        if (n == 1) {
            return new SeedSummary(1, mean, Double.NaN, Double.NaN, Double.NaN);
        }
        double ss = 0;
        for (double v : values) {
            ss += (v - mean) * (v - mean);
        }
        double std = Math.sqrt(ss / (n - 1));
        double sem = std / Math.sqrt(n);
        return new SeedSummary(n, mean, std, sem, StudentT.centralQuantile(0.95, n - 1) * sem);
    }

    /** The summary of a list of values. */
    public static SeedSummary of(java.util.Collection<? extends Number> values) {
        return of(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    /** "0.9050 ± 0.0031 (n=20)": mean ± SEM with n, the literature's format; "0.9050 (n=1)" for one seed. */
    public String meanSem(int decimals) {
        String f = "%." + decimals + "f";
        return Double.isNaN(sem) ? String.format(java.util.Locale.ROOT, f + " (n=1)", mean)
                : String.format(java.util.Locale.ROOT, f + " ± " + f + " (n=%d)", mean, sem, n);
    }
}
