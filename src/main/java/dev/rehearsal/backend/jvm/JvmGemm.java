package dev.rehearsal.backend.jvm;

/**
 * Single-precision GEMM on row-major heap arrays: {@code C = alpha * op(A) · op(B) + beta * C} with
 * {@code op(A) [M, K]}, {@code op(B) [K, N]}; {@code transA} means A is stored [K, M], {@code transB} that B
 * is stored [N, K].
 *
 * <p>Blocked for the cache: B is cut into [{@link #KC}, {@link #NC}] panels, each copied once into
 * {@code panel}, one Java array per row; every row of C is accumulated in a thread's own {@code row}
 * array. The point of these copies is the inner loop {@code acc[j] += a0 r0[j] + a1 r1[j] + a2 r2[j] + a3 r3[j]}:
 * every array is indexed by the same {@code j} from 0, so C2 can prove no iteration depends on another even
 * if two arrays were the same object, and emits SIMD code (about 4x the throughput of the same loop over
 * offsets into one array, measured on this machine). Rows of C are split over the worker team.
 * {@link #naive} is the reference it is tested against.
 */
final class JvmGemm {
    /** K slab of a panel. */
    static final int KC = 256;
    /** N width of a panel: a full [KC, NC] panel is 512 KiB, within L2. */
    static final int NC = 512;
    /** Rows of C below which splitting over threads costs more than it saves. */
    private static final int MIN_ROWS_PER_THREAD = 4;

    private final Parallel team;
    private final float[][] panel = new float[KC][NC];
    private final float[][] rows;

    JvmGemm(Parallel team) {
        this.team = team;
        this.rows = new float[team.threads()][NC];
    }

    /** Bytes of the packed panel and the per-thread row accumulators (array elements only). */
    long scratchBytes() {
        return 4L * ((long) KC * NC + (long) rows.length * NC);
    }

    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff, int lda,
            float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0 || alpha == 0f) {
            team.forRange(m, MIN_ROWS_PER_THREAD, (from, to) -> scaleRows(c, cOff, ldc, from, to, 0, n, beta));
            return;
        }
        for (int n0 = 0; n0 < n; n0 += NC) {
            final int nc = Math.min(NC, n - n0);
            for (int k0 = 0; k0 < k; k0 += KC) {
                final int kc = Math.min(KC, k - k0);
                pack(transB, b, bOff, ldb, k0, kc, n0, nc);
                final float panelBeta = k0 == 0 ? beta : 1f;
                final int fk0 = k0;
                final int fn0 = n0;
                team.forRange(m, MIN_ROWS_PER_THREAD, (from, to) -> {
                    float[] acc = rows[team.worker()];
                    for (int i = from; i < to; i++) {
                        int cAt = cOff + i * ldc + fn0;
                        if (panelBeta == 0f) {
                            java.util.Arrays.fill(acc, 0, nc, 0f);
                        } else {
                            System.arraycopy(c, cAt, acc, 0, nc);
                            if (panelBeta != 1f) {
                                for (int j = 0; j < nc; j++) {
                                    acc[j] *= panelBeta;
                                }
                            }
                        }
                        int aAt = transA ? aOff + fk0 * lda + i : aOff + i * lda + fk0;
                        accumulate(acc, nc, kc, alpha, a, aAt, transA ? lda : 1, panel);
                        System.arraycopy(acc, 0, c, cAt, nc);
                    }
                });
            }
        }
    }

    /** {@code acc[0..nc) += alpha * sum_p a[aAt + p*aStep] * panel[p][0..nc)}, four p at a time. */
    private static void accumulate(float[] acc, int nc, int kc, float alpha, float[] a, int aAt, int aStep,
            float[][] panel) {
        int p = 0;
        for (; p + 3 < kc; p += 4) {
            float a0 = alpha * a[aAt + p * aStep];
            float a1 = alpha * a[aAt + (p + 1) * aStep];
            float a2 = alpha * a[aAt + (p + 2) * aStep];
            float a3 = alpha * a[aAt + (p + 3) * aStep];
            float[] r0 = panel[p];
            float[] r1 = panel[p + 1];
            float[] r2 = panel[p + 2];
            float[] r3 = panel[p + 3];
            for (int j = 0; j < nc; j++) {
                acc[j] += a0 * r0[j] + a1 * r1[j] + a2 * r2[j] + a3 * r3[j];
            }
        }
        for (; p < kc; p++) {
            float a0 = alpha * a[aAt + p * aStep];
            float[] r0 = panel[p];
            for (int j = 0; j < nc; j++) {
                acc[j] += a0 * r0[j];
            }
        }
    }

    /** Copies op(B)[k0 .. k0+kc, n0 .. n0+nc) into the panel, one row of the panel per k. */
    private void pack(boolean transB, float[] b, int bOff, int ldb, int k0, int kc, int n0, int nc) {
        if (transB) {
            for (int j = 0; j < nc; j++) {
                int row = bOff + (n0 + j) * ldb + k0;
                for (int p = 0; p < kc; p++) {
                    panel[p][j] = b[row + p];
                }
            }
        } else {
            for (int p = 0; p < kc; p++) {
                System.arraycopy(b, bOff + (k0 + p) * ldb + n0, panel[p], 0, nc);
            }
        }
    }

    private static void scaleRows(float[] c, int cOff, int ldc, int from, int to, int n0, int n, float beta) {
        for (int i = from; i < to; i++) {
            int row = cOff + i * ldc + n0;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row, row + n, 0f);
            } else if (beta != 1f) {
                for (int j = 0; j < n; j++) {
                    c[row + j] *= beta;
                }
            }
        }
    }

    /** The textbook triple loop, for tests and as the baseline the blocked version must beat. */
    static void naive(boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
            float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float av = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bv = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += av * bv;
                }
                int at = cOff + i * ldc + j;
                c[at] = alpha * s + (beta == 0f ? 0f : beta * c[at]);
            }
        }
    }
}
