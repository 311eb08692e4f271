package dev.rehearsal.bench.backend.nativ;

import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.bench.Work;
import dev.rehearsal.bench.TrainStep;
import dev.rehearsal.bench.nn.TrainStepBench;
import dev.rehearsal.nn.Preset;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The MLP training step (as in {@code TrainStepBench}) under each arrangement of the native backend's two
 * thread pools on 2 threads: OpenBLAS's pthreads and oneDNN's OpenMP team both busy-wait when idle, so the
 * arrangement ({@code gemm-wait}) decides who spins while the other works:
 * <ul>
 *   <li>{@code dnnl-default}: GEMMs on oneDNN, OpenMP's default wait (spin a while, then sleep);</li>
 *   <li>{@code dnnl-passive}: GEMMs on oneDNN, idle OpenMP threads sleep at once;</li>
 *   <li>{@code dnnl-active}: GEMMs on oneDNN, idle OpenMP threads always spin;</li>
 *   <li>{@code dnnl-brief}: GEMMs on oneDNN, idle OpenMP threads spin under a millisecond, then sleep;</li>
 *   <li>{@code openblas-default}, {@code openblas-passive}: GEMMs on OpenBLAS; OpenMP (its team runs only our
 *       long elementwise passes then) at its default or passive.</li>
 * </ul>
 * Our own kernels run their long passes (Adam, fills, the VAE's loss) on the OpenMP team, the rest on the
 * calling thread. Work: as {@code TrainStepBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class ThreadArrangementBench {
    @Param({"dnnl-default", "dnnl-passive", "dnnl-active", "dnnl-brief", "openblas-default", "openblas-passive"})
    public String arrangement;

    @Param({"seed", "wide"})
    public String preset;

    @Param({"128"})
    public int batch;

    @Param({"2"})
    public int threads;

    private NativeBackend be;
    private TrainStep step;

    @Setup(Level.Trial)
    public void setUp() {
        int dash = arrangement.indexOf('-');
        if (dash < 0) {
            throw new IllegalArgumentException("arrangement '" + arrangement + "' is not gemm-wait, e.g. dnnl-passive");
        }
        GemmEngine gemm = GemmEngine.valueOf(arrangement.substring(0, dash).toUpperCase(Locale.ROOT));
        NativeRuntime.OmpWait wait = NativeRuntime.OmpWait.valueOf(arrangement.substring(dash + 1)
                .toUpperCase(Locale.ROOT));
        be = new NativeBackend(threads, gemm, wait);
        step = TrainStep.open("mlp", be, Preset.parse(preset), batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
        be.close();
    }

    @Benchmark
    public double mlpStep() {
        return step.run();
    }

    /** Work of one step with these parameters. */
    public static Work work(String method, Map<String, String> params) {
        return TrainStepBench.work("mlp", Preset.parse(params.get("preset")), Integer.parseInt(params.get("batch")));
    }
}
