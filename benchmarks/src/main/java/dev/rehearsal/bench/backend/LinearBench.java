package dev.rehearsal.bench.backend;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
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
 * One linear layer, {@code y [B, OUT] = relu(x [B, IN] · w [OUT, IN]^T + b)}, at every layer shape of the
 * presets ({@code shape} = IN x OUT):
 * <pre>
 * seed MLP  784x50 50x50 50x10              seed VAE  784x128 128x16 8x128 128x784
 * wide MLP  784x400 400x400 400x10          wide VAE  784x400 400x400 400x200 100x400 400x784
 * </pre>
 * {@link #forward} is {@code Backend.linearForward} (bias and ReLU fused); {@link #backward} is {@code
 * Backend.linearBackward} with an input gradient: {@code dx = dy · w}, {@code dw += dy^T · x}, {@code db +=
 * colsum(dy)}. Work: 2·B·IN·OUT FLOPs forward, 4·B·IN·OUT backward (bias terms not counted).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class LinearBench {
    @Param({BenchBackends.NATIVE_DNNL, BenchBackends.NATIVE_OPENBLAS, BenchBackends.JVM})
    public String backend;

    @Param({"1", "2"})
    public int threads;

    @Param({"128"})
    public int batch;

    @Param({"784x50", "50x50", "50x10", "784x128", "128x16", "8x128", "128x784", "784x400", "400x400", "400x10",
        "400x200", "100x400", "400x784"})
    public String shape;

    private Backend be;
    private Arena arena;
    private Tensor x;   // [B, IN]
    private Tensor w;   // [OUT, IN]
    private Tensor b;   // [1, OUT]
    private Tensor y;   // [B, OUT]
    private Tensor dy;  // [B, OUT]
    private Tensor dx;  // [B, IN]
    private Tensor dw;  // [OUT, IN]
    private Tensor db;  // [1, OUT]
    private Tensor ws;  // [1, linearWorkspace(B, IN, OUT)]

    @Setup(Level.Trial)
    public void setUp() {
        int in = in(shape);
        int out = out(shape);
        be = BenchBackends.open(backend, threads);
        arena = be.newArena("linear-bench");
        Rng rng = new Rng(42);
        double bound = 1 / Math.sqrt(in);
        x = Operands.uniform(arena, "x", batch, in, rng, 0, 1);
        w = Operands.uniform(arena, "w", out, in, rng, -bound, bound);
        b = Operands.uniform(arena, "b", 1, out, rng, -bound, bound);
        y = Operands.zeros(arena, "y", batch, out);
        dy = Operands.uniform(arena, "dy", batch, out, rng, -1.0 / batch, 1.0 / batch);
        dx = Operands.zeros(arena, "dx", batch, in);
        dw = Operands.zeros(arena, "dw", out, in);
        db = Operands.zeros(arena, "db", 1, out);
        ws = Operands.zeros(arena, "workspace", 1, Math.toIntExact(be.linearWorkspace(batch, in, out)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        arena.close();
        be.close();
    }

    @Benchmark
    public Tensor forward() {
        be.linearForward(y, x, w, b, Activation.RELU, ws);
        return y;
    }

    @Benchmark
    public Tensor backward() {
        be.linearBackward(dx, false, dw, true, db, dy, x, w, ws);
        return dw;
    }

    static int in(String shape) {
        return Integer.parseInt(shape.substring(0, shape.indexOf('x')));
    }

    static int out(String shape) {
        return Integer.parseInt(shape.substring(shape.indexOf('x') + 1));
    }

    /** Work of one call of {@code method} ("forward" or "backward") with these parameters. */
    public static Work work(String method, Map<String, String> params) {
        String s = params.get("shape");
        double macs = (double) Integer.parseInt(params.get("batch")) * in(s) * out(s);
        return Work.flops(method.equals("backward") ? 4 * macs : 2 * macs);
    }
}
