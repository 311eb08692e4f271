package dev.rehearsal.strategy;

import dev.rehearsal.config.Option;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Synaptic intelligence (Zenke, Poole and Ganguli 2017), as van de Ven's continual-learning code runs it.
 * During a task every step adds its parameter's share of the loss decrease to a path integral,
 * {@code omega += -g (theta - theta_before)} with {@code g} the gradient the step used (the task loss's plus
 * the penalty's, as there), in {@link #afterOptimizerStep}. At the end of the task it becomes importance,
 * {@code Omega += omega / ((theta - theta_start)^2 + xi)}, and the parameters become the anchor
 * {@code theta*}. Later steps add {@code c sum_i Omega_i (theta_i - theta*_i)^2}: van de Ven's surrogate loss
 * has no factor 1/2 (gradient {@code 2 c Omega (theta - theta*)}), so the backend's
 * {@code lambda / 2}-penalty is called with {@code lambda = 2c}.
 *
 * <p>The anchor doubles as {@code theta_start}: both are the parameters at the start of the task (at the end
 * of the previous one, or the initial ones), taken in {@link #beforeTask} after the head grew, so that a
 * newly activated output row starts its path from its initial values, as rows of van de Ven's fixed-size
 * head do.
 */
public final class SynapticIntelligence extends Strategy {
    /** van de Ven et al. 2022, params/param_values.py: the published c for Split MNIST per setting. */
    public static final Option C = Option.number("si-c", 5000, 0, false, 1e12,
            "SI: strength c of the surrogate loss c sum Omega (theta - theta*)^2; the defaults are van de Ven et "
                    + "al.'s for Split MNIST")
            .withSettingDefaults(Map.of("class", 5000.0, "task", 10.0, "domain", 50000.0));
    /** van de Ven's params/options.py {@code --epsilon}, default 0.1 (Zenke et al. use 0.1 too). */
    public static final Option EPSILON = Option.number("si-epsilon", 0.1, 0, true, 1e3,
            "SI: damping xi of Omega += omega / ((theta - theta_start)^2 + xi), bounding unmoved parameters'");
    public static final StrategyType TYPE = new StrategyType("si",
            "Synaptic intelligence: a path-integral importance-weighted penalty toward earlier tasks' parameters "
                    + "(--si-c).",
            List.of(C, EPSILON), SynapticIntelligence::new);

    private final ReplayScheduler none = ReplayScheduler.none();
    private final ParameterState state;
    /** {@code Omega [1, P]}: importance accumulated over finished tasks. */
    private final Tensor importance;
    /** {@code theta* [1, P]}: the parameters at the start of this task (the end of the last one). */
    private final Tensor anchor;
    /** {@code omega [1, P]}: this task's path integral so far (zero between tasks). */
    private final Tensor omega;
    /** {@code theta_before [1, P]}: the parameters before the latest step. */
    private final Tensor previous;
    private final float c;
    private final float xi;

    public SynapticIntelligence(Context ctx) {
        super(ctx, 0);
        this.c = (float) ctx.config().number(C);
        this.xi = (float) ctx.config().number(EPSILON);
        this.state = register(new ParameterState(ctx.backend(), "si", "si state", solver));
        this.importance = state.parameterSized("importance", true);
        this.anchor = state.parameterSized("anchor", true);
        // Not kept: between tasks omega is zero and theta_before is retaken in beforeTask.
        this.omega = state.parameterSized("omega", false);
        this.previous = state.parameterSized("previous", false);
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    /** After the head grew: the path starts here ({@code theta_start = theta_before = theta}). */
    @Override
    public void beforeTask(Task task) {
        super.beforeTask(task);
        ctx.backend().copy(anchor, solver.parameterBlock());
        ctx.backend().copy(previous, solver.parameterBlock());
    }

    @Override
    public void train(Task task) {
        learner.trainSolver(solver, List.of(task), task.index() + 1, none, null);
    }

    /** Adds {@code c sum Omega (theta - theta*)^2} and its gradient once a task has been consolidated. */
    @Override
    public double parameterPenalty(Mlp s, int taskNumber) {
        if (!state.isConsolidated()) {
            return 0;
        }
        return ctx.backend().quadraticPenalty(s.gradientBlock(), s.parameterBlock(), anchor, importance, 2 * c);
    }

    /** {@code omega += -g (theta - theta_before)}; {@code theta_before = theta}. */
    @Override
    public void afterOptimizerStep(Mlp s, int taskNumber) {
        ctx.backend().pathIntegralStep(omega, s.gradientBlock(), s.parameterBlock(), previous);
    }

    /** {@code Omega += omega / ((theta - theta*)^2 + xi)}; {@code omega = 0}; {@code theta* = theta}. */
    @Override
    public void afterTask(Task task) {
        ctx.backend().consolidateImportance(importance, omega, solver.parameterBlock(), anchor, xi);
        state.consolidated();
    }

    /** {@code Omega [1, P]} (for tests and reports). */
    public Tensor importance() {
        return importance;
    }

    public Tensor anchor() {
        return anchor;
    }

    /** The importance and the anchor, once a task has been consolidated: what SI remembers earlier tasks by. */
    @Override
    public long replayMemoryBytes() {
        return state.rememberedBytes();
    }
}
