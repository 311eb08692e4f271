package dev.rehearsal.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * What one task cost, recorded after it: the task's number (1-based, as the report shows it), the solver's
 * parameter bytes, the bytes the strategy keeps to remember earlier tasks (stored samples, or generator and
 * frozen models), everything the strategy holds, the MACs spent learning this task, and the MACs of one plain
 * forward and backward pass of the solver over the task's own training data (the baseline of computational
 * efficiency). Written to results files under the snake_case names below.
 */
public record TaskRecord(@JsonProperty("task") int task,
        @JsonProperty("solver_parameter_bytes") long solverParameterBytes,
        @JsonProperty("replay_bytes") long replayBytes,
        @JsonProperty("strategy_bytes") long strategyBytes,
        @JsonProperty("training_macs") long trainingMacs,
        @JsonProperty("one_pass_macs") long onePassMacs,
        @JsonProperty("train_samples") long trainSamples) {
}
