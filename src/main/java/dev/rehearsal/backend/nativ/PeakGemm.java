package dev.rehearsal.backend.nativ;

import static org.bytedeco.dnnl.global.dnnl.dnnl_sgemm;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

import dev.rehearsal.random.Rng;
import java.util.Arrays;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The machine's limit as {@code bench} measures it beside the train steps: a square SGEMM
 * {@code C [N, N] = A [N, N] · B [N, N]} (N = 1024) through oneDNN's {@code dnnl_sgemm}, on the threads the
 * native runtime was started with, on off-heap buffers allocated here and freed before it returns. The JMH
 * {@code PeakGemmBench} measures the same GEMM with forks and warm-up iterations.
 */
public final class PeakGemm {
    /** The side of the square GEMM. */
    public static final int N = 1024;

    private PeakGemm() {
    }

    /** The median GFLOP/s (2 N^3 FLOPs per GEMM) of {@code rounds} rounds of {@code reps} GEMMs, after a warm-up. */
    public static double gflops(int reps, int rounds) {
        NativeRuntime.requireInit();
        long elements = (long) N * N;
        float[] values = new float[(int) elements];
        Rng rng = new Rng(5);
        try (FloatPointer a = new FloatPointer(elements); FloatPointer b = new FloatPointer(elements);
                FloatPointer c = new FloatPointer(elements)) {
            rng.fillUniform(values, 0, values.length, -1, 1);
            a.put(values);
            rng.fillUniform(values, 0, values.length, -1, 1);
            b.put(values);
            for (int i = 0; i < reps; i++) {
                sgemm(a, b, c);
            }
            double[] rates = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < reps; i++) {
                    sgemm(a, b, c);
                }
                double seconds = (System.nanoTime() - t) / 1e9;
                rates[r] = 2.0 * N * N * N * reps / seconds / 1e9;
            }
            Arrays.sort(rates);
            return rates[rounds / 2];
        }
    }

    private static void sgemm(FloatPointer a, FloatPointer b, FloatPointer c) {
        int status = dnnl_sgemm((byte) 'N', (byte) 'N', N, N, N, 1f, a, N, b, N, 0f, c, N);
        if (status != dnnl_success) {
            throw new IllegalStateException("dnnl_sgemm failed with status " + status);
        }
    }
}
