package dev.rehearsal.nn;

import static dev.rehearsal.Fixture.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rehearsal.Backends;
import dev.rehearsal.Compare;
import dev.rehearsal.Fixture;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.tensor.Tensor;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The continual-learning ops of {@link Backend} (EWC, SI, A-GEM, DER++, iCaRL) on both backends against
 * double-precision formulas written out here, the two losses' gradients first checked by finite
 * differences; then native against jvm on identical inputs, with the measured differences printed.
 *
 * <p>Shapes: strided views [7, 143] with row stride > cols for the ops that take any strides, flat views of
 * P = 1003 elements for those over parameter blocks; neither 143 nor 1003 is a multiple of any vector
 * width, so every kernel's tail loop runs. Tolerances are relative to each tensor's largest entry: float
 * elementwise arithmetic is within a few ulp (1e-6), returned sums accumulate in double (1e-12 when the
 * terms are exact products, 1e-6 when a term carries a float difference).
 */
class ContinualOpsTest {
    private static final int ROWS = 7;
    private static final int COLS = 143;
    private static final int P = 1003;
    private static final double FLOAT_OPS = 1e-6;
    private static final double EXACT_TERMS_SUM = 1e-12;

    /** Each operand of an op that takes any row strides, once padded (ld > cols) and once flat. */
    private record Layout(int rows, int cols, int pad) {
        int n() {
            return rows * cols;
        }
    }

    private static final Layout[] ANY_STRIDES = {new Layout(ROWS, COLS, 5), new Layout(1, P, 0)};

