package dev.rehearsal.bench.backend.jvm;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.bench.Operands;
import dev.rehearsal.bench.Work;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Arena;
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
 * The jvm-vs-naive ratio at the wide MLP's first layer, {@code y [128, 400] = x [128, 784] · w [400, 784]^T}
 * (no bias, no activation): {@link #naiveTripleLoop} is the NAIVE BASELINE, the textbook triple loop on
 * one thread, written here (the main code's reference loop is package-private); {@link #jvmLinearForward}
 * is {@code JvmBackend.linearForward} on the same shape, with {@code threads} workers. Both read and write
 * the same heap layout (row-major {@code float[]}). Work: 2 · B · IN · OUT FLOPs.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class NaiveGemmBench {
    static final int BATCH = 128;
    static final int IN = 784;
    static final int OUT = 400;

    /** The naive baseline's operands: plain arrays, one thread (no thread parameter to sweep). */
    @State(Scope.Thread)
    public static class Naive {
        float[] x;  // [B, IN]
        float[] w;  // [OUT, IN]
        float[] y;  // [B, OUT]

        @Setup(Level.Trial)
        public void setUp() {
            Rng rng = new Rng(42);
            x = Operands.uniform(rng, BATCH * IN, 0, 1);
            w = Operands.uniform(rng, OUT * IN, -1 / Math.sqrt(IN), 1 / Math.sqrt(IN));
            y = new float[BATCH * OUT];
        }
    }

    /** The jvm backend with its operands, the same values as {@link Naive}'s. */
    @State(Scope.Thread)
    public static class Jvm {
        @Param({"1", "2"})
        public int threads;

        JvmBackend be;
        Arena arena;
        Tensor x;   // [B, IN]
        Tensor w;   // [OUT, IN]
        Tensor y;   // [B, OUT]
        Tensor ws;  // [1, linearWorkspace(B, IN, OUT)]

        @Setup(Level.Trial)
        public void setUp() {
            be = new JvmBackend(threads);
            arena = be.newArena("naive-gemm-bench");
            Rng rng = new Rng(42);
            x = Operands.uniform(arena, "x", BATCH, IN, rng, 0, 1);
            w = Operands.uniform(arena, "w", OUT, IN, rng, -1 / Math.sqrt(IN), 1 / Math.sqrt(IN));
            y = Operands.zeros(arena, "y", BATCH, OUT);
            ws = Operands.zeros(arena, "workspace", 1, Math.toIntExact(be.linearWorkspace(BATCH, IN, OUT)));
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            arena.close();
            be.close();
        }
    }

    /**
     * THE NAIVE BASELINE: {@code y[i][j] = sum_p x[i][p] * w[j][p]}, i-j-p order, no blocking, no packing,
     * one thread, one float accumulator (so HotSpot cannot vectorise the reduction).
     */
    static void naiveLinear(float[] y, float[] x, float[] w, int batch, int in, int out) {
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < out; j++) {
                float s = 0f;
                for (int p = 0; p < in; p++) {
                    s += x[i * in + p] * w[j * in + p];
                }
                y[i * out + j] = s;
            }
        }
    }

    @Benchmark
    public float[] naiveTripleLoop(Naive s) {
        naiveLinear(s.y, s.x, s.w, BATCH, IN, OUT);
        return s.y;
    }

    @Benchmark
    public Tensor jvmLinearForward(Jvm s) {
        s.be.linearForward(s.y, s.x, s.w, null, Activation.NONE, s.ws);
        return s.y;
    }

    /** Work of one product (either method). */
    public static Work work(String method, Map<String, String> params) {
        return Work.flops(2.0 * BATCH * IN * OUT);
    }
}
