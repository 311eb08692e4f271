package dev.rehearsal.cli;

import dev.rehearsal.metrics.Eta;
import dev.rehearsal.strategy.Progress;
import java.io.PrintStream;

/**
 * Progress on the console: a line redrawn in place per unit of work on a terminal ({@link ProgressLine}), plain
 * log lines otherwise (CI, files), nothing with --quiet.
 */
final class Progresses {
    private Progresses() {
    }

    static Progress forConsole(PrintStream err, boolean quiet) {
        if (quiet) {
            return Progress.NONE;
        }
        return System.console() != null ? new Bars(err) : new ConsoleProgress(err, false);
    }

    /** A line per unit of work, redrawn a few times a second; a finished unit stays as its final line. */
    static final class Bars implements Progress {
        /** Redraws at most this often: formatting and writing cost more than a small model's step. */
        private static final long REDRAW_NANOS = 200_000_000L;
        private final PrintStream err;
        private final ProgressLine.Runs runs = new ProgressLine.Runs();
        private String label;
        private long total;
        private long started;
        private long lastDrawn;
        private long done;
        private long epoch;
        private double loss;

        Bars(PrintStream err) {
            this.err = err;
        }

        @Override
        public void begin(String label, long total) {
            end();
            this.label = label;
            this.total = total;
            this.done = 0;
            this.started = System.nanoTime();
            this.lastDrawn = 0;
        }

        @Override
        public void advance(long done, long epoch, double loss) {
            this.done = done;
            this.epoch = epoch;
            this.loss = loss;
            long now = System.nanoTime();
            if (label != null && now - lastDrawn > REDRAW_NANOS) {
                err.print("\r" + ProgressLine.live(label, done, total, (now - started) / 1e9, epoch, loss));
                err.flush();
                lastDrawn = now;
            }
        }

        @Override
        public void end() {
            if (label != null) {
                // The final state from the last step, whenever the line was last drawn.
                err.println("\r" + ProgressLine.finished(label, done, total, (System.nanoTime() - started) / 1e9,
                        epoch, loss));
                label = null;
            }
        }

        @Override
        public void log(String line) {
            end();
            err.println(line);
        }

        @Override
        public void run(String name, int number, int of, String strategy, java.util.List<Eta.Run> after) {
            runs.started(name, number, of, strategy, after, System.nanoTime());
        }

        @Override
        public void planned(Eta.Work work) {
            String line = runs.planned(work);
            if (line != null) {
                log(line);
            }
        }

        @Override
        public void taskDone(String line, Eta.Work soFar) {
            log(runs.taskDone(line, soFar, System.nanoTime()));
        }
    }
}