    // ---- axpby, dot, accumulateSquares: any strides ----------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void axpbyScalesAndAdds(String backend) {
        Backend be = Backends.named(backend);
        for (Layout s : ANY_STRIDES) {
            try (Fixture fx = new Fixture(be, 21)) {
                float a = 0.7f;
                float b = -1.3f;
                float[] xf = fx.uniform(s.n(), 2);
                float[] yf = fx.uniform(s.n(), 2);
                double[] expected = new double[s.n()];
                for (int i = 0; i < s.n(); i++) {
                    expected[i] = (double) a * xf[i] + (double) b * yf[i];
                }
                Tensor x = fx.floats(s.rows(), s.cols(), s.pad() + 2, xf);
                Tensor y = fx.floats(s.rows(), s.cols(), s.pad(), yf);
                be.axpby(y, x, a, b);
                Compare.close(be.name() + " axpby " + s, y.toFloatArray(), expected, FLOAT_OPS);
                assertArrayEquals(xf, x.toFloatArray(), "axpby must not write x");

                // b = 0 does not read y: NaN there must not leak into a x.
                float[] nan = new float[s.n()];
                Arrays.fill(nan, Float.NaN);
                Tensor fresh = fx.floats(s.rows(), s.cols(), s.pad(), nan);
                be.axpby(fresh, x, a, 0f);
                double[] ax = new double[s.n()];
                for (int i = 0; i < s.n(); i++) {
                    ax[i] = (double) a * xf[i];
                }
                Compare.close(be.name() + " axpby b=0 over NaN " + s, fresh.toFloatArray(), ax, FLOAT_OPS);

                // y may be x itself: x = (a + b) x.
                be.axpby(x, x, a, b);
                double[] scaled = new double[s.n()];
                for (int i = 0; i < s.n(); i++) {
                    scaled[i] = ((double) a + b) * xf[i];
                }
                Compare.close(be.name() + " axpby in place " + s, x.toFloatArray(), scaled, FLOAT_OPS);
            }
        }
        try (Fixture fx = new Fixture(be, 22)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.axpby(fx.floats(2, 3, 0, null), fx.floats(3, 2, 0, null), 1f, 1f));
            assertTrue(e.getMessage().contains("axpby") && e.getMessage().contains("[3, 2]"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void dotSumsInDouble(String backend) {
        Backend be = Backends.named(backend);
        for (Layout s : ANY_STRIDES) {
            try (Fixture fx = new Fixture(be, 23)) {
                float[] xf = fx.uniform(s.n(), 3);
                float[] yf = fx.uniform(s.n(), 3);
                double expected = 0;
                for (int i = 0; i < s.n(); i++) {
                    expected += (double) xf[i] * yf[i];
                }
                Tensor x = fx.floats(s.rows(), s.cols(), s.pad(), xf);
                Tensor y = fx.floats(s.rows(), s.cols(), s.pad() + 3, yf);
                // A float accumulator would be off by about 1e-7 here.
                Compare.close(be.name() + " dot " + s, be.dot(x, y), expected, EXACT_TERMS_SUM);
                double squares = 0;
                for (float v : xf) {
                    squares += (double) v * v;
                }
                Compare.close(be.name() + " dot x.x " + s, be.dot(x, x), squares, EXACT_TERMS_SUM);
            }
        }
        try (Fixture fx = new Fixture(be, 24)) {
            assertThrows(IllegalArgumentException.class, () -> be.dot(fx.floats(1, 5, 0, null), fx.floats(1, 6, 0,
                    null)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void accumulateSquaresAdds(String backend) {
        Backend be = Backends.named(backend);
        for (Layout s : ANY_STRIDES) {
            try (Fixture fx = new Fixture(be, 25)) {
                float scale = 0.25f;
                float[] accf = fx.uniform(s.n(), 1);
                float[] gf = fx.uniform(s.n(), 4);
                double[] expected = new double[s.n()];
                for (int i = 0; i < s.n(); i++) {
                    expected[i] = accf[i] + (double) scale * gf[i] * gf[i];
                }
                Tensor acc = fx.floats(s.rows(), s.cols(), s.pad(), accf);
                Tensor g = fx.floats(s.rows(), s.cols(), s.pad() + 1, gf);
                be.accumulateSquares(acc, g, scale);
                Compare.close(be.name() + " accumulate squares " + s, acc.toFloatArray(), expected, FLOAT_OPS);
            }
        }
    }

    // ---- the quadratic penalty (EWC, SI) ----------------------------------------------------------

    /** lambda/2 sum o (p - a)^2, and its gradient lambda o (p - a) added to {@code grad}. */
    private static double penalty(double[] p, double[] a, double[] o, double lambda, double[] grad) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            double d = p[i] - a[i];
            s += o[i] * d * d;
            grad[i] += lambda * o[i] * d;
        }
        return lambda / 2 * s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void quadraticPenaltyAndItsGradient(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 26)) {
            float lambda = 0.8f;
            float[] pf = fx.uniform(P, 1);
            float[] af = fx.uniform(P, 1);
            float[] of = fx.uniform(P, 2);
            for (int i = 0; i < P; i++) {
                of[i] = Math.abs(of[i]);
            }
            float[] g0 = fx.uniform(P, 0.5);
            double[] p = toDouble(pf);
            double[] a = toDouble(af);
            double[] o = toDouble(of);
            double[] grad = new double[P];
            double loss = penalty(p, a, o, lambda, grad);
            FiniteDifference.check("quadratic penalty", p, grad, q -> penalty(q, a, o, lambda, new double[P]));

            Tensor tg = fx.floats(1, P, 0, g0);
            double got = be.quadraticPenalty(tg, fx.floats(1, P, 0, pf), fx.floats(1, P, 0, af),
                    fx.floats(1, P, 0, of), lambda);
            Compare.close(be.name() + " quadratic penalty", got, loss, FLOAT_OPS);
            double[] accumulated = grad.clone();
            for (int i = 0; i < P; i++) {
                accumulated[i] += g0[i];
            }
            Compare.close(be.name() + " quadratic penalty grads += ", tg.toFloatArray(), accumulated, FLOAT_OPS);

            Tensor small = fx.floats(1, P - 1, 0, null);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.quadraticPenalty(tg, tg, small, tg, 1f));
            assertTrue(e.getMessage().contains("differ in size"), e.getMessage());
            Tensor strided = fx.floats(17, 59, 1, null);
            assertThrows(IllegalArgumentException.class,
                    () -> be.quadraticPenalty(strided, strided, strided, strided, 1f));
        }
    }

    // ---- SI's bookkeeping ---------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void pathIntegralAccumulatesOverSteps(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 27)) {
            float[] omega0 = fx.uniform(P, 1);
            float[] prev0 = fx.uniform(P, 1);
            Tensor omega = fx.floats(1, P, 0, omega0);
            Tensor prev = fx.floats(1, P, 0, prev0);
            double[] expected = toDouble(omega0);
            float[] before = prev0;
            // Two steps: the second one's displacement is measured from the params the first one stored.
            for (int step = 0; step < 2; step++) {
                float[] gf = fx.uniform(P, 2);
                float[] pf = fx.uniform(P, 1);
                be.pathIntegralStep(omega, fx.floats(1, P, 0, gf), fx.floats(1, P, 0, pf), prev);
                for (int i = 0; i < P; i++) {
                    expected[i] += -(double) gf[i] * ((double) pf[i] - before[i]);
                }
                Compare.close(be.name() + " path integral step " + step, omega.toFloatArray(), expected, FLOAT_OPS);
                assertArrayEquals(pf, prev.toFloatArray(), "previous = params after step " + step);
                before = pf;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void consolidationAddsDampedImportanceAndResets(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 28)) {
            float xi = 0.1f;
            float[] impf = fx.uniform(P, 1);
            float[] omegaf = fx.uniform(P, 3);
            float[] pf = fx.uniform(P, 1);
            float[] startf = fx.uniform(P, 1);
            startf[0] = pf[0]; // a parameter that did not move: omega / xi
            double[] expected = new double[P];
            for (int i = 0; i < P; i++) {
                double d = (double) pf[i] - startf[i];
                expected[i] = impf[i] + omegaf[i] / (d * d + (double) xi);
            }
            Tensor imp = fx.floats(1, P, 0, impf);
            Tensor omega = fx.floats(1, P, 0, omegaf);
            Tensor start = fx.floats(1, P, 0, startf);
            Tensor params = fx.floats(1, P, 0, pf);
            be.consolidateImportance(imp, omega, params, start, xi);
            Compare.close(be.name() + " consolidated importance", imp.toFloatArray(), expected, FLOAT_OPS);
            assertArrayEquals(new float[P], omega.toFloatArray(), "omega = 0");
            assertArrayEquals(pf, start.toFloatArray(), "start = params");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.consolidateImportance(imp, omega, params, start, 0f));
            assertTrue(e.getMessage().contains("xi"), e.getMessage());
        }
    }

