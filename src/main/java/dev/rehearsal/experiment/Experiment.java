package dev.rehearsal.experiment;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.AccuracyMatrix;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.strategy.Context;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategies;
import dev.rehearsal.strategy.Strategy;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Runs one strategy through one scenario: measures the random model ({@code b}), then for every task
 * trains it and tests the solver on every task (a row of R).
 */
public final class Experiment {
    private Experiment() {
    }

    /** Builds the scenario the config describes over loaded datasets. */
    public static Scenario scenario(ExperimentConfig c, Backend backend, Dataset train, Dataset test) {
        Setting setting = Setting.parse(c.setting);
        boolean grow = c.head.equals("grow");
        return c.scenario.equals("permuted")
                ? Scenario.permuted(backend, train, test, c.tasks, setting, grow, c.trainLimit, c.seed)
                : Scenario.split(train, test, c.classOrderArray(), c.classesPerTask, setting, grow, c.trainLimit,
                        c.seed);
    }

    /**
     * Runs {@code c.strategy} with {@code c.seed}. {@code afterTask} sees the accuracy matrix after each
     * task (for saving partial results).
     */
    public static RunResult run(ExperimentConfig c, Backend backend, Scenario scenario, Progress progress,
            Consumer<AccuracyMatrix> afterTask) {
        long start = System.nanoTime();
        Ledger ledger = new Ledger();
        Context ctx = new Context(backend, scenario, c, new Rng(c.seed), ledger, progress);
        int tasks = scenario.taskCount();
        AccuracyMatrix acc = new AccuracyMatrix(tasks);
        try (Strategy s = Strategies.create(c.strategy, ctx)) {
            acc.setInitial(evaluate(s, scenario));
            for (Task task : scenario.tasks()) {
                s.beforeTask(task);
                s.train(task);
                s.afterTask(task);
                double[] row = evaluate(s, scenario);
                acc.setRow(task.index(), row);
                progress.log(String.format(Locale.ROOT, "%s seed %d task %d/%d: accuracy %s, ACC so far %.4f",
                        s.name(), c.seed, task.index() + 1, tasks, format(row, task.index()), acc.acc()));
                if (afterTask != null) {
                    afterTask.accept(acc);
                }
            }
            long datasetBytes = scenario.train().imageBytes() + scenario.test().imageBytes()
                    + scenario.permutationBytes();
            return new RunResult(s.name(), c.seed, acc, ledger, s.memory(), s.heapMemory(), datasetBytes,
                    (System.nanoTime() - start) / 1e9);
        }
    }

    private static double[] evaluate(Strategy s, Scenario scenario) {
        double[] row = new double[scenario.taskCount()];
        for (Task t : scenario.tasks()) {
            row[t.index()] = s.accuracy(t);
        }
        return row;
    }

    private static String format(double[] row, int upTo) {
        StringBuilder b = new StringBuilder("[");
        for (int j = 0; j <= upTo; j++) {
            b.append(j > 0 ? " " : "").append(String.format(Locale.ROOT, "%.3f", row[j]));
        }
        return b.append(']').toString();
    }
}
