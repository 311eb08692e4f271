package dev.rehearsal.bench.nn;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.bench.Operands;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.MlpSpec;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Tensor;

/**
 * An MLP classifier and one fixed batch ({@code x [B, 784]} in [0, 1), labels in [0, 10)), stepped as the
 * trainer steps it: zero gradients, forward, softmax cross-entropy, backward, Adam.
 *
 * <p>The learning rate is {@link #BENCH_LR}: the step does exactly the same work as at any rate (the Adam
 * kernel runs the same instructions), but the parameters stay at their initial scale over the hundreds of
 * thousands of steps a benchmark makes on one batch, instead of overfitting it until gradients and Adam's
 * second moments underflow into denormals (which would time a state real training never reaches).
 */
public final class MlpTrainStep implements TrainStep {
    /** Small enough that parameters do not drift during a benchmark; see the class comment. */
    public static final double BENCH_LR = 1e-9;

    private final Backend backend;
    private final int batch;
    private final Mlp mlp;
    private final Arena arena;
    private final Tensor labels;  // I32 [B, 1]

    public MlpTrainStep(Backend backend, Preset preset, int batch) {
        this.backend = backend;
        this.batch = batch;
        MlpSpec spec = preset.mlp();
        Rng rng = new Rng(1);
        this.mlp = new Mlp(backend, "bench-mlp", spec, batch, OptimizerConfig.adam(BENCH_LR), rng);
        this.arena = backend.newArena("bench-mlp-labels");
        try {
            mlp.input(batch).copyFrom(Operands.uniform(rng, batch * spec.input(), 0, 1));
            this.labels = Operands.labels(arena, batch, spec.outputCapacity(), rng);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    @Override
    public double run() {
        mlp.zeroGrad();
        mlp.forward(batch);
        double loss = backend.crossEntropy(mlp.logitsGrad(batch), mlp.logits(batch), labels, 0, mlp.outputs(),
                1f / batch);
        mlp.backward(batch);
        mlp.optimizer().step();
        return loss;
    }

    @Override
    public void close() {
        mlp.close();
        arena.close();
    }
}