    // ---- DER++'s logit matching -----------------------------------------------------------------------

    /** weight sum_rows sum_{k in [lo, hi)} (z_k - t_k)^2 for dense z [rows, cols], t [rows, hi - lo]; writes dz. */
    private static double mse(double[] z, double[] t, int rows, int cols, int lo, int hi, double weight,
            double[] dz) {
        double s = 0;
        Arrays.fill(dz, 0);
        for (int r = 0; r < rows; r++) {
            for (int k = lo; k < hi; k++) {
                double d = z[r * cols + k] - t[r * (hi - lo) + k - lo];
                s += d * d;
                dz[r * cols + k] = 2 * weight * d;
            }
        }
        return weight * s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void maskedMseAndItsGradient(String backend) {
        Backend be = Backends.named(backend);
        // {rows, cols, lo, hi}: a class mask inside a row, and rows wider than any vector with a ragged tail.
        int[][] shapes = {{6, 9, 2, 7}, {3, 1010, 3, P + 3}};
        for (int[] shape : shapes) {
            int rows = shape[0];
            int cols = shape[1];
            int lo = shape[2];
            int hi = shape[3];
            int k = hi - lo;
            String what = be.name() + " MSE [" + rows + ", " + cols + "] on [" + lo + ", " + hi + ")";
            try (Fixture fx = new Fixture(be, 29)) {
                float weight = 0.3f;
                float[] zf = fx.uniform(rows * cols, 4);
                float[] tf = fx.uniform(rows * k, 4);
                double[] z = toDouble(zf);
                double[] t = toDouble(tf);
                double[] dz = new double[z.length];
                double loss = mse(z, t, rows, cols, lo, hi, weight, dz);
                if (cols < 100) {
                    FiniteDifference.check("MSE", z, dz, q -> mse(q, t, rows, cols, lo, hi, weight,
                            new double[q.length]));
                }
                Tensor tz = fx.floats(rows, cols, 2, zf);
                Tensor tt = fx.floats(rows, k, 1, tf);
                Tensor tdz = fx.floats(rows, cols, 3, fx.uniform(rows * cols, 9)); // written, not accumulated
                Compare.close(what + " loss", be.mseLoss(tdz, tz, tt, lo, hi, weight), loss, FLOAT_OPS);
                Compare.close(what + " grad", tdz.toFloatArray(), dz, FLOAT_OPS);

                // In place: dlogits may be the logits.
                Compare.close(what + " loss in place", be.mseLoss(tz, tz, tt, lo, hi, weight), loss, FLOAT_OPS);
                Compare.close(what + " grad in place", tz.toFloatArray(), dz, FLOAT_OPS);

                assertThrows(IllegalArgumentException.class,
                        () -> be.mseLoss(tdz, tz, fx.floats(rows, k + 1, 0, null), lo, hi, weight));
                assertThrows(IllegalArgumentException.class, () -> be.mseLoss(tdz, tz, tt, lo, cols + 1, weight));
            }
        }
    }

    // ---- iCaRL's feature normalisation ---------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void l2NormalizeRowsToUnitLength(String backend) {
        Backend be = Backends.named(backend);
        for (Layout s : ANY_STRIDES) {
            try (Fixture fx = new Fixture(be, 30)) {
                float[] xf = fx.uniform(s.n(), 5);
                if (s.rows() > 2) {
                    Arrays.fill(xf, 0, s.cols(), 0f); // a zero row stays zero
                    for (int j = 0; j < s.cols(); j++) {
                        xf[s.cols() + j] *= 1e-16f; // norm below 1e-12: divided by 1e-12, not normalised
                    }
                }
                double[] expected = new double[s.n()];
                for (int r = 0; r < s.rows(); r++) {
                    double sq = 0;
                    for (int j = 0; j < s.cols(); j++) {
                        sq += (double) xf[r * s.cols() + j] * xf[r * s.cols() + j];
                    }
                    double norm = Math.max(Math.sqrt(sq), 1e-12);
                    for (int j = 0; j < s.cols(); j++) {
                        expected[r * s.cols() + j] = xf[r * s.cols() + j] / norm;
                    }
                }
                Tensor x = fx.floats(s.rows(), s.cols(), s.pad(), xf);
                Tensor y = fx.floats(s.rows(), s.cols(), s.pad() + 4, fx.uniform(s.n(), 1));
                be.l2NormalizeRows(y, x);
                Compare.close(be.name() + " L2-normalised rows " + s, y.toFloatArray(), expected, FLOAT_OPS);
                if (s.rows() > 2) {
                    double tiny = 0;
                    for (int j = 0; j < s.cols(); j++) {
                        tiny = Math.max(tiny, Math.abs(y.get(1, j) - expected[s.cols() + j]));
                    }
                    assertTrue(tiny <= FLOAT_OPS * 1e-3, "row with norm < 1e-12 scaled by 1e12, off by " + tiny);
                }
                be.l2NormalizeRows(x, x);
                Compare.close(be.name() + " L2-normalised in place " + s, x.toFloatArray(), expected, FLOAT_OPS);
            }
        }
    }

