package dev.rehearsal.strategy;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.LossCurves;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.replay.GenerativeReplay;
import dev.rehearsal.replay.ReplayBuffer;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Scenario;

/**
 * What a strategy runs with: the backend, the scenario, the resolved config, its random stream, its ledger and
 * the loss curves the training loop records.
 */
public record Context(Backend backend, Scenario scenario, ExperimentConfig config, Rng rng, Ledger ledger,
        Progress progress, LossCurves losses) {

    /** A context whose losses are recorded step by step (windows of one step). */
    public Context(Backend backend, Scenario scenario, ExperimentConfig config, Rng rng, Ledger ledger,
            Progress progress) {
        this(backend, scenario, config, rng, ledger, progress, new LossCurves(scenario.taskCount(), 1));
    }

    public Preset preset() {
        return config.preset;
    }

    /** How samples enter a replay buffer ({@code selection}). */
    public ReplayBuffer.Selection selection() {
        return switch (config.selection) {
            case RANDOM -> ReplayBuffer.Selection.RANDOM;
            case RESERVOIR -> ReplayBuffer.Selection.RESERVOIR;
            case HERDING -> ReplayBuffer.Selection.HERDING;
        };
    }

    /** How current and replayed losses are weighted ({@code weighting}). */
    public ReplayScheduler.Weighting weighting() {
        return switch (config.weighting) {
            case TASKS -> ReplayScheduler.Weighting.TASKS;
            case EQUAL -> ReplayScheduler.Weighting.EQUAL;
        };
    }

    /** When generated replay is made ({@code generation}). */
    public ReplayScheduler.Mode generation() {
        return switch (config.generation) {
            case ON_THE_FLY -> ReplayScheduler.Mode.ON_THE_FLY;
            case POOL -> ReplayScheduler.Mode.POOL;
        };
    }

    /** How generated replay is labelled ({@code replay-targets}). */
    public GenerativeReplay.Targets replayTargets() {
        return switch (config.replayTargets) {
            case HARD -> GenerativeReplay.Targets.HARD;
            case SOFT -> GenerativeReplay.Targets.SOFT;
        };
    }

    public OptimizerConfig solverOptimizer() {
        return optimizer(config.lr);
    }

    public OptimizerConfig generatorOptimizer() {
        return optimizer(config.vaeLr);
    }

    private OptimizerConfig optimizer(double lr) {
        OptimizerConfig base = switch (config.optimizer) {
            case SGD -> OptimizerConfig.sgd(lr, config.momentum);
            case ADAM -> OptimizerConfig.adam(lr);
        };
        return base.withSchedule(dev.rehearsal.optim.LrSchedule.parse(config.lrSchedule));
    }
}
