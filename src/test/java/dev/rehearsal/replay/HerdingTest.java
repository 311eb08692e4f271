package dev.rehearsal.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rehearsal.Backends;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Herding against a hand-made example and against a direct double-precision implementation of its rule. */
class HerdingTest {

    /**
     * Five unit vectors in 3-D (rows normalised here): (1,0,0), (0.8,0.6,0), (0,1,0), (0.6,0,0.8),
     * (0,0.6,0.8). Their normalised mean is (0.662, 0.606, 0.441); the distances of the running means to it,
     * computed by hand (numpy, see the comment per pick), give the order 1, 4, 0, 3, 2:
     * pick 1: distances of each f_i to mu 0.823 0.462 0.887 0.707 0.753, so row 1 (the closest to the mean);
     * pick 2: of (f_1 + f_i) / 2: 0.588 - 0.548 0.312 0.265, so row 4;
     * pick 3: 0.277 - 0.450 0.299 -, so row 0; pick 4: - - 0.326 0.315 -, so row 3; then row 2.
     */
    private static final float[][] POINTS = {{1, 0, 0}, {0.8f, 0.6f, 0}, {0, 1, 0}, {0.6f, 0, 0.8f}, {0, 0.6f, 0.8f}};

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native", "native-openblas"})
    void picksTheHandDerivedOrder(String backend) {
        Backend be = Backends.named(backend);
        try (Herding h = new Herding(be, 8, 3)) {
            float[] flat = new float[15];
            for (int i = 0; i < 5; i++) {
                System.arraycopy(POINTS[i], 0, flat, 3 * i, 3);
            }
            h.features(5).copyFrom(flat);
            be.l2NormalizeRows(h.features(5), h.features(5));
            long before = be.macs();
            assertArrayEquals(new int[] {1, 4, 0, 3, 2}, h.select(5, 5));
            assertEquals(5L * 5 * 3, be.macs() - before, "one GEMV of 5 x 3 per pick, counted where issued");
            assertArrayEquals(new int[] {1, 4}, h.select(5, 2), "the first picks do not depend on how many follow");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void agreesWithTheRuleComputedDirectly(String backend) {
        Backend be = Backends.named(backend);
        int n = 300;
        int d = 40;
        Rng rng = new Rng(7);
        float[] x = new float[n * d];
        for (int i = 0; i < x.length; i++) {
            // ReLU-like features: non-negative, some exact zeros.
            x[i] = (float) Math.max(0, rng.nextDouble() - 0.3);
        }
        try (Herding h = new Herding(be, n, d)) {
            h.features(n).copyFrom(x);
            be.l2NormalizeRows(h.features(n), h.features(n));
            float[] f = h.features(n).toFloatArray();
            int k = 30;
            int[] got = h.select(n, k);
            assertArrayEquals(direct(f, n, d, k), got);
        }
    }

    /** argmin_i || (S + f_i) / (k + 1) - mu || in double, mu the normalised mean, chosen rows excluded. */
    private static int[] direct(float[] f, int n, int d, int k) {
        double[] mu = new double[d];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mu[j] += f[i * d + j] / (double) n;
            }
        }
        double norm = 0;
        for (double v : mu) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        for (int j = 0; j < d; j++) {
            mu[j] /= norm;
        }
        double[] sum = new double[d];
        boolean[] taken = new boolean[n];
        int[] order = new int[k];
        for (int pick = 0; pick < k; pick++) {
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                if (taken[i]) {
                    continue;
                }
                double dist = 0;
                for (int j = 0; j < d; j++) {
                    double e = (sum[j] + f[i * d + j]) / (pick + 1) - mu[j];
                    dist += e * e;
                }
                if (dist < bestDistance) {
                    best = i;
                    bestDistance = dist;
                }
            }
            taken[best] = true;
            order[pick] = best;
            for (int j = 0; j < d; j++) {
                sum[j] += f[best * d + j];
            }
        }
        return order;
    }
}
