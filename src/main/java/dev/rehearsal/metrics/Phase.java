package dev.rehearsal.metrics;

import java.util.Locale;

/** Where a run spends its time and compute. */
public enum Phase {
    SOLVER_TRAINING,
    GENERATOR_TRAINING,
    /** Drawing replay samples from a generator and labelling them with the previous classifier. */
    GENERATION,
    EVALUATION,
    /** Drawing the replay samples a report shows after each task: not part of training. */
    REPORT;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
