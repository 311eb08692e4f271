package dev.rehearsal.profile;

import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.experiment.Summary;
import dev.rehearsal.metrics.Completion;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.metrics.TaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The reference report's four questions, answered from the measurements of one comparison: (1) memory and
 * compute of generative versus raw replay, (2) how they scale with the number of tasks, (3) the downsides
 * seen, (4) where the memory and the compute go. Every number comes from the run; nothing is estimated.
 *
 * <p>The numbers are the report's metrics table's, with its definitions, so the text never contradicts it:
 * ACC, BWT, forgetting, training MACs and time are means over seeds; <em>memory</em> is everything the
 * strategy allocated (the memory column, the same for every seed); <em>replay memory</em> is what it keeps
 * to remember earlier tasks after the last one (the replay-memory column: stored samples, or the parameters
 * of the generator and frozen models), first seed; memory is in MB (10^6 bytes) with three decimals.
 *
 * <p>A strategy whose runs did not all finish every task ({@link Completion}) is named with its marker, comes
 * after the complete ones, and is never compared with them; runs that never started are listed as not run.
 */
public final class Answers {
    private Answers() {
    }

    public static List<String> of(Summary summary) {
        List<String> out = new ArrayList<>();
        // Complete strategies first, then the incomplete ones, each under its label (name and marker).
        Map<String, List<RunResult>> runs = new LinkedHashMap<>();
        summary.listed().forEach(s -> runs.put(s, summary.runs().get(s)));
        List<RunResult> er = compared(summary, "er");
        List<RunResult> gr = compared(summary, "gr");
        if (present(er) && present(gr)) {
            RunResult g = gr.get(0);
            RunResult e = er.get(0);
            double grMacs = mean(gr, r -> r.trainingMacs());
            double erMacs = mean(er, r -> r.trainingMacs());
            out.add(String.format(Locale.ROOT, "Memory and compute, generative vs raw replay: generative replay "
                    + "allocated %s in all (the memory column; the generator %s and the frozen previous models %s of "
                    + "it) against %s for raw replay (its buffer of uint8 samples %s of it), %.2fx as much; of that, "
                    + "the replay memory (what is kept to remember earlier tasks: the parameters of the generator and "
                    + "frozen models, against the stored samples) is %s against %s. Generative replay spent %.3g MACs "
                    + "learning against %.3g, %.1fx as many, %.0f%% of them generating replay and %.0f%% training the "
                    + "generator.",
                    mb(g.memoryBytes()), mb(g.memory().getOrDefault("generator", 0L)),
                    mb(g.memory().getOrDefault("previous_models", 0L)), mb(e.memoryBytes()),
                    mb(e.memory().getOrDefault("buffer", 0L)), (double) g.memoryBytes() / e.memoryBytes(),
                    mb(replayBytes(g)), mb(replayBytes(e)), grMacs, erMacs, grMacs / erMacs,
                    100.0 * share(gr, Phase.GENERATION), 100.0 * share(gr, Phase.GENERATOR_TRAINING)));
        } else {
            List<String> each = new ArrayList<>();
            for (Map.Entry<String, List<RunResult>> e : runs.entrySet()) {
                List<RunResult> rs = e.getValue();
                RunResult r = rs.get(0);
                double onePass = mean(rs, x -> x.tasks().stream().mapToLong(TaskRecord::onePassMacs).sum());
                long kept = replayBytes(r);
                double macs = mean(rs, x -> x.trainingMacs());
                each.add(String.format(Locale.ROOT, "%s keeps a replay memory of %s (%.1f%% of the %s training "
                        + "stream) within a memory of %s, and spent %.3g MACs learning, %.1fx one plain pass over the "
                        + "data", summary.label(e.getKey()), mb(kept), 100.0 * kept / Math.max(1, r.trainingStreamBytes()),
                        mb(r.trainingStreamBytes()), mb(r.memoryBytes()), macs, macs / Math.max(1, onePass)));
            }
            out.add("Memory and compute (compare er and gr with `rehearsal compare` for the generative vs raw "
                    + "replay contrast): " + String.join("; ", each) + ".");
        }
        List<String> scaling = new ArrayList<>();
        for (Map.Entry<String, List<RunResult>> e : runs.entrySet()) {
            RunResult r = e.getValue().get(0);
            if (r.tasks().size() >= 2) {
                scaling.add(scalingOf(r, summary.label(e.getKey())));
            }
        }
        out.add("Scaling with the number of tasks (from the per-task records of the first seed; `rehearsal scale` "
                + "measures it over 2 to 50 tasks): " + (scaling.isEmpty() ? "a single task says nothing about it."
                        : String.join(" ", scaling)));
        List<RunResult> joint = compared(summary, "joint");
        List<String> downsides = new ArrayList<>();
        if (present(gr) && present(er)) {
            double grAcc = mean(gr, RunResult::acc);
            double erAcc = mean(er, RunResult::acc);
            double grTime = mean(gr, RunResult::wallSeconds);
            double erTime = mean(er, RunResult::wallSeconds);
            dev.rehearsal.stats.Verdict.Answer v = dev.rehearsal.experiment.PairedComparisons.pair("gr", gr, "er", er);
            downsides.add(String.format(Locale.ROOT, "generative replay's mean ACC ended %.1f points %s raw replay's "
                    + "(%s) and it took %.1fx its wall time (%.1f s vs %.1f s)", 100 * Math.abs(erAcc - grAcc),
                    grAcc < erAcc ? "below" : "above", v == null ? "fewer than two paired seeds: no test says whether "
                    + "the difference is real" : v.sentence(), grTime / erTime, grTime, erTime));
        }
        if (present(joint)) {
            for (String s : List.of("er", "gr")) {
                List<RunResult> rs = compared(summary, s);
                if (present(rs)) {
                    downsides.add(String.format(Locale.ROOT, "%s forgot %.1f points on average (BWT %.4f) and ends "
                            + "%.1f points below joint training", s, 100 * mean(rs, x -> x.accuracy().forgetting()),
                            mean(rs, x -> x.accuracy().bwt()), 100 * (mean(joint, RunResult::acc)
                                    - mean(rs, RunResult::acc))));
                }
            }
        }
        if (downsides.isEmpty()) {
            for (Map.Entry<String, List<RunResult>> e : runs.entrySet()) {
                List<RunResult> rs = e.getValue();
                downsides.add(String.format(Locale.ROOT, "%s forgot %.1f points on average (BWT %.4f) and took %.1f s",
                        summary.label(e.getKey()), 100 * mean(rs, x -> x.accuracy().forgetting()),
                        mean(rs, x -> x.accuracy().bwt()), mean(rs, RunResult::wallSeconds)));
            }
        }
        out.add("Downsides seen: " + String.join("; ", downsides) + ".");
        List<String> where = new ArrayList<>();
        for (Map.Entry<String, List<RunResult>> e : runs.entrySet()) {
            List<RunResult> rs = e.getValue();
            RunResult r = rs.get(0);
            if (r.memory().isEmpty()) {
                continue;
            }
            var biggest = r.memory().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
            Phase top = java.util.Arrays.stream(Phase.values()).filter(p -> p != Phase.EVALUATION)
                    .max(Comparator.comparingDouble(p -> share(rs, p))).orElseThrow();
            where.add(String.format(Locale.ROOT, "%s: %.0f%% of its memory is the %s, %.0f%% of its learning MACs go "
                    + "to %s", summary.label(e.getKey()), 100.0 * biggest.getValue() / r.memoryBytes(), biggest.getKey(),
                    100.0 * share(rs, top), top.id().replace('_', ' ')));
        }
        out.add("Where memory and compute go: " + String.join("; ", where) + ".");
        List<String> apart = new ArrayList<>();
        runs.keySet().stream().filter(s -> !summary.completion(s).complete()).map(summary::label).forEach(apart::add);
        summary.notRun().forEach(n -> apart.add(n.line()));
        if (!apart.isEmpty()) {
            out.add("Not compared with the complete strategies above (their figures cover fewer tasks or seeds, or "
                    + "none): " + String.join("; ", apart) + ".");
        }
        return out;
    }

