package dev.rehearsal.backend.nativ;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.backend.jvm.JvmBackend;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The bfloat16 peak that {@code bench} sets bf16 steps against computes the product it claims: C = A · B on A and B
 * rounded to bfloat16 (the jvm specification's rounding), summed in float32, against a double-precision sum over
 * the same rounded operands. Where the CPU has no native bfloat16 matmul it refuses to start, in one sentence.
 */
class PeakBf16GemmTest {
    @BeforeAll
    static void start() {
        Backends.nativ();
    }

    @Test
    void productIsTheRoundedOperandsProduct() {
        if (!NativeRuntime.hasBf16()) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new PeakBf16Gemm(new PeakGemm(8, 0), 0));
            assertTrue(e.getMessage().startsWith("this CPU has no native bfloat16 matmul"), e.getMessage());
            return;
        }
        int n = 96;
        try (PeakGemm f32 = new PeakGemm(n, 0); PeakBf16Gemm half = new PeakBf16Gemm(f32, 0)) {
            float[] a = new float[n * n];
            float[] b = new float[n * n];
            float[] c = new float[n * n];
            f32.a().get(a);
            f32.b().get(b);
            f32.c().put(new float[n * n]);
            half.product();
            f32.c().get(c);
            double worst = 0;
            int rounded = 0;
            for (int i = 0; i < n * n; i++) {
                if (JvmBackend.toBf16(a[i]) != a[i]) {
                    rounded++;
                }
            }
            // The operands are uniform floats: nearly all of them lose bits to bfloat16, so a product of the float32
            // operands is told apart (below: its distance from C is far above the tolerance).
            assertTrue(rounded > n * n * 9 / 10, "rounded operands: " + rounded);
            double unroundedWorst = 0;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    double unrounded = 0;
                    for (int k = 0; k < n; k++) {
                        sum += (double) JvmBackend.toBf16(a[i * n + k]) * JvmBackend.toBf16(b[k * n + j]);
                        unrounded += (double) a[i * n + k] * b[k * n + j];
                    }
                    worst = Math.max(worst, Math.abs(sum - c[i * n + j]));
                    unroundedWorst = Math.max(unroundedWorst, Math.abs(unrounded - c[i * n + j]));
                }
            }
            // Products of two bfloat16 values are exact in float32; what is left is float32 summation of 96 terms
            // of magnitude below 1 (measured: about 2e-6).
            assertTrue(worst < 1e-5, "worst |C - reference| " + worst);
            assertTrue(unroundedWorst > 1e-3, "worst |C - product of the float32 operands| " + unroundedWorst);
        }
    }
}
