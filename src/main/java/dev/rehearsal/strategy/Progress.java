package dev.rehearsal.strategy;

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
}
