package dev.rehearsal.nn;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.ToDoubleFunction;

/** Central finite differences in double precision, the check on every analytic gradient of {@link Ref}. */
final class FiniteDifference {
    private static final double H = 1e-6;
    private static final double TOLERANCE = 1e-6;

    private FiniteDifference() {
    }

    /**
     * Checks {@code grad} against (f(p + h e_i) - f(p - h e_i)) / 2h for every coordinate i of {@code point}
     * (which is restored). The error is relative to the gradient's largest entry.
     */
    static void check(String what, double[] point, double[] grad, ToDoubleFunction<double[]> f) {
        double scale = 1e-8;
        for (double g : grad) {
            scale = Math.max(scale, Math.abs(g));
        }
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < point.length; i++) {
            double saved = point[i];
            point[i] = saved + H;
            double up = f.applyAsDouble(point);
            point[i] = saved - H;
            double down = f.applyAsDouble(point);
            point[i] = saved;
            double fd = (up - down) / (2 * H);
            double err = Math.abs(fd - grad[i]) / scale;
            if (err > worst) {
                worst = err;
                worstAt = i;
            }
        }
        if (worst > TOLERANCE) {
            fail(String.format("%s: analytic gradient differs from finite differences by %.3e (relative) at %d",
                    what, worst, worstAt));
        }
    }
}
