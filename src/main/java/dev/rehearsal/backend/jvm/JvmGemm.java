package dev.rehearsal.backend.jvm;

/**
 * Single-precision GEMM on row-major heap arrays: {@code C = alpha * op(A) · op(B) + beta * C} with
 * {@code op(A) [M, K]}, {@code op(B) [K, N]}; {@code transA} means A is stored [K, M], {@code transB} that B
 * is stored [N, K].
 *
 * <p>Blocked for the cache: N in panels of {@link #NC} columns, K in slabs of {@link #KC}; a transposed B
 * panel is first packed into a dense [kc, nc] slab in the caller's workspace. The inner loop adds four
 * scaled rows of the B slab to one row of C: unit-stride, one store stream, which C2 turns into SIMD code.
 * Rows of C are split over the worker team. {@link #naive} is the reference it is tested against.
 */
final class JvmGemm {
    /** K slab: four B rows of an N panel stay in L1 while a C row segment streams. */
    static final int KC = 256;
    /** N panel: a [KC, NC] packed slab is 512 KiB, within L2. */
    static final int NC = 512;
    /** Rows of C below which splitting over threads costs more than it saves. */
    private static final int MIN_ROWS_PER_THREAD = 8;

    private JvmGemm() {
    }

    /** Floats of workspace {@link #gemm} needs for a transposed B of these sizes (0 otherwise). */
    static long packFloats(boolean transB, int n, int k) {
        return transB ? (long) Math.min(k, KC) * Math.min(n, NC) : 0;
    }

    static void gemm(Parallel team, boolean transA, boolean transB, int m, int n, int k, float alpha,
            float[] a, int aOff, int lda, float[] b, int bOff, int ldb, float beta,
            float[] c, int cOff, int ldc, float[] ws, int wsOff) {
        if (m == 0 || n == 0) {
            return;
        }
        if (beta != 1f) {
            team.forRange(m, MIN_ROWS_PER_THREAD, (from, to) -> scaleRows(c, cOff, ldc, from, to, n, beta));
        }
        if (k == 0 || alpha == 0f) {
            return;
        }
        for (int n0 = 0; n0 < n; n0 += NC) {
            final int nc = Math.min(NC, n - n0);
            for (int k0 = 0; k0 < k; k0 += KC) {
                final int kc = Math.min(KC, k - k0);
                final float[] src;
                final int srcOff;
                final int srcLd;
                if (transB) {
                    pack(b, bOff + n0 * ldb + k0, ldb, kc, nc, ws, wsOff);
                    src = ws;
                    srcOff = wsOff;
                    srcLd = nc;
                } else {
                    src = b;
                    srcOff = bOff + k0 * ldb + n0;
                    srcLd = ldb;
                }
                final int cCol = cOff + n0;
                final int fk0 = k0;
                team.forRange(m, MIN_ROWS_PER_THREAD, (from, to) -> {
                    for (int i = from; i < to; i++) {
                        int aRow = transA ? aOff + fk0 * lda + i : aOff + i * lda + fk0;
                        int aStep = transA ? lda : 1;
                        rowUpdate(c, cCol + i * ldc, nc, kc, alpha, a, aRow, aStep, src, srcOff, srcLd);
                    }
                });
            }
        }
    }

    /** {@code c[0..nc) += alpha * sum_p a[aAt + p*aStep] * src[srcOff + p*srcLd + (0..nc)]}, four p at a time. */
    private static void rowUpdate(float[] c, int cAt, int nc, int kc, float alpha, float[] a, int aAt, int aStep,
            float[] src, int srcOff, int srcLd) {
        int p = 0;
        for (; p + 3 < kc; p += 4) {
            float a0 = alpha * a[aAt + p * aStep];
            float a1 = alpha * a[aAt + (p + 1) * aStep];
            float a2 = alpha * a[aAt + (p + 2) * aStep];
            float a3 = alpha * a[aAt + (p + 3) * aStep];
            int b0 = srcOff + p * srcLd;
            int b1 = b0 + srcLd;
            int b2 = b1 + srcLd;
            int b3 = b2 + srcLd;
            for (int j = 0; j < nc; j++) {
                c[cAt + j] += a0 * src[b0 + j] + a1 * src[b1 + j] + a2 * src[b2 + j] + a3 * src[b3 + j];
            }
        }
        for (; p < kc; p++) {
            float a0 = alpha * a[aAt + p * aStep];
            int b0 = srcOff + p * srcLd;
            for (int j = 0; j < nc; j++) {
                c[cAt + j] += a0 * src[b0 + j];
            }
        }
    }

    /** Packs the [nc, kc] block of a row-major B (stride ldb) transposed into a dense [kc, nc] slab. */
    private static void pack(float[] b, int at, int ldb, int kc, int nc, float[] ws, int wsOff) {
        for (int j = 0; j < nc; j++) {
            int row = at + j * ldb;
            for (int p = 0; p < kc; p++) {
                ws[wsOff + p * nc + j] = b[row + p];
            }
        }
    }

    private static void scaleRows(float[] c, int cOff, int ldc, int from, int to, int n, float beta) {
        for (int i = from; i < to; i++) {
            int row = cOff + i * ldc;
            if (beta == 0f) {
                java.util.Arrays.fill(c, row, row + n, 0f);
            } else {
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
