package dev.rehearsal.bench.nn;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.bench.Work;
import dev.rehearsal.bench.backend.BenchBackends;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Tensor;
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
 * A replay batch from generative replay's generator: {@code Vae.generate} on a frozen copy of the preset's
 * VAE draws {@code batch} latent vectors from the prior (in Java, with {@link Rng}), decodes them and applies
 * the sigmoid. Work: {@code batch} samples and 2 · the MACs the decoder's GEMMs issue (measured; seed 101,376
 * per sample, wide 513,600). {@code GaussianNoiseBench} times the prior draws alone.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class GenerationBench {
    @Param({"seed", "wide"})
    public String preset;

    @Param({"128"})
    public int batch;

    @Param({BenchBackends.NATIVE_DNNL, BenchBackends.JVM})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    private Backend be;
    private Vae generator;
    private Rng rng;

    @Setup(Level.Trial)
    public void setUp() {
        be = BenchBackends.open(backend, threads);
        // As in generative replay: the trained model stays, a frozen copy generates.
        try (Vae trained = new Vae(be, "bench-vae", Preset.parse(preset).vae(), batch, OptimizerConfig.adam(1e-3),
                new Rng(1))) {
            generator = trained.frozenCopy("bench-generator", batch);
        }
        rng = new Rng(3);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        generator.close();
        be.close();
    }

    @Benchmark
    public Tensor generate() {
        return generator.generate(batch, rng, null, 0);
    }

    /** Work of one generated batch with these parameters. */
    public static Work work(String method, Map<String, String> params) {
        int batch = Integer.parseInt(params.get("batch"));
        return Work.samples(batch, 2.0 * ModelCounts.generationMacs(Preset.parse(params.get("preset")), batch));
    }
}