    // ---- native against the jvm specification ------------------------------------------------------------

    /** An op's outputs on one backend: the tensors it wrote, then the double it returned (0 if none). */
    private record Outputs(Map<String, float[]> tensors, double value) {
    }

    /** Runs every op on one backend, inputs drawn from the same seeds on both. */
    private static Map<String, Outputs> everyOp(Backend be) {
        Map<String, Outputs> out = new LinkedHashMap<>();
        BiFunction<Integer, Function<Fixture, Outputs>, Outputs> run = (seed, op) -> {
            try (Fixture fx = new Fixture(be, seed)) {
                return op.apply(fx);
            }
        };
        out.put("axpby", run.apply(41, fx -> {
            Tensor y = fx.floats(ROWS, COLS, 5, fx.uniform(ROWS * COLS, 2));
            be.axpby(y, fx.floats(ROWS, COLS, 2, fx.uniform(ROWS * COLS, 2)), 0.7f, -1.3f);
            Tensor flat = fx.floats(1, P, 0, fx.uniform(P, 2));
            be.axpby(flat, fx.floats(1, P, 0, fx.uniform(P, 2)), 1f, 0.95f);
            return new Outputs(Map.of("y", y.toFloatArray(), "flat y", flat.toFloatArray()), 0);
        }));
        out.put("dot", run.apply(42, fx -> new Outputs(Map.of(), be.dot(fx.floats(ROWS, COLS, 5,
                fx.uniform(ROWS * COLS, 3)), fx.floats(ROWS, COLS, 1, fx.uniform(ROWS * COLS, 3))))));
        out.put("quadraticPenalty", run.apply(43, fx -> {
            Tensor g = fx.floats(1, P, 0, fx.uniform(P, 0.5));
            double v = be.quadraticPenalty(g, fx.floats(1, P, 0, fx.uniform(P, 1)), fx.floats(1, P, 0,
                    fx.uniform(P, 1)), fx.floats(1, P, 0, fx.uniform(P, 2)), 0.8f);
            return new Outputs(Map.of("grads", g.toFloatArray()), v);
        }));
        out.put("accumulateSquares", run.apply(44, fx -> {
            Tensor acc = fx.floats(ROWS, COLS, 5, fx.uniform(ROWS * COLS, 1));
            be.accumulateSquares(acc, fx.floats(ROWS, COLS, 0, fx.uniform(ROWS * COLS, 4)), 0.25f);
            return new Outputs(Map.of("acc", acc.toFloatArray()), 0);
        }));
        out.put("pathIntegralStep", run.apply(45, fx -> {
            Tensor omega = fx.floats(1, P, 0, fx.uniform(P, 1));
            Tensor prev = fx.floats(1, P, 0, fx.uniform(P, 1));
            be.pathIntegralStep(omega, fx.floats(1, P, 0, fx.uniform(P, 2)), fx.floats(1, P, 0, fx.uniform(P, 1)),
                    prev);
            return new Outputs(Map.of("omega", omega.toFloatArray(), "previous", prev.toFloatArray()), 0);
        }));
        out.put("consolidateImportance", run.apply(46, fx -> {
            Tensor imp = fx.floats(1, P, 0, fx.uniform(P, 1));
            Tensor omega = fx.floats(1, P, 0, fx.uniform(P, 3));
            Tensor start = fx.floats(1, P, 0, fx.uniform(P, 1));
            be.consolidateImportance(imp, omega, fx.floats(1, P, 0, fx.uniform(P, 1)), start, 0.1f);
            return new Outputs(Map.of("importance", imp.toFloatArray(), "omega", omega.toFloatArray(), "start",
                    start.toFloatArray()), 0);
        }));
        out.put("mseLoss", run.apply(47, fx -> {
            int cols = 1010;
            Tensor dz = fx.floats(3, cols, 3, null);
            double v = be.mseLoss(dz, fx.floats(3, cols, 2, fx.uniform(3 * cols, 4)), fx.floats(3, P, 1,
                    fx.uniform(3 * P, 4)), 3, P + 3, 0.3f);
            return new Outputs(Map.of("dlogits", dz.toFloatArray()), v);
        }));
        out.put("l2NormalizeRows", run.apply(48, fx -> {
            Tensor y = fx.floats(ROWS, COLS, 4, null);
            be.l2NormalizeRows(y, fx.floats(ROWS, COLS, 5, fx.uniform(ROWS * COLS, 5)));
            return new Outputs(Map.of("y", y.toFloatArray()), 0);
        }));
        return out;
    }

