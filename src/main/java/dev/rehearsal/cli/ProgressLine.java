package dev.rehearsal.cli;

import dev.rehearsal.strategy.Progress;
import java.util.Locale;

/**
 * The text of the progress display, apart from where it goes: a unit of work's line at a fixed width that fits
 * an 80-column terminal, its rate, and the overall estimate of a multi-run command.
 * <pre>
 * task 2 generator   [#####     ] 12.3 steps/s ETA 1m05s    | ep 3   loss 0.2345
 * </pre>
 * The loss sits after the bar, past a {@code |}; the line ends at column {@value #WIDTH} whatever its values, so
 * redrawing it in place never leaves characters of a longer one behind.
 */
final class ProgressLine {
    /** Columns of every line (one short of 80, where some terminals wrap). */
    static final int WIDTH = 79;
    private static final int LABEL = 18;
    private static final int BAR = 10;

    private ProgressLine() {
    }

    /**
     * Steps per second with a decimal below 100 ({@code 12.3 steps/s}), seconds per step when slower than one a
     * second ({@code 2.5 s/step}), thousands above 10,000 ({@code 12k steps/s}); at most 12 characters.
     */
    static String rate(long steps, double seconds) {
        if (steps <= 0 || seconds <= 0) {
            return "- steps/s";
        }
        double perSecond = steps / seconds;
        if (perSecond < 1) {
            double perStep = seconds / steps;
            return String.format(Locale.ROOT, perStep < 100 ? "%.1f s/step" : "%.0f s/step", perStep);
        }
        if (perSecond >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk steps/s", perSecond / 1000);
        }
        return String.format(Locale.ROOT, perSecond < 100 ? "%.1f steps/s" : "%.0f steps/s", perSecond);
    }

    /** The line of a unit under way: {@code done} of {@code total} steps after {@code seconds}. */
    static String live(String label, long done, long total, double seconds, long epoch, double loss) {
        String eta = done <= 0 ? "ETA -" : "ETA " + Progress.duration(seconds / done * (total - done));
        return line(label, done, total, rate(done, seconds), eta, epoch, loss);
    }

    /** The line a finished unit leaves: its last step's epoch and loss, and how long it took. */
    static String finished(String label, long done, long total, double seconds, long epoch, double loss) {
        return line(label, done, total, rate(done, seconds), "in " + Progress.duration(seconds), epoch, loss);
    }

    /** A finished unit as one log line (output that is not a terminal): steps, time, rate, epoch, loss. */
    static String summary(String label, long done, double seconds, long epoch, double loss) {
        return String.format(Locale.ROOT, "  %s: %d steps in %.1f s, %s | epoch %d, loss %.4g", label, done, seconds,
                rate(done, seconds), epoch, loss);
    }

    private static String line(String label, long done, long total, String rate, String time, long epoch,
            double loss) {
        int filled = total <= 0 ? BAR : (int) Math.min(BAR, done * BAR / total);
        String bar = "#".repeat(filled) + " ".repeat(BAR - filled);
        String name = label.length() > LABEL ? label.substring(0, LABEL) : label;
        String s = String.format(Locale.ROOT, "%-" + LABEL + "s [%s] %12s %-10s | %-6s loss %-9s", name, bar, rate,
                time, "ep " + epoch, String.format(Locale.ROOT, "%.4g", loss));
        // Only an extreme value (an epoch past 9999, a loss past 1e100) can be longer: cut, never wrap.
        return s.length() > WIDTH ? s.substring(0, WIDTH) : s;
    }

    /**
     * The overall estimate of a multi-run command: at the start of each run, the mean time of the runs this
     * process finished times the runs left (this one included).
     */
    static final class Runs {
        private long first = -1;
        private int startedHere;

        /**
         * The line for the start of run {@code number} of {@code of} at {@code nanos} (System.nanoTime), or null
         * for a command of one run.
         */
        String started(String name, int number, int of, long nanos) {
            if (of <= 1) {
                return null;
            }
            String head = "run " + number + "/" + of + " (" + name + ")";
            if (first < 0) {
                first = nanos;
                startedHere = 1;
                return head + ": the time left is estimated once a run has finished";
            }
            double mean = (nanos - first) / 1e9 / startedHere;
            startedHere++;
            int left = of - number + 1;
            return head + String.format(Locale.ROOT, ": about %s left for %d run%s (%s per run so far)",
                    Progress.duration(mean * left), left, left == 1 ? "" : "s", Progress.duration(mean));
        }
    }
}
