package dev.rehearsal.optim;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.tensor.Tensor;

/**
 * Updates a whole parameter block from its gradient block in one backend call per step. The state block
 * (Adam: m then v; SGD: the velocity) is allocated by the model, next to its parameters.
 */
public final class Optimizer {
    private final Backend backend;
    private final OptimizerConfig config;
    private final Tensor params;
    private final Tensor grads;
    private final Tensor state;
    /** Adam's moments: the two halves of the state block. */
    private final Tensor m;
    private final Tensor v;
    /** Run before every step: makes the gradient block whole (a model's deferred zeroing, see Model.zeroGrad). */
    private final Runnable settle;
    private long steps;

    /**
     * {@code params}, {@code grads} dense [1, P]; {@code state} dense [1, k*P] for k state floats per param;
     * {@code settle} runs before every step, before the gradients are read (a model's deferred zeroing of the
     * gradients its backward pass did not write: {@code Model.zeroGrad}).
     */
    public Optimizer(Backend backend, OptimizerConfig config, Tensor params, Tensor grads, Tensor state,
            Runnable settle) {
        long p = params.numel();
        if (grads.numel() != p || (state == null ? 0 : state.numel()) != p * config.stateFloatsPerParam()) {
            throw new IllegalArgumentException("optimiser blocks do not match: params " + params + ", grads " + grads
                    + ", state " + state);
        }
        this.backend = backend;
        this.config = config;
        this.params = params;
        this.grads = grads;
        this.state = state;
        this.settle = settle;
        if (config.kind() == OptimizerConfig.Kind.ADAM) {
            int n = (int) p;
            Tensor flat = state.reshape(1, 2 * n);
            this.m = flat.cols(0, n);
            this.v = flat.cols(n, 2 * n);
        } else {
            this.m = null;
            this.v = null;
        }
    }

    public OptimizerConfig config() {
        return config;
    }

    /** Steps taken since creation or the last {@link #reset()}. */
    public long steps() {
        return steps;
    }

    /** The learning rate the next step will use. */
    public double currentLr() {
        return config.schedule().lr(config.lr(), steps);
    }

    public void step() {
        settle.run();
        double lr = currentLr();
        switch (config.kind()) {
            case ADAM -> {
                long t = steps + 1;
                double bias1 = 1 - Math.pow(config.beta1(), t);
                double bias2 = 1 - Math.pow(config.beta2(), t);
                backend.adamStep(params, grads, m, v, (float) config.beta1(), (float) config.beta2(),
                        (float) config.eps(), (float) (lr / bias1), (float) (1 / Math.sqrt(bias2)),
                        (float) config.weightDecay());
            }
            case SGD -> backend.sgdStep(params, grads, state, (float) lr, (float) config.momentum(),
                    (float) config.weightDecay());
        }
        steps++;
    }

    /** A fresh start: zero state and step count (used at task boundaries when configured). */
    public void reset() {
        if (state != null) {
            backend.fill(state, 0f);
        }
        steps = 0;
    }

    /** For checkpoints: restores the step count that goes with a restored state block. */
    public void restoreSteps(long savedSteps) {
        if (savedSteps < 0) {
            throw new IllegalArgumentException("negative step count " + savedSteps);
        }
        this.steps = savedSteps;
    }
}
