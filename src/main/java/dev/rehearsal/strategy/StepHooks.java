package dev.rehearsal.strategy;

import dev.rehearsal.nn.Mlp;

/**
 * What a strategy adds to the one training loop ({@link Learner}), called in this order in every solver step:
 * <ol>
 *   <li>the batch is assembled (current rows, then replayed rows) and the solver runs forward;</li>
 *   <li>the losses of the batch's segments write {@code dlogits};</li>
 *   <li>{@link #logitLoss}: extra terms on the logits (distillation, logit matching) add to {@code dlogits};</li>
 *   <li>backward accumulates every parameter's gradient, with {@link #featureGradient} added at the last hidden
 *   layer;</li>
 *   <li>{@link #parameterPenalty}: penalties on the parameters (EWC, SI) add to the gradient block;</li>
 *   <li>{@link #beforeOptimizerStep}: a transform of the whole gradient (A-GEM's projection);</li>
 *   <li>the optimiser steps;</li>
 *   <li>{@link #afterOptimizerStep}: per-step bookkeeping (SI's path integral).</li>
 * </ol>
 * End-of-task work (a Fisher diagonal, importance weights, exemplar selection, frozen copies) is
 * {@link Strategy#afterTask}. Every hook runs inside the solver-training phase of the ledger, so the GEMMs it
 * issues (a teacher's forward pass, a reference gradient) are counted there; like the step itself, a hook
 * must not allocate native memory or create primitives (prepare its shapes before the task's first step).
 * All hooks do nothing by default.
 */
public interface StepHooks {
    /** No hooks. */
    StepHooks NONE = new StepHooks() {
    };

    /**
     * Adds loss terms on the solver's logits of this step's {@code rows} rows (the first {@code current} are
     * the task's own samples): writes their gradient into {@code solver.logitsGrad(rows)} by adding to it, and
     * returns their value (0 if none).
     */
    default double logitLoss(Mlp solver, int rows, int current, int taskNumber) {
        return 0;
    }

    /**
     * A gradient {@code [rows, H_L]} to add to the solver's last hidden layer in backward (a second head on
     * those features: brain-inspired replay's VAE half, which ran its own backward in {@link #logitLoss}); null
     * for none.
     */
    default dev.rehearsal.tensor.Tensor featureGradient(Mlp solver, int rows) {
        return null;
    }

    /** Adds penalty gradients to {@code solver.gradientBlock()} after backward; returns the penalty's value. */
    default double parameterPenalty(Mlp solver, int taskNumber) {
        return 0;
    }

    /** Transforms {@code solver.gradientBlock()} in place before the optimiser uses it. */
    default void beforeOptimizerStep(Mlp solver, int taskNumber) {
    }

    /** Runs after the optimiser changed the parameters. */
    default void afterOptimizerStep(Mlp solver, int taskNumber) {
    }
}
