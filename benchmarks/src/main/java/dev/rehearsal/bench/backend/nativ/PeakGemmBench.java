package dev.rehearsal.bench.backend.nativ;

import static org.bytedeco.dnnl.global.dnnl.dnnl_sgemm;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.bench.Work;
import dev.rehearsal.random.Rng;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.FloatPointer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The machine's measured limit: a square SGEMM {@code C [N, N] = A [N, N] · B [N, N]} (row-major, no
 * transposes, N = 1024 by default) straight through the libraries, on off-heap {@code FloatPointer}s
 * allocated once: {@link #dnnlSgemm} calls oneDNN's {@code dnnl_sgemm}, {@link #dnnlMatmul} executes a oneDNN
 * matmul primitive built once in set-up (what the native backend's linear layers run), {@link
 * #openblasSgemm} calls OpenBLAS's {@code cblas_sgemm}. Work: 2 · N^3 FLOPs. The peak is the best of the
 * three at a thread count.
 *
 * <p>Threads: the native runtime is started through {@link NativeBackend} before either library is touched,
 * because OpenMP (oneDNN's runtime) reads {@code OMP_NUM_THREADS} when it loads; it also sets OpenBLAS's pool.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class PeakGemmBench {
    @Param({"1", "2"})
    public int threads;

    @Param({"1024"})
    public int n;

    private NativeBackend runtime;
    private FloatPointer a;  // [N, N]
    private FloatPointer b;  // [N, N]
    private FloatPointer c;  // [N, N]
    private DnnlMatmul matmul;

    @Setup(Level.Trial)
    public void setUp() {
        // Starts OpenMP and OpenBLAS with `threads` threads; the GEMM engine is irrelevant here.
        runtime = new NativeBackend(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.DEFAULT);
        long elements = (long) n * n;
        Rng rng = new Rng(5);
        a = filled(elements, rng);
        b = filled(elements, rng);
        c = new FloatPointer(elements);
        c.zero();
        matmul = new DnnlMatmul(n, n, n, a, b, c);
    }

    private static FloatPointer filled(long elements, Rng rng) {
        float[] values = new float[Math.toIntExact(elements)];
        rng.fillUniform(values, 0, values.length, -1, 1);
        return new FloatPointer(values);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        matmul.close();
        a.deallocate();
        b.deallocate();
        c.deallocate();
        runtime.close();
    }

    @Benchmark
    public FloatPointer dnnlSgemm() {
        int status = dnnl_sgemm((byte) 'N', (byte) 'N', n, n, n, 1f, a, n, b, n, 0f, c, n);
        if (status != dnnl_success) {
            throw new IllegalStateException("dnnl_sgemm failed with status " + status);
        }
        return c;
    }

    @Benchmark
    public FloatPointer dnnlMatmul() {
        matmul.execute();
        return c;
    }

    @Benchmark
    public FloatPointer openblasSgemm() {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1f, a, n, b, n, 0f, c, n);
        return c;
    }

    /** Work of one SGEMM with these parameters. */
    public static Work work(String method, Map<String, String> params) {
        double size = Integer.parseInt(params.get("n"));
        return Work.flops(2 * size * size * size);
    }
}
