package dev.rehearsal.cli;

import dev.rehearsal.metrics.Eta;
import dev.rehearsal.strategy.Progress;
import java.io.PrintStream;

/**
 * Progress as plain log lines on stderr (CI, files): one line per finished unit of work ({@link
 * ProgressLine#summary}), the start of every run of a multi-run command with the time left, and the lines the
 * run wants kept. Quiet mode prints nothing.
 */
final class ConsoleProgress implements Progress {
    private final PrintStream err;
    private final boolean quiet;
    private final ProgressLine.Runs runs = new ProgressLine.Runs();
    private String label;
    private long started;
    private long done;
    private long lastEpoch;
    private double lastLoss;

    ConsoleProgress(PrintStream err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    @Override
    public void begin(String what, long steps) {
        this.label = what;
        this.done = 0;
        this.started = System.nanoTime();
    }

    @Override
    public void advance(long done, long epoch, double loss) {
        this.done = done;
        lastEpoch = epoch;
        lastLoss = loss;
    }

    @Override
    public void end() {
        if (quiet || label == null) {
            return;
        }
        err.println(ProgressLine.summary(label, done, (System.nanoTime() - started) / 1e9, lastEpoch, lastLoss));
        label = null;
    }

    @Override
    public void log(String line) {
        if (!quiet) {
            err.println(line);
        }
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
