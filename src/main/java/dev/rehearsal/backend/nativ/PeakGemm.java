package dev.rehearsal.backend.nativ;

import static org.bytedeco.dnnl.global.dnnl.dnnl_sgemm;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

import dev.rehearsal.random.Rng;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The machine's limit as {@code bench} measures it beside the train steps: a square SGEMM
 * {@code C [N, N] = A [N, N] · B [N, N]} (N = 1024) through oneDNN's {@code dnnl_sgemm}, on the threads the
 * native runtime was started with, on off-heap buffers this object owns until {@link #close}. The JMH
 * {@code PeakGemmBench} measures the same GEMM with forks and warm-up iterations.
 */
public final class PeakGemm implements AutoCloseable {
    /** The side of the square GEMM. */
    public static final int N = 1024;

    private final FloatPointer a;
    private final FloatPointer b;
    private final FloatPointer c;

    /** Allocates and fills the operands, and runs {@code warmUp} GEMMs. */
    public PeakGemm(int warmUp) {
        NativeRuntime.requireInit();
        long elements = (long) N * N;
        float[] values = new float[(int) elements];
        Rng rng = new Rng(5);
        a = new FloatPointer(elements);
        b = new FloatPointer(elements);
        c = new FloatPointer(elements);
        rng.fillUniform(values, 0, values.length, -1, 1);
        a.put(values);
        rng.fillUniform(values, 0, values.length, -1, 1);
        b.put(values);
        for (int i = 0; i < warmUp; i++) {
            sgemm();
        }
    }

    /** GFLOP/s (2 N^3 FLOPs per GEMM) of {@code reps} GEMMs in a row. */
    public double round(int reps) {
        long t = System.nanoTime();
        for (int i = 0; i < reps; i++) {
            sgemm();
        }
        return 2.0 * N * N * N * reps / ((System.nanoTime() - t) / 1e9) / 1e9;
    }

    private void sgemm() {
        int status = dnnl_sgemm((byte) 'N', (byte) 'N', N, N, N, 1f, a, N, b, N, 0f, c, N);
        if (status != dnnl_success) {
            throw new IllegalStateException("dnnl_sgemm failed with status " + status);
        }
    }

    @Override
    public void close() {
        a.deallocate();
        b.deallocate();
        c.deallocate();
    }
}
