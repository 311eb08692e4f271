package dev.rehearsal.sweep;

import dev.rehearsal.config.ExperimentConfig;

import dev.rehearsal.nn.MlpSpec;
import dev.rehearsal.config.ScenarioType;

/**
 * What {@code sweep --dry-run} says an experiment will cost before it runs. MACs are an <em>estimate</em> from
 * the solver's layer shapes (full head) and the rows the config trains and evaluates: current samples only, so
 * a lower bound for strategies that replay (replayed rows add up to replay-ratio times the solver's share) or
 * train a generator (several times more); the records carry the exact counts once the experiment has run.
 * Bytes are exact: the solver's float32 parameters and the data set's uint8 images.
 */
record Cost(long solverMacs, long evaluationMacs, long parameterBytes, long datasetBytes) {
    /** MNIST and Fashion-MNIST: 60,000 training and 10,000 test images of 28 x 28. */
    static final long TRAIN = 60_000;
    static final long TEST = 10_000;

    static Cost of(ExperimentConfig c) {
        MlpSpec mlp = c.preset.mlp();
        int classes = c.dataset.classes();
        int tasks = c.taskCount();
        int outputs = c.scenario == ScenarioType.PERMUTED ? classes : c.classCount();
        int[] widths = new int[mlp.hidden().length + 2];
        widths[0] = mlp.input();
        System.arraycopy(mlp.hidden(), 0, widths, 1, mlp.hidden().length);
        widths[widths.length - 1] = outputs;
        long forward = 0;
        long params = 0;
        for (int l = 0; l + 1 < widths.length; l++) {
            forward += (long) widths[l] * widths[l + 1];
            params += (long) widths[l] * widths[l + 1] + widths[l + 1];
        }
        // Forward, weight gradient, and input gradient of every layer but the first (TrainStepMacsTest).
        long perTrainedRow = 2 * forward + (forward - (long) widths[0] * widths[1]);
        long trainPerTask = c.scenario == ScenarioType.PERMUTED ? TRAIN : TRAIN * c.classesPerTask / classes;
        long testPerTask = c.scenario == ScenarioType.PERMUTED ? TEST : TEST * c.classesPerTask / classes;
        if (c.trainLimit > 0) {
            trainPerTask = Math.min(trainPerTask, c.trainLimit);
        }
        if (c.testLimit > 0) {
            testPerTask = Math.min(testPerTask, c.testLimit);
        }
        long rowsPerTask = c.iterations > 0 ? (long) c.iterations * c.batch : trainPerTask * c.epochs;
        long solver = tasks * rowsPerTask * perTrainedRow;
        // R: every task's test set after every task, and once before training (b).
        long evaluation = (long) (tasks + 1) * tasks * testPerTask * forward;
        return new Cost(solver, evaluation, params * 4, (TRAIN + TEST) * 784);
    }

    long macs() {
        return solverMacs + evaluationMacs;
    }
}
