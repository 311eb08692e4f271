package dev.rehearsal.profile;

import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.experiment.Summary;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.metrics.TaskRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The reference report's four questions, answered from the measurements of one comparison: (1) memory and
 * compute of generative versus raw replay, (2) how they scale with the number of tasks, (3) the downsides
 * seen, (4) where the memory and the compute go. Every number comes from the run; nothing is estimated.
 */
public final class Answers {
    private Answers() {
    }

    public static List<String> of(Summary summary) {
        List<String> out = new ArrayList<>();
        Map<String, List<RunResult>> runs = summary.runs();
        RunResult er = first(runs, "er");
        RunResult gr = first(runs, "gr");
        if (er != null && gr != null) {
            out.add(String.format(Locale.ROOT, "Memory and compute, generative vs raw replay: generative replay held %s "
                    + "exactly (generator %s, frozen previous models %s) against %s for raw replay (buffer %s of uint8 "
                    + "samples), %.2fx as much; it spent %.3g MACs learning against %.3g, %.1fx as many, %.0f%% of them "
                    + "generating replay and %.0f%% training the generator.",
                    mb(gr.memoryBytes()), mb(gr.memory().getOrDefault("generator", 0L)),
                    mb(gr.memory().getOrDefault("previous_models", 0L)), mb(er.memoryBytes()),
                    mb(er.memory().getOrDefault("buffer", 0L)), (double) gr.memoryBytes() / er.memoryBytes(),
                    (double) gr.trainingMacs(), (double) er.trainingMacs(),
                    (double) gr.trainingMacs() / er.trainingMacs(),
                    100.0 * gr.ledger().macs(Phase.GENERATION) / gr.trainingMacs(),
                    100.0 * gr.ledger().macs(Phase.GENERATOR_TRAINING) / gr.trainingMacs()));
        } else {
            List<String> each = new ArrayList<>();
            for (List<RunResult> rs : runs.values()) {
                RunResult r = rs.get(0);
                long onePass = r.tasks().stream().mapToLong(TaskRecord::onePassMacs).sum();
                long kept = r.tasks().isEmpty() ? 0 : r.tasks().get(r.tasks().size() - 1).replayBytes();
                each.add(String.format(Locale.ROOT, "%s keeps %s to remember earlier tasks (%.1f%% of the %s "
                        + "training stream) within %s in all, and spent %.3g MACs learning, %.1fx one plain pass "
                        + "over the data", r.strategy(), mb(kept), 100.0 * kept / Math.max(1, r.trainingStreamBytes()),
                        mb(r.trainingStreamBytes()), mb(r.memoryBytes()), (double) r.trainingMacs(),
                        (double) r.trainingMacs() / Math.max(1, onePass)));
            }
            out.add("Memory and compute (compare er and gr with `rehearsal compare` for the generative vs raw "
                    + "replay contrast): " + String.join("; ", each) + ".");
        }
        List<String> scaling = new ArrayList<>();
        for (List<RunResult> rs : runs.values()) {
            RunResult r = rs.get(0);
            if (r.tasks().size() >= 2) {
                scaling.add(scalingOf(r));
            }
        }
        out.add("Scaling with the number of tasks (from the per-task records of this run; `rehearsal scale` "
                + "measures it over 2 to 50 tasks): " + (scaling.isEmpty() ? "a single task says nothing about it."
                        : String.join(" ", scaling)));
        RunResult joint = first(runs, "joint");
        List<String> downsides = new ArrayList<>();
        if (gr != null && er != null) {
            downsides.add(String.format(Locale.ROOT, "generative replay ended %.1f points of ACC %s raw replay and "
                    + "took %.1fx its wall time (%.1f s vs %.1f s)", 100 * Math.abs(er.acc() - gr.acc()),
                    gr.acc() < er.acc() ? "below" : "above", gr.wallSeconds() / er.wallSeconds(), gr.wallSeconds(),
                    er.wallSeconds()));
        }
        if (joint != null) {
            for (String s : List.of("er", "gr")) {
                RunResult r = first(runs, s);
                if (r != null) {
                    downsides.add(String.format(Locale.ROOT, "%s forgot %.1f points on average (BWT %.3f) and ends %.1f "
                            + "points below joint training", s, 100 * r.accuracy().forgetting(), r.accuracy().bwt(),
                            100 * (joint.acc() - r.acc())));
                }
            }
        }
        if (downsides.isEmpty()) {
            for (List<RunResult> rs : runs.values()) {
                RunResult r = rs.get(0);
                downsides.add(String.format(Locale.ROOT, "%s forgot %.1f points on average (BWT %.3f) and took %.1f s",
                        r.strategy(), 100 * r.accuracy().forgetting(), r.accuracy().bwt(), r.wallSeconds()));
            }
        }
        out.add("Downsides seen: " + String.join("; ", downsides) + ".");
        List<String> where = new ArrayList<>();
        for (List<RunResult> rs : runs.values()) {
            RunResult r = rs.get(0);
            if (r.memory().isEmpty()) {
                continue;
            }
            var biggest = r.memory().entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
            Phase top = java.util.Arrays.stream(Phase.values()).filter(p -> p != Phase.EVALUATION)
                    .max(Comparator.comparingLong(p -> r.ledger().macs(p))).orElseThrow();
            where.add(String.format(Locale.ROOT, "%s: %.0f%% of its memory is the %s, %.0f%% of its learning MACs go "
                    + "to %s", r.strategy(), 100.0 * biggest.getValue() / r.memoryBytes(), biggest.getKey(),
                    100.0 * r.ledger().macs(top) / Math.max(1, r.trainingMacs()), top.id().replace('_', ' ')));
        }
        out.add("Where memory and compute go: " + String.join("; ", where) + ".");
        return out;
    }

    private static String scalingOf(RunResult r) {
        List<TaskRecord> t = r.tasks();
        TaskRecord second = t.get(1);
        TaskRecord last = t.get(t.size() - 1);
        long perTask = (last.replayBytes() - second.replayBytes()) / Math.max(1, t.size() - 2);
        String memory = t.size() > 2 && perTask > 0
                ? String.format(Locale.ROOT, "its replay memory grows by %s per task", mb(perTask))
                : String.format(Locale.ROOT, "its replay memory stays at %s", mb(last.replayBytes()));
        return String.format(Locale.ROOT, "%s: %s; learning task 2 cost %.3g MACs, task %d %.3g.", r.strategy(),
                memory, (double) second.trainingMacs(), t.size(), (double) last.trainingMacs());
    }

    private static RunResult first(Map<String, List<RunResult>> runs, String s) {
        List<RunResult> rs = runs.get(s);
        return rs == null || rs.isEmpty() ? null : rs.get(0);
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.2f MB", bytes / 1e6);
    }
}
