package dev.rehearsal.bench.random;

import dev.rehearsal.bench.Work;
import dev.rehearsal.random.Rng;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@code Rng.fillGaussian} of {@code n} floats: the prior draws of one generated batch of 128 (seed VAE,
 * Z = 8: 1,024; wide VAE, Z = 100: 12,800), the share of {@code GenerationBench} spent in Java before any
 * native work. Work: {@code n} gaussians.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class GaussianNoiseBench {
    @Param({"1024", "12800"})
    public int n;

    private Rng rng;
    private float[] out;

    @Setup(Level.Trial)
    public void setUp() {
        rng = new Rng(9);
        out = new float[n];
    }

    @Benchmark
    public float[] fillGaussian() {
        rng.fillGaussian(out, 0, n);
        return out;
    }

    /** Work of one fill with these parameters. */
    public static Work work(String method, Map<String, String> params) {
        return new Work(Integer.parseInt(params.get("n")), "gaussians", 0);
    }
}
