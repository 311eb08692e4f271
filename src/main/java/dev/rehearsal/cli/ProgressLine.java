package dev.rehearsal.cli;

import dev.rehearsal.metrics.Eta;
import dev.rehearsal.strategy.Progress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

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
     * The overall estimate of a command's runs ({@link Eta}): the work left, that of the current run (as its
     * strategy planned it, less what its ledger counted so far) and that of the runs to come (estimated from their
     * configs, or as planned by an earlier run of the same strategy), at the pace measured so far in this process.
     * Said when a run starts (for a command of several runs) and after every task.
     */
    static final class Runs {
        private final Eta.Pace pace = new Eta.Pace();
        /** The work each strategy planned when one of its runs started: better than an estimate from its config. */
        private final Map<String, Eta.Work> plans = new HashMap<>();
        private String name;
        private String strategy;
        private int number;
        private int of;
        private List<Eta.Run> after = List.of();
        private Eta.Work plan;
        private long started = -1;

        /**
         * Run {@code number} of {@code of} starts at {@code nanos} (System.nanoTime), with {@code after} to come;
         * the run before it, if any, is over and its pace counts.
         */
        void started(String name, int number, int of, String strategy, List<Eta.Run> after, long nanos) {
            if (this.strategy != null && plan != null) {
                pace.add(this.strategy, plan, (nanos - started) / 1e9);
            }
            this.name = name;
            this.number = number;
            this.of = of;
            this.strategy = strategy;
            this.after = List.copyOf(after);
            this.plan = null;
            this.started = nanos;
        }

        /**
         * The current run planned {@code work}: the line that says how much is left of the command's runs, or null
         * for a command of one run (or outside one).
         */
        String planned(Eta.Work work) {
            if (started < 0) {
                return null;
            }
            plan = work;
            plans.put(strategy, work);
            if (of <= 1) {
                return null;
            }
            String head = "run " + number + "/" + of + " (" + name + ")";
            double left = Eta.secondsLeft(pace, left(Eta.Work.NONE));
            int runs = 1 + after.size();
            return head + (Double.isNaN(left) ? ": the time left is estimated once its first task has finished"
                    : String.format(Locale.ROOT, ": about %s left for %d run%s (%,.0f steps)",
                            Progress.duration(left), runs, runs == 1 ? "" : "s", units(left(Eta.Work.NONE))));
        }

        /**
         * A task of the current run finished at {@code nanos}, the run having done {@code soFar}: its line, with
         * the time left.
         */
        String taskDone(String line, Eta.Work soFar, long nanos) {
            if (started < 0 || plan == null) {
                return line;
            }
            Eta.Pace now = pace.copy().add(strategy, soFar, (nanos - started) / 1e9);
            List<Eta.Run> work = left(soFar);
            double left = Eta.secondsLeft(now, work);
            return Double.isNaN(left) || units(work) == 0 ? line : line + ", about " + Progress.duration(left)
                    + " left" + (after.isEmpty() ? "" : " in all");
        }

        /** The work left: the rest of the current run, then the runs to come. */
        private List<Eta.Run> left(Eta.Work soFar) {
            List<Eta.Run> out = new ArrayList<>();
            out.add(new Eta.Run(strategy, plan.minus(soFar)));
            for (Eta.Run r : after) {
                out.add(new Eta.Run(r.strategy(), plans.getOrDefault(r.strategy(), r.work())));
            }
            return out;
        }

        private static double units(List<Eta.Run> runs) {
            return runs.stream().mapToDouble(r -> r.work().units()).sum();
        }
    }
}
