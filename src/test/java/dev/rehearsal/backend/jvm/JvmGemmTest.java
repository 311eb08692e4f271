package dev.rehearsal.backend.jvm;

import dev.rehearsal.Compare;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The blocked, threaded GEMM against the textbook loop, over every transpose and awkward sizes. */
class JvmGemmTest {

    @Test
    void blockedEqualsNaiveForAllTransposesAndSizes() {
        Random r = new Random(1);
        int[][] sizes = {{1, 1, 1}, {3, 5, 7}, {17, 600, 300}, {64, 33, 513}, {9, 1030, 3}};
        try (Parallel one = new Parallel(1); Parallel two = new Parallel(2)) {
            for (int[] s : sizes) {
                int m = s[0];
                int n = s[1];
                int k = s[2];
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        for (float beta : new float[] {0f, 1f, 0.5f}) {
                            int lda = (ta ? m : k) + 2;
                            int ldb = (tb ? k : n) + 1;
                            int ldc = n + 3;
                            float[] a = random(r, (ta ? k : m) * lda + 5);
                            float[] b = random(r, (tb ? n : k) * ldb + 5);
                            float[] c0 = random(r, m * ldc + 5);
                            float[] expected = c0.clone();
                            JvmGemm.naive(ta, tb, m, n, k, 0.75f, a, 5, lda, b, 5, ldb, beta, expected, 5, ldc);
                            for (Parallel team : new Parallel[] {one, two}) {
                                float[] c = c0.clone();
                                new JvmGemm(team).gemm(ta, tb, m, n, k, 0.75f, a, 5, lda, b, 5, ldb, beta, c, 5, ldc);
                                Compare.close("gemm m=" + m + " n=" + n + " k=" + k + " ta=" + ta + " tb=" + tb
                                        + " beta=" + beta + " threads=" + team.threads(), c, expected, 1e-5);
                            }
                        }
                    }
                }
            }
        }
    }

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextFloat() - 0.5f;
        }
        return a;
    }
}
