package dev.rehearsal.strategy;

import dev.rehearsal.config.Option;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Synaptic intelligence (Zenke, Poole and Ganguli 2017), as van de Ven's continual-learning code runs it: a
 * path-integral importance per parameter and a quadratic penalty toward the previous tasks' parameters. The
 * arithmetic is {@link PathIntegral}'s (documented there); this strategy applies it to the solver. The anchor is
 * taken in {@link #beforeTask} after the head grew, so that a newly activated output row starts its path from
 * its initial values, as rows of van de Ven's fixed-size head do.
 */
public final class SynapticIntelligence extends Strategy {
    /**
     * van de Ven et al. 2022, params/param_values.py ({@code si_c}): the published c per setting for Split MNIST,
     * and for Permuted MNIST on a permuted scenario (10 in the task and domain settings, chosen on seed 1 by
     * compare_hyperParams.py, all_results.sh; 5 in the class setting, the file's default for experiments other
     * than Split MNIST).
     */
    public static final Option C = Option.number("si-c", 5000, 0, false, 1e12,
            "SI: strength c of the surrogate loss c sum Omega (theta - theta*)^2; the defaults are van de Ven et "
                    + "al.'s (params/param_values.py) for Split MNIST, and for Permuted MNIST on a permuted scenario")
            .withSettingDefaults(Map.of("class", 5000.0, "task", 10.0, "domain", 50000.0))
            .withScenarioDefaults("permuted", Map.of("class", 5.0, "task", 10.0, "domain", 10.0));
    /** van de Ven's params/options.py {@code --epsilon}, default 0.1 (Zenke et al. use 0.1 too). */
    public static final Option EPSILON = Option.number("si-epsilon", 0.1, 0, true, 1e3,
            "SI: damping xi of Omega += omega / ((theta - theta_start)^2 + xi), bounding unmoved parameters'");
    public static final StrategyType TYPE = new StrategyType("si",
            "Synaptic intelligence: a path-integral importance-weighted penalty toward earlier tasks' parameters "
                    + "(--si-c).",
            List.of(C, EPSILON), SynapticIntelligence::new);

    private final ReplayScheduler none = ReplayScheduler.none();
    private final PathIntegral path;
    private final float c;
    private final float xi;

    public SynapticIntelligence(Context ctx) {
        super(ctx, 0);
        this.c = (float) ctx.config().number(C);
        this.xi = (float) ctx.config().number(EPSILON);
        this.path = new PathIntegral(ctx.backend(), solver,
                register(new ParameterState(ctx.backend(), "si", "si state", solver)));
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    /** After the head grew: the path starts here ({@code theta_start = theta_before = theta}). */
    @Override
    public void beforeTask(Task task) {
        super.beforeTask(task);
        path.beginTask();
    }

    @Override
    public void train(Task task) {
        learner.trainSolver(solver, List.of(task), task.index() + 1, none, null);
    }

    @Override
    public double parameterPenalty(Mlp s, int taskNumber) {
        return path.penalty(c);
    }

    @Override
    public void afterOptimizerStep(Mlp s, int taskNumber) {
        path.step();
    }

    @Override
    public void afterTask(Task task) {
        path.consolidate(xi);
    }

    /** {@code Omega [1, P]} (for tests and reports). */
    public Tensor importance() {
        return path.importance();
    }

    public Tensor anchor() {
        return path.anchor();
    }

    /** The importance and the anchor, once a task has been consolidated: what SI remembers earlier tasks by. */
    @Override
    public long replayMemoryBytes() {
        return path.rememberedBytes();
    }
}
