package dev.rehearsal.strategy;

import dev.rehearsal.metrics.Eta;

/** Where long work reports how far it got (a terminal bar, log lines, or nothing). */
public interface Progress {
    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override
        public void begin(String label, long total) {
        }

        @Override
        public void advance(long done, long epoch, double loss) {
        }

        @Override
        public void end() {
        }

        @Override
        public void log(String line) {
        }
    };

    /** Starts a unit of work of {@code total} steps. */
    void begin(String label, long total);

    /** {@code done} of the current unit's steps are finished; the last step was in {@code epoch} with {@code loss}. */
    void advance(long done, long epoch, double loss);

    void end();

    /** A line worth keeping (a finished task's accuracies). */
    void log(String line);

    /**
     * Run {@code number} of {@code of} (1-based) of a multi-run command starts, named {@code name} (for example
     * "er seed 2"), of {@code strategy}; {@code after} are the runs still to come after it, with the work each will
     * do as estimated before it starts ({@code Experiment.plannedWork}); runs kept from an earlier, interrupted
     * command are counted but neither started nor to come. For an overall estimate of the time left.
     */
    default void run(String name, int number, int of, String strategy, java.util.List<Eta.Run> after) {
    }

    /** The work the run that started does in this process, as its ledger will count it. */
    default void planned(Eta.Work work) {
    }

    /**
     * A task of the current run finished: its line (accuracies so far) and the work the run did so far in this
     * process, as its ledger counts it.
     */
    default void taskDone(String line, Eta.Work soFar) {
        log(line);
    }

    /** A duration as progress shows it, at most six characters: 0.4s, 42s, 3m05s, 2h07m. */
    static String duration(double seconds) {
        if (seconds < 9.95) {
            return String.format(java.util.Locale.ROOT, "%.1fs", Math.max(0, seconds));
        }
        long s = Math.round(seconds);
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return String.format(java.util.Locale.ROOT, "%dm%02ds", s / 60, s % 60);
        }
        return String.format(java.util.Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60);
    }
}
