package dev.rehearsal.cli;

import dev.rehearsal.strategy.Progress;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress as plain log lines on stderr: one line per finished unit of work with its rate, and the lines
 * the run wants kept. Quiet mode prints nothing.
 */
final class ConsoleProgress implements Progress {
    private final PrintStream err;
    private final boolean quiet;
    private String label;
    private long total;
    private long started;
    private long lastEpoch;
    private double lastLoss;

    ConsoleProgress(PrintStream err, boolean quiet) {
        this.err = err;
        this.quiet = quiet;
    }

    @Override
    public void begin(String what, long steps) {
        this.label = what;
        this.total = steps;
        this.started = System.nanoTime();
    }

    @Override
    public void advance(long done, long epoch, double loss) {
        lastEpoch = epoch;
        lastLoss = loss;
    }

    @Override
    public void end() {
        if (quiet || label == null) {
            return;
        }
        double s = (System.nanoTime() - started) / 1e9;
        err.printf(Locale.ROOT, "  %s: %d steps in %.1f s (%.0f steps/s), epoch %d loss %.4g%n", label, total, s,
                total / Math.max(s, 1e-9), lastEpoch, lastLoss);
        label = null;
    }

    @Override
    public void log(String line) {
        if (!quiet) {
            err.println(line);
        }
    }
}