    /**
     * Native against jvm, relative to each tensor's scale. Tensors: 2 ulp (measured up to 1e-7: GCC contracts
     * {@code a * x + b * y} and the like into FMAs, Java does not). Returned sums: 1e-13 (measured up to
     * 2.5e-15: the kernels sum in vector lanes, the jvm in order).
     */
    private static final double TENSOR_AGREEMENT = 2.5e-7;
    private static final double SUM_AGREEMENT = 1e-13;

    @Test
    void nativeAgreesWithJvm() {
        Map<String, Outputs> jvm = everyOp(Backends.jvm());
        Map<String, Outputs> nat = everyOp(Backends.nativ());
        StringBuilder failures = new StringBuilder();
        for (String op : jvm.keySet()) {
            Outputs j = jvm.get(op);
            Outputs n = nat.get(op);
            double value = Math.abs(n.value() - j.value()) / Math.max(Math.abs(j.value()), 1e-12);
            StringBuilder line = new StringBuilder(String.format("native vs jvm %-22s sum %.2e", op, value));
            if (!(value <= SUM_AGREEMENT)) {
                failures.append(String.format("%s sum: %.3e > %.1e; ", op, value, SUM_AGREEMENT));
            }
            for (Map.Entry<String, float[]> e : j.tensors().entrySet()) {
                double d = Compare.relativeError(n.tensors().get(e.getKey()), toDouble(e.getValue()));
                line.append(String.format("  %s %.2e", e.getKey(), d));
                if (!(d <= TENSOR_AGREEMENT)) {
                    failures.append(String.format("%s %s: %.3e > %.1e; ", op, e.getKey(), d, TENSOR_AGREEMENT));
                }
            }
            System.out.println(line);
        }
        if (!failures.isEmpty()) {
            fail("native differs from jvm: " + failures);
        }
    }
}
