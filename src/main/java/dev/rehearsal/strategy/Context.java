package dev.rehearsal.strategy;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.LossCurves;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
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
        return Preset.parse(config.preset);
    }

    public OptimizerConfig solverOptimizer() {
        return optimizer(config.lr);
    }

    public OptimizerConfig generatorOptimizer() {
        return optimizer(config.vaeLr);
    }

    private OptimizerConfig optimizer(double lr) {
        OptimizerConfig base = config.optimizer.equals("sgd") ? OptimizerConfig.sgd(lr, config.momentum)
                : OptimizerConfig.adam(lr);
        return base.withSchedule(dev.rehearsal.optim.LrSchedule.parse(config.lrSchedule));
    }
}