    /** A strategy's runs when it is complete (comparable with another's); null when absent or incomplete. */
    private static List<RunResult> compared(Summary summary, String strategy) {
        List<RunResult> rs = summary.runs().get(strategy);
        return rs != null && !rs.isEmpty() && summary.completion(strategy).complete() ? rs : null;
    }

    private static String scalingOf(RunResult r, String label) {
        List<TaskRecord> t = r.tasks();
        TaskRecord second = t.get(1);
        TaskRecord last = t.get(t.size() - 1);
        long perTask = (last.replayBytes() - second.replayBytes()) / Math.max(1, t.size() - 2);
        String kept = r.strategy().equals("joint") ? " (the images of every task so far, which it revisits: part of the shared "
                + "dataset)" : "";
        String memory = t.size() > 2 && perTask > 0
                ? String.format(Locale.ROOT, "its replay memory grows by %s per task%s, to %s", mb(perTask), kept,
                        mb(last.replayBytes()))
                : String.format(Locale.ROOT, "its replay memory stays at %s", mb(last.replayBytes()));
        return String.format(Locale.ROOT, "%s: %s; learning task 2 cost %.3g MACs, task %d %.3g.", label,
                memory, (double) second.trainingMacs(), t.size(), (double) last.trainingMacs());
    }

    private static boolean present(List<RunResult> rs) {
        return rs != null && !rs.isEmpty();
    }

    private static double mean(List<RunResult> rs, ToDoubleFunction<RunResult> f) {
        return rs.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** The share of a phase in the learning MACs, over all seeds (the ratio of the means). */
    private static double share(List<RunResult> rs, Phase p) {
        double total = rs.stream().mapToDouble(RunResult::trainingMacs).sum();
        return rs.stream().mapToDouble(r -> r.ledger().macs(p)).sum() / Math.max(1, total);
    }

    /** The replay memory after the last finished task (the report's replay-memory column). */
    private static long replayBytes(RunResult r) {
        return r.tasks().isEmpty() ? 0 : r.tasks().get(r.tasks().size() - 1).replayBytes();
    }

    /** As the report prints memory: MB (10^6 bytes), three decimals. */
    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.3f MB", bytes / 1e6);
    }
}
