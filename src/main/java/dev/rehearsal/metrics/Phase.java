package dev.rehearsal.metrics;

import java.util.Locale;

/** Where a run spends its time and compute. */
public enum Phase {
    SOLVER_TRAINING,
    GENERATOR_TRAINING,
    /** Drawing replay samples from a generator and labelling them with the previous classifier. */
    GENERATION,
    EVALUATION,
    /**
     * A strategy's end-of-task work ({@code Strategy.afterTask}): a Fisher diagonal, importance weights,
     * exemplar selection, frozen copies. Part of learning: counted in the training MACs.
     */
    CONSOLIDATION,
    /** Drawing the replay samples a report shows after each task: not part of training. */
    REPORT;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
