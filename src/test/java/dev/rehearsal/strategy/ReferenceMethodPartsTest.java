package dev.rehearsal.strategy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rehearsal.Backends;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.MlpSpec;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.replay.Segment;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The pieces of A-GEM and iCaRL against independent computations: the projection against its formula, the
 * BCE-distillation gradient against finite differences of a double-precision reference network, and
 * nearest-mean classification against distances computed by hand.
 */
class ReferenceMethodPartsTest {

    private static Tensor vector(Arena a, String name, float[] v) {
        Tensor t = Tensor.of(a.allocate(name, DType.F32, v.length), 1, v.length);
        t.copyFrom(v);
        return t;
    }

    private static float[] random(Rng rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rng.nextGaussian();
        }
        return v;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    // ---- A-GEM ----------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void projectionRemovesTheConflictAndOnlyThen(String backend) {
        Backend be = Backends.named(backend);
        Rng rng = new Rng(3);
        int n = 1001;
        try (Arena a = be.newArena("agem-test")) {
            float[] ref = random(rng, n);
            float[] g = random(rng, n);
            // Make the two conflict: g . ref < 0.
            double d0 = dot(g, ref);
            if (d0 > 0) {
                for (int i = 0; i < n; i++) {
                    g[i] = -g[i];
                }
                d0 = -d0;
            }
            for (int i = 0; i < n; i++) {
                g[i] -= (float) (0.5 * ref[i]);
            }
            d0 = dot(g, ref);
            assertTrue(d0 < 0);
            Tensor gt = vector(a, "g", g);
            Tensor rt = vector(a, "ref", ref);
            assertTrue(AGem.project(be, gt, rt, 1e-7f));
            float[] out = gt.toFloatArray();
            double rr = dot(ref, ref);
            double scale = Math.sqrt(dot(g, g) * rr);
            double after = dot(out, ref);
            assertTrue(after >= -1e-6 * scale, "projected gradient still points against g_ref: " + after);
            double worst = 0;
            for (int i = 0; i < n; i++) {
                double expected = g[i] - d0 / (rr + 1e-7) * ref[i];
                worst = Math.max(worst, Math.abs(out[i] - expected));
            }
            assertTrue(worst < 1e-5, "projection differs from g - (g.r)/(r.r + eps) r by " + worst);

            // Aligned already: nothing changes, bit for bit.
            float[] aligned = out.clone();
            for (int i = 0; i < n; i++) {
                aligned[i] += ref[i];
            }
            Tensor at = vector(a, "aligned", aligned);
            assertTrue(dot(aligned, ref) >= 0);
            assertFalse(AGem.project(be, at, rt, 1e-7f));
            assertArrayEquals(aligned, at.toFloatArray());
        }
    }

    // ---- iCaRL's loss ---------------------------------------------------------------------------

    private static final int IN = 6;
    private static final int H = 5;
    private static final int C = 4;
    private static final int OLD = 2;
    private static final int ROWS = 5;
    private static final float T = 2f;

    /** relu(x W1^T + b1) W2^T + b2 in double, p = {W1 [H, IN], b1 [H], W2 [C, H], b2 [C]} flattened. */
    private static double[][] logits(double[] p, double[][] x) {
        double[][] z = new double[x.length][C];
        for (int r = 0; r < x.length; r++) {
            double[] h = new double[H];
            for (int j = 0; j < H; j++) {
                double s = p[H * IN + j];
                for (int i = 0; i < IN; i++) {
                    s += p[j * IN + i] * x[r][i];
                }
                h[j] = Math.max(0, s);
            }
            int w2 = H * IN + H;
            for (int k = 0; k < C; k++) {
                double s = p[w2 + C * H + k];
                for (int j = 0; j < H; j++) {
                    s += p[w2 + k * H + j] * h[j];
                }
                z[r][k] = s;
            }
        }
        return z;
    }

    /** Mean over rows of the BCE summed over classes; targets one-hot, old classes sigmoid(previous / T). */
    private static double loss(double[] p, double[] previous, double[][] x, int[] labels) {
        double[][] z = logits(p, x);
        double[][] zp = logits(previous, x);
        double total = 0;
        for (int r = 0; r < x.length; r++) {
            for (int k = 0; k < C; k++) {
                double t = k < OLD ? 1 / (1 + Math.exp(-zp[r][k] / T)) : (k == labels[r] ? 1 : 0);
                double v = z[r][k];
                total += Math.max(v, 0) - v * t + Math.log1p(Math.exp(-Math.abs(v)));
            }
        }
        return total / x.length;
    }

    private static double[] flat(Mlp m) {
        Map<String, Tensor> named = m.namedParameters();
        int n = named.values().stream().mapToInt(t -> (int) t.numel()).sum();
        double[] out = new double[n];
        int at = 0;
        for (Tensor t : named.values()) {
            for (float v : t.toFloatArray()) {
                out[at++] = v;
            }
        }
        return out;
    }

    private static double[] flatGrad(Mlp m) {
        double[] out = new double[(int) m.parameterCount()];
        int at = 0;
        for (Tensor t : m.namedGradients().values()) {
            for (float v : t.toFloatArray()) {
                out[at++] = v;
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void distillationGradientMatchesFiniteDifferences(String backend) {
        Backend be = Backends.named(backend);
        MlpSpec spec = new MlpSpec(IN, new int[] {H}, C, C);
        Rng rng = new Rng(11);
        double[][] x = new double[ROWS][IN];
        float[] xf = new float[ROWS * IN];
        for (int r = 0; r < ROWS; r++) {
            for (int i = 0; i < IN; i++) {
                x[r][i] = (float) rng.nextGaussian();
                xf[r * IN + i] = (float) x[r][i];
            }
        }
        // Rows 0-2 are current samples of the new classes, rows 3-4 exemplars of old ones.
        int[] labels = {2, 3, 2, 0, 1};
        try (Mlp s = new Mlp(be, "solver", spec, ROWS, OptimizerConfig.adam(1e-3), new Rng(5));
                Mlp previous = new Mlp(be, "previous", spec, ROWS, null, new Rng(6));
                Arena a = be.newArena("icarl-test")) {
            Tensor lab = Tensor.of(a.allocate("labels", DType.I32, ROWS), ROWS, 1);
            lab.copyFrom(labels);
            Tensor targets = Tensor.of(a.allocate("targets", DType.F32, ROWS * C), ROWS, C);
            Tensor grad = Tensor.of(a.allocate("grad", DType.F32, ROWS * C), ROWS, C);
            s.input(ROWS).copyFrom(xf);
            s.zeroGrad();
            s.forward(ROWS);
            be.fill(s.logitsGrad(ROWS), 0f);
            List<Segment> segments = List.of(new Segment(0, 3, 0, C, 0f, false), new Segment(3, 5, 0, C, 0f, false));
            double got = ICaRL.distillationLoss(be, s, previous, OLD, ROWS, segments, lab, T, targets, grad);
            s.backward(ROWS);
            double[] p = flat(s);
            double[] q = flat(previous);
            assertEquals(loss(p, q, x, labels), got, 1e-5, "loss value");
            double[] analytic = flatGrad(s);
            double h = 1e-6;
            double scale = 1e-8;
            for (double v : analytic) {
                scale = Math.max(scale, Math.abs(v));
            }
            double worst = 0;
            int worstAt = -1;
            for (int i = 0; i < p.length; i++) {
                double saved = p[i];
                p[i] = saved + h;
                double up = loss(p, q, x, labels);
                p[i] = saved - h;
                double down = loss(p, q, x, labels);
                p[i] = saved;
                double err = Math.abs((up - down) / (2 * h) - analytic[i]) / scale;
                if (err > worst) {
                    worst = err;
                    worstAt = i;
                }
            }
            if (worst > 1e-4) {
                fail(String.format("BCE-distillation gradient differs from finite differences by %.3e (relative) "
                        + "at parameter %d", worst, worstAt));
            }
        }
    }

    // ---- nearest mean of exemplars --------------------------------------------------------------

    /**
     * Three class means in 2-D, (1, 0), (0, 1) and (0.6, 0.8), and a class without exemplars; the samples
     * (normalised) go to the nearest mean by Euclidean distance, worked out by hand: (0.9, 0.1), normalised
     * (0.994, 0.110), is 0.11 from class 0, 1.33 from 1, 0.79 from 2; (0.5, 0.9), normalised (0.486, 0.874),
     * is 1.01 / 0.50 / 0.14 from them, so class 2; (0.1, 0.95), normalised (0.105, 0.995), is 1.34 / 0.105 /
     * 0.53, so class 1; over classes [0, 2) only, (0.5, 0.9) goes to class 1.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native", "native-openblas"})
    void nearestMeanMatchesTheHandComputation(String backend) {
        Backend be = Backends.named(backend);
        try (NearestMean nme = new NearestMean(be, 4, 2, 8); Arena a = be.newArena("nme-test")) {
            float[][] mu = {{1, 0}, {0, 1}, {0.6f, 0.8f}};
            for (int c = 0; c < 3; c++) {
                nme.mean(c).copyFrom(mu[c]);
                nme.sealMean(c, true);
            }
            nme.sealMean(3, false);
            nme.features(3).copyFrom(new float[] {0.9f, 0.1f, 0.5f, 0.9f, 0.1f, 0.95f});
            be.l2NormalizeRows(nme.features(3), nme.features(3));
            Tensor out = Tensor.of(a.allocate("out", DType.I32, 3), 3, 1);
            nme.classify(3, out, 0, 4);
            assertArrayEquals(new int[] {0, 2, 1}, out.toIntArray(), "all classes (class 3 has no exemplars)");
            nme.classify(3, out, 0, 2);
            assertArrayEquals(new int[] {0, 1, 1}, out.toIntArray(), "classes [0, 2)");
            Tensor labels = Tensor.of(a.allocate("labels", DType.I32, 3), 3, 1);
            labels.copyFrom(new int[] {0, 2, 2});
            assertEquals(2, nme.countCorrect(3, labels, 0, 4));
        }
    }
}
