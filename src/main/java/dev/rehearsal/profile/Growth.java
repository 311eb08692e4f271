package dev.rehearsal.profile;

import java.util.Locale;

/**
 * How a quantity grows with the number of tasks T: the least-squares slope of log(y) against log(T).
 * A slope near 0 is constant, near 1 linear, near 2 quadratic.
 */
public record Growth(double slope, double intercept, String growth) {

    /** Fits {@code y = exp(intercept) * T^slope} (natural logarithms) to at least two points with y > 0. */
    public static Growth fit(double[] tasks, double[] y) {
        if (tasks.length != y.length || tasks.length < 2) {
            throw new IllegalArgumentException("a growth fit needs at least two points, got " + tasks.length);
        }
        int n = tasks.length;
        double sx = 0;
        double sy = 0;
        for (int i = 0; i < n; i++) {
            if (!(tasks[i] > 0 && y[i] > 0)) {
                throw new IllegalArgumentException("a log-log fit needs positive values, got T=" + tasks[i] + ", y=" + y[i]);
            }
            sx += Math.log(tasks[i]);
            sy += Math.log(y[i]);
        }
        double mx = sx / n;
        double my = sy / n;
        double sxy = 0;
        double sxx = 0;
        for (int i = 0; i < n; i++) {
            double dx = Math.log(tasks[i]) - mx;
            sxy += dx * (Math.log(y[i]) - my);
            sxx += dx * dx;
        }
        double slope = sxx == 0 ? 0 : sxy / sxx;
        return new Growth(slope, my - slope * mx, classify(slope));
    }

    /** Names a slope: constant, linear, quadratic, or T^slope. */
    public static String classify(double slope) {
        if (Math.abs(slope) < 0.2) {
            return "constant";
        }
        if (Math.abs(slope - 1) < 0.25) {
            return "linear";
        }
        if (Math.abs(slope - 2) < 0.25) {
            return "quadratic";
        }
        return String.format(Locale.ROOT, "T^%.2f", slope);
    }
}
