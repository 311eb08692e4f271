package dev.rehearsal.strategy;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Model;
import dev.rehearsal.tensor.Tensor;

/**
 * Synaptic intelligence's bookkeeping for one model (Zenke, Poole and Ganguli 2017, as van de Ven's
 * continual-learning code runs it), so that SI is a strategy of its own ({@link SynapticIntelligence}) and a
 * part of others (brain-inspired replay with {@code --si}, over both halves of its network). During a task
 * every step adds its parameters' share of the loss decrease to a path integral,
 * {@code omega += -g (theta - theta_before)}, with {@code g} the gradient the step used (task loss plus
 * penalty). At the end of the task it becomes importance, {@code Omega += omega / ((theta - theta_start)^2 + xi)},
 * and the parameters become the anchor {@code theta*}. Later steps add {@code c sum_i Omega_i (theta_i -
 * theta*_i)^2}: van de Ven's surrogate loss has no factor 1/2 (gradient {@code 2 c Omega (theta - theta*)}), so
 * the backend's {@code lambda / 2}-penalty is called with {@code lambda = 2c}. The anchor doubles as
 * {@code theta_start}: both are the parameters at the start of the task.
 */
final class PathIntegral {
    private final Backend backend;
    private final Model model;
    private final ParameterState state;
    /** {@code Omega [1, P]}: importance accumulated over finished tasks. */
    private final Tensor importance;
    /** {@code theta* [1, P]}: the parameters at the start of this task (the end of the last one). */
    private final Tensor anchor;
    /** {@code omega [1, P]}: this task's path integral so far (zero between tasks). */
    private final Tensor omega;
    /** {@code theta_before [1, P]}: the parameters before the latest step. */
    private final Tensor previous;

    /** @param state the component holding the four blocks, registered by the caller (sized like {@code model}) */
    PathIntegral(Backend backend, Model model, ParameterState state) {
        this.backend = backend;
        this.model = model;
        this.state = state;
        this.importance = state.parameterSized("importance", true);
        this.anchor = state.parameterSized("anchor", true);
        // Not kept: between tasks omega is zero and theta_before is retaken at the start of each task.
        this.omega = state.parameterSized("omega", false);
        this.previous = state.parameterSized("previous", false);
    }

    /** At the start of a task (after a head grew): the path starts here, {@code theta* = theta_before = theta}. */
    void beginTask() {
        backend.copy(anchor, model.parameterBlock());
        backend.copy(previous, model.parameterBlock());
    }

    /** Adds {@code c sum Omega (theta - theta*)^2}'s gradient once a task was consolidated; returns its value. */
    double penalty(float c) {
        if (!state.isConsolidated()) {
            return 0;
        }
        return backend.quadraticPenalty(model.gradientBlock(), model.parameterBlock(), anchor, importance, 2 * c);
    }

    /** After an optimiser step: {@code omega += -g (theta - theta_before)}; {@code theta_before = theta}. */
    void step() {
        backend.pathIntegralStep(omega, model.gradientBlock(), model.parameterBlock(), previous);
    }

    /** At the end of a task: {@code Omega += omega / ((theta - theta*)^2 + xi)}; {@code omega = 0}; {@code theta* = theta}. */
    void consolidate(float xi) {
        backend.consolidateImportance(importance, omega, model.parameterBlock(), anchor, xi);
        state.consolidated();
    }

    Tensor importance() {
        return importance;
    }

    Tensor anchor() {
        return anchor;
    }

    /** The importance and the anchor once a task was consolidated (what SI remembers earlier tasks by). */
    long rememberedBytes() {
        return state.rememberedBytes();
    }
}
