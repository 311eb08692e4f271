package dev.rehearsal.bench.nn;

import dev.rehearsal.bench.TrainStep;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.bench.Work;
import dev.rehearsal.bench.backend.BenchBackends;
import dev.rehearsal.nn.Preset;
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
 * One training step of the preset's MLP or VAE on a batch of {@code batch} samples: see {@link
 * dev.rehearsal.bench.TrainStep} (the main code's, shared with {@code rehearsal bench}) for exactly what a step does. Work: {@code batch} samples and
 * 2 · the MACs the step's GEMMs issue, measured by the backend's counter: forward and weight gradient of every
 * layer, input gradient of every layer but the first. Per sample: seed MLP 94,900, seed VAE 510,976, wide MLP
 * 1,119,200, wide VAE 2,888,000 (not 3 x the forward MACs: the first layer needs no input gradient).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class TrainStepBench {
    @Param({"mlp", "vae"})
    public String model;

    @Param({"seed", "wide"})
    public String preset;

    @Param({"128", "512"})
    public int batch;

    @Param({BenchBackends.NATIVE_DNNL, BenchBackends.NATIVE_DNNL_BF16, BenchBackends.JVM})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    private Backend be;
    private TrainStep step;

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchBackends.open(backend, threads);
        step = TrainStep.open(model, be, Preset.parse(preset), batch);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        step.close();
        be.close();
    }

    @Benchmark
    public double step() {
        return step.run();
    }

    /** Work of one step with these parameters. */
    public static Work work(String method, Map<String, String> params) {
        return work(params.get("model"), Preset.parse(params.get("preset")), Integer.parseInt(params.get("batch")));
    }

    /** {@code batch} samples and 2 · the MACs one step's GEMMs issue (measured) FLOPs. */
    public static Work work(String model, Preset preset, int batch) {
        return Work.samples(batch, 2.0 * ModelCounts.trainStepMacs(model, preset, batch));
    }
}
