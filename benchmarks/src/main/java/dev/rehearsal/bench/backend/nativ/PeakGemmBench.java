package dev.rehearsal.bench.backend.nativ;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.backend.nativ.PeakGemm;
import dev.rehearsal.bench.Work;
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
 * transposes, N = 1024 by default) straight through the libraries, on the off-heap operands of a
 * {@link PeakGemm} allocated once: {@link #dnnlSgemm} is its {@code dnnl_sgemm} (the peak {@code rehearsal
 * bench} measures beside its steps), {@link #dnnlMatmul} executes a oneDNN
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
    /** The operands and the dnnl_sgemm that rehearsal bench measures beside its steps. */
    private PeakGemm gemm;
    private DnnlMatmul matmul;

    @Setup(Level.Trial)
    public void setUp() {
        // Starts OpenMP and OpenBLAS with `threads` threads; the GEMM engine is irrelevant here.
        runtime = new NativeBackend(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.DEFAULT);
        gemm = new PeakGemm(n, 0);
        matmul = new DnnlMatmul(n, n, n, gemm.a(), gemm.b(), gemm.c());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        matmul.close();
        gemm.close();
        runtime.close();
    }

    @Benchmark
    public FloatPointer dnnlSgemm() {
        gemm.sgemm();
        return gemm.c();
    }

    @Benchmark
    public FloatPointer dnnlMatmul() {
        matmul.execute();
        return gemm.c();
    }

    @Benchmark
    public FloatPointer openblasSgemm() {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, n, n, 1f, gemm.a(), n, gemm.b(), n, 0f, gemm.c(),
                n);
        return gemm.c();
    }

    /** Work of one SGEMM with these parameters. */
    public static Work work(String method, Map<String, String> params) {
        double size = Integer.parseInt(params.get("n"));
        return Work.flops(2 * size * size * size);
    }
}
