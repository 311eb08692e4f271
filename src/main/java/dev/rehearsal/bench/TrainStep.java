package dev.rehearsal.bench;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Model;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;

/**
 * A preset's MLP or VAE with one fixed batch (pixels uniform in [0, 1), labels uniform over the outputs),
 * stepped as the trainer steps it. Shared by {@code rehearsal bench} and the JMH benchmarks.
 *
 * <p>The learning rate is {@link #BENCH_LR}: a step does the same work at any rate, but the parameters stay
 * at their initial scale over the hundreds of thousands of steps a benchmark takes on one batch, instead of
 * overfitting it until gradients and Adam's moments underflow into denormals (a state real training never
 * reaches, and slower).
 */
public abstract class TrainStep implements AutoCloseable {
    /** Small enough that parameters do not drift during a benchmark; see the class comment. */
    public static final double BENCH_LR = 1e-9;

    protected final Backend backend;
    protected final int batch;

    private TrainStep(Backend backend, int batch) {
        this.backend = backend;
        this.batch = batch;
    }

    /** The preset's {@code model} ("mlp" or "vae") on {@code backend}, planned for batches of {@code batch}. */
    public static TrainStep open(String model, Backend backend, Preset preset, int batch) {
        return switch (model) {
            case "mlp" -> new MlpStep(backend, preset, batch);
            case "vae" -> new VaeStep(backend, preset, batch);
            default -> throw new IllegalArgumentException("unknown model '" + model + "': use mlp or vae");
        };
    }

    /** One training step; returns its loss. */
    public final double run() {
        return run(null);
    }

    /**
     * One training step; when {@code nanos} is not null, adds the time of each of its {@link #phases()} to
     * the matching element (its {@link #timedOn clock} read around each part, nothing else changes). Returns its
     * loss.
     */
    public abstract double run(long[] nanos);

    /** The parts of a step {@link #run(long[])} times, in order. */
    public abstract java.util.List<String> phases();

    private Clock clock = Clock.WALL;

    /** Times the parts of {@link #run(long[])} on {@code c} from now on (the wall clock until then). */
    public final TrainStep timedOn(Clock c) {
        clock = c;
        return this;
    }

    /** Adds the time since {@code since} to {@code nanos[i]} (if timing) and returns now. */
    final long lap(long[] nanos, int i, long since) {
        if (nanos == null) {
            return 0;
        }
        long now = clock.nanos();
        nanos[i] += now - since;
        return now;
    }

    final long start(long[] nanos) {
        return nanos == null ? 0 : clock.nanos();
    }

    /**
     * Runs one step and returns the MACs its GEMMs issued, as the backend counted them (forward, weight
     * gradients, and the input gradients of every layer but the first): the work a step does.
     */
    public final long measureMacs() {
        long before = backend.macs();
        run();
        return backend.macs() - before;
    }

    /** The model stepped. */
    public abstract Model model();

    /** Frees the model and its data (not the backend). */
    @Override
    public abstract void close();

    static float[] pixels(Rng rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rng.nextDouble();
        }
        return x;
    }

    /** zero_grad, forward, softmax cross-entropy, backward, Adam. */
    private static final class MlpStep extends TrainStep {
        private final Mlp mlp;
        private final Arena arena;
        private final Tensor labels; // I32 [B, 1]

        MlpStep(Backend backend, Preset preset, int batch) {
            super(backend, batch);
            Rng rng = new Rng(1);
            this.mlp = new Mlp(backend, "bench-mlp", preset.mlp(), batch, OptimizerConfig.adam(BENCH_LR), rng);
            this.arena = backend.newArena("bench-mlp-labels");
            try {
                mlp.input(batch).copyFrom(pixels(rng, batch * preset.mlp().input()));
                labels = Tensor.of(arena.allocate("labels", DType.I32, batch), batch, 1);
                int[] y = new int[batch];
                for (int i = 0; i < batch; i++) {
                    y[i] = rng.nextInt(mlp.outputs());
                }
                labels.copyFrom(y);
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        @Override
        public double run(long[] nanos) {
            long t = start(nanos);
            mlp.zeroGrad();
            t = lap(nanos, 0, t);
            mlp.forward(batch);
            t = lap(nanos, 1, t);
            double loss = backend.crossEntropy(mlp.logitsGrad(batch), mlp.logits(batch), labels, 0, mlp.outputs(),
                    1f / batch);
            t = lap(nanos, 2, t);
            mlp.backward(batch);
            t = lap(nanos, 3, t);
            mlp.optimizer().step();
            lap(nanos, 4, t);
            return loss;
        }

        @Override
        public java.util.List<String> phases() {
            return java.util.List.of("zero_grad", "forward", "loss", "backward", "optimizer");
        }

        @Override
        public Model model() {
            return mlp;
        }

        @Override
        public void close() {
            mlp.close();
            arena.close();
        }
    }

    /** Noise, zero_grad, forward, negative ELBO, backward, Adam. */
    private static final class VaeStep extends TrainStep {
        private final Vae vae;
        private final Rng noise = new Rng(2);

        VaeStep(Backend backend, Preset preset, int batch) {
            super(backend, batch);
            Rng rng = new Rng(1);
            this.vae = new Vae(backend, "bench-vae", preset.vae(), batch, OptimizerConfig.adam(BENCH_LR), rng);
            try {
                vae.image(batch).copyFrom(pixels(rng, batch * preset.vae().input()));
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        @Override
        public double run(long[] nanos) {
            long t = start(nanos);
            vae.sampleNoise(batch, noise);
            t = lap(nanos, 0, t);
            vae.zeroGrad();
            t = lap(nanos, 1, t);
            vae.forward(batch);
            t = lap(nanos, 2, t);
            double loss = vae.loss(0, batch, 1f / batch);
            t = lap(nanos, 3, t);
            vae.backward(batch);
            t = lap(nanos, 4, t);
            vae.optimizer().step();
            lap(nanos, 5, t);
            return loss;
        }

        @Override
        public java.util.List<String> phases() {
            return java.util.List.of("noise", "zero_grad", "forward", "loss", "backward", "optimizer");
        }

        @Override
        public Model model() {
            return vae;
        }

        @Override
        public void close() {
            vae.close();
        }
    }
}
