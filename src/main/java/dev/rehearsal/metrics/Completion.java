package dev.rehearsal.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * How much of what was asked a strategy's figures cover: the tasks every one of its runs finished (of
 * {@code tasks}), the seeds that ran (of {@code seedsAsked}), and the one-line error that stopped a run, if one
 * did. A strategy is complete when every seed asked ran every task. Its figures are then comparable with another
 * complete strategy's; an incomplete strategy's are not (lwf's ACC over the one task it finished is not er's over
 * five), so every table, figure and sentence names it with {@link #label} and lists it after the complete ones,
 * apart ({@link #completeFirst}), and never in a ranking or a "best" statement with them.
 */
public record Completion(int tasksDone, int tasks, int seedsRun, int seedsAsked, String stopped) {

    public boolean complete() {
        return tasksDone >= tasks && seedsRun >= seedsAsked;
    }

    /**
     * Every run that ran finished every task, whatever seeds are still to run: its figures are measurements of the
     * whole protocol over fewer seeds (n says how many), which may stand beside a published figure; a run that
     * stopped early is not.
     */
    public boolean everyRunFinished() {
        return tasksDone >= tasks && stopped == null;
    }

    /** "" when complete, else "incomplete: 1 of 5 tasks, training diverged" (what is missing, and why). */
    public String marker() {
        if (complete()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (tasksDone < tasks) {
            parts.add(tasksDone + " of " + tasks + " tasks");
        }
        if (seedsRun < seedsAsked) {
            parts.add(seedsRun + " of " + seedsAsked + " seeds");
        }
        if (stopped != null) {
            parts.add(headline(stopped));
        }
        return "incomplete: " + String.join(", ", parts);
    }

    /**
     * The sentence under a table: "lwf finished 1 of 5 tasks, then stopped: training diverged: ...; listed after
     * the complete strategies and not ranked with them." ("" when complete).
     */
    public String explanation(String name) {
        if (complete()) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        if (tasksDone < tasks) {
            parts.add("finished " + tasksDone + " of " + tasks + " tasks");
        }
        if (seedsRun < seedsAsked) {
            parts.add("ran " + seedsRun + " of " + seedsAsked + " seeds");
        }
        String why = stopped != null ? ", then stopped: " + stopped
                : tasksDone < tasks ? " (still running, or interrupted)" : "";
        return name + " " + String.join(" and ", parts) + why + "; listed after the complete strategies and not "
                + "ranked with them.";
    }

    /** The name as every table shows it: "er", or "lwf (incomplete: 1 of 5 tasks, training diverged)". */
    public String label(String name) {
        return complete() ? name : name + " (" + marker() + ")";
    }

    /**
     * The headline of a one-line error: its text before the first colon ("training diverged" of "training
     * diverged: the solver loss is Infinity at task 2, ..."), or all of it when it has none.
     */
    public static String headline(String reason) {
        int colon = reason.indexOf(':');
        return (colon > 0 ? reason.substring(0, colon) : reason).strip();
    }

    /** The complete items first, then the incomplete ones, each group in its given order. */
    public static <T> List<T> completeFirst(List<T> items, Function<T, Completion> completion) {
        List<T> out = new ArrayList<>();
        items.stream().filter(x -> completion.apply(x).complete()).forEach(out::add);
        items.stream().filter(x -> !completion.apply(x).complete()).forEach(out::add);
        return out;
    }

    /**
     * Runs a command was asked for that never started (an earlier run failed and the command stopped), as
     * results.json's {@code not_run} lists them.
     */
    public record NotRun(String strategy, List<Long> seeds, String reason) {
        public NotRun {
            seeds = List.copyOf(seeds);
        }

        /** "naive (seed 1): not run; not started: the command stopped when lwf seed 1 failed (...)". */
        public String line() {
            String which = seeds.isEmpty() ? "" : (seeds.size() == 1 ? " (seed " : " (seeds ")
                    + seeds.stream().map(String::valueOf).collect(Collectors.joining(", ")) + ")";
            return String.format(Locale.ROOT, "%s%s: not run; %s", strategy, which, reason);
        }
    }
}
