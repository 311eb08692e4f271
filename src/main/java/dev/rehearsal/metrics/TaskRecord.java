package dev.rehearsal.metrics;

/**
 * What one task cost, recorded after it: the solver's parameter bytes, the bytes the strategy keeps to
 * remember earlier tasks (stored samples, or generator and frozen models), everything the strategy holds,
 * the MACs spent learning this task, and the MACs of one plain forward and backward pass of the solver over
 * the task's own training data (the baseline of computational efficiency).
 */
public record TaskRecord(int task, long solverParameterBytes, long replayBytes, long strategyBytes, long trainingMacs,
        long onePassMacs, long trainSamples) {
}
