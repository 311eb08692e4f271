package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.metrics.Completion;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report needs from {@code results.json} (written by {@code experiment.Summary#toJson}, laid out as
 * the schema {@link dev.rehearsal.ResultsSchema#RESOURCE} says): the config, one entry per strategy, and
 * optional {@code answers} paragraphs, and the runs that never started ({@code not_run}). A file of another
 * schema_version is refused in one line; unknown keys are ignored; a missing or null number is NaN and prints as
 * a dash.
 */
record Results(Map<String, JsonNode> config, List<Strategy> strategies, List<String> answers,
        List<Completion.NotRun> notRun, List<Comparison> comparisons, List<String> shortReasons) {

    /** One of results.json's paired comparisons (see the schema's definition "comparison"), checked on reading. */
    record Comparison(String a, String b, int n, double meanDifference, double pTHolm, double pWilcoxonHolm,
            boolean significant, String better, String verdict) {
    }

    /** The strategies as every table and figure lists them: the complete ones, then the incomplete ones. */
    List<Strategy> listed() {
        return Completion.completeFirst(strategies, Strategy::completion);
    }

    /**
     * One strategy, aggregated over its seeds (mean, and sample standard deviation in the *Std fields, NaN for
     * one seed). {@code memory} and {@code heap} are the components of the first seed's run (the footprint does
     * not depend on the seed), without the total; {@code times} are seconds per phase. {@code runs} are the
     * run objects as written (each with its R, {@code solver_loss}, {@code generator_loss},
     * {@code loss_window_steps} and {@code confusion_matrix}); {@code config} is the strategy's own config when
     * it differs from the file's (a sweep's grid point, a folder of {@code rehearsal report}), else empty.
     * {@code completion} says how much of what was asked the runs cover: the tasks every run finished, the
     * seeds run (of those and the ones listed as not run) and the error that stopped a run.
     */
    record Strategy(String name, List<Long> seeds, double[][] r, double[] b,
            double acc, double accStd, double bwt, double bwtStd, double fwt, double fwtStd,
            double forgetting, double forgettingStd, Map<String, Double> times, double memoryBytes,
            double trainingMacs, double samplesPerSecond, Map<String, Long> memory, Map<String, Long> heap,
            double datasetBytes, double ms, double sss, double ce, List<JsonNode> runs,
            Map<String, JsonNode> config, Completion completion) {

        int tasks() {
            return r.length;
        }

        /** The name with its marker when incomplete: "lwf (incomplete: 1 of 5 tasks, training diverged)". */
        String label() {
            return completion.label(name);
        }

        /** The short form figures draw on axes and legends: "lwf (incomplete)"; the caption says the rest. */
        String figureLabel() {
            return completion.complete() ? name : name + " (incomplete)";
        }
    }

    static Results parse(JsonNode root, String file) {
        if (!root.isObject()) {
            throw corrupt(file, "the top level is not a JSON object");
        }
        dev.rehearsal.ResultsSchema.require(file, root);
        Map<String, JsonNode> config = new LinkedHashMap<>();
        root.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue()));
        List<Completion.NotRun> notRun = notRun(root.path("not_run"), file);
        List<Strategy> strategies = new ArrayList<>();
        for (JsonNode s : root.path("results")) {
            strategies.add(strategy(s, file, notRun));
        }
        return new Results(config, strategies, texts(root.path("answers")), notRun,
                comparisons(root.path("comparisons"), file),
                root.has("short_reasons") ? texts(root.path("short_reasons")) : null);
    }

    /** results.json's {@code comparisons}: absent, or a list whose every value is checked. */
    private static List<Comparison> comparisons(JsonNode a, String file) {
        List<Comparison> out = new ArrayList<>();
        if (a.isMissingNode() || a.isNull()) {
            return out;
        }
        if (!a.isArray()) {
            throw corrupt(file, "'comparisons' is " + a + ", not a list");
        }
        // The smallest corrected Wilcoxon p each comparison's seeds allowed: as written, or (files written before it
        // was recorded) from the numbers of seeds, the same Holm over 2/2^n.
        int[] seeds = new int[a.size()];
        for (int i = 0; i < a.size(); i++) {
            seeds[i] = Math.max(2, a.get(i).path("n").asInt(2));
        }
        double[] floors = dev.rehearsal.stats.Verdict.wilcoxonFloorsHolm(seeds);
        int index = 0;
        for (JsonNode c : a) {
            String where = "a comparison of 'comparisons'";
            if (!c.path("a").isTextual() || !c.path("b").isTextual() || !c.path("n").canConvertToInt()
                    || c.path("n").asInt() < 2 || !c.path("significant").isBoolean()
                    || !c.path("mean_difference").isNumber() || !Double.isFinite(c.path("mean_difference").asDouble())) {
                throw corrupt(file, where + " is " + c + ": expected a, b, n >= 2, mean_difference and significant");
            }
            double pt = c.path("p_t_holm").isNull() ? Double.NaN : c.path("p_t_holm").asDouble(-1);
            double pw = c.path("p_wilcoxon_holm").asDouble(-1);
            if (!(Double.isNaN(pt) || (pt >= 0 && pt <= 1)) || !(pw >= 0 && pw <= 1)) {
                throw corrupt(file, where + " between '" + c.path("a").asText() + "' and '" + c.path("b").asText()
                        + "' has a p-value outside [0, 1]");
            }
            String better = c.path("better").isTextual() ? c.path("better").asText() : null;
            boolean significant = c.path("significant").asBoolean();
            JsonNode floorNode = c.path("p_wilcoxon_holm_floor");
            double floor = floorNode.isMissingNode() ? floors[index] : floorNode.asDouble(-1);
            if (!(floor >= 0 && floor <= pw * (1 + 1e-9))) { // a lower bound of the corrected p (rounding aside)
                throw corrupt(file, where + " between '" + c.path("a").asText() + "' and '" + c.path("b").asText()
                        + "' has a p_wilcoxon_holm_floor of " + floorNode + ", expected in [0, p_wilcoxon_holm]");
            }
            String verdict = dev.rehearsal.stats.Verdict.label(significant ? better : null,
                    floor < dev.rehearsal.stats.Verdict.ALPHA);
            if (c.has("verdict") && !c.path("verdict").asText().equals(verdict)) {
                throw corrupt(file, where + " between '" + c.path("a").asText() + "' and '" + c.path("b").asText()
                        + "' says '" + c.path("verdict").asText() + "' where its p-values give '" + verdict + "'");
            }
            index++;
            out.add(new Comparison(c.path("a").asText(), c.path("b").asText(), c.path("n").asInt(),
                    c.path("mean_difference").asDouble(), pt, pw, significant, better, verdict));
        }
        return out;
    }

    /** results.json's {@code not_run}: absent, or a list of {strategy, seeds, reason}, each checked. */
    private static List<Completion.NotRun> notRun(JsonNode a, String file) {
        List<Completion.NotRun> out = new ArrayList<>();
        if (a.isMissingNode()) {
            return out;
        }
        if (!a.isArray()) {
            throw corrupt(file, "'not_run' is " + shown(a) + ", expected a list of {strategy, seeds, reason}");
        }
        for (JsonNode n : a) {
            if (!n.isObject() || !n.path("strategy").isTextual() || !n.path("reason").isTextual()
                    || n.path("reason").asText().isBlank() || !n.path("seeds").isArray() || n.path("seeds").isEmpty()) {
                throw corrupt(file, "an entry of 'not_run' is " + shown(n) + ", expected {strategy, seeds, reason}: "
                        + "a strategy's name, the seeds not run and why");
            }
            List<Long> seeds = new ArrayList<>();
            for (JsonNode x : n.path("seeds")) {
                if (!x.isIntegralNumber() || !x.canConvertToLong()) {
                    throw corrupt(file, "'seeds' of not_run entry '" + n.path("strategy").asText() + "' holds "
                            + shown(x) + ", expected integers");
                }
                seeds.add(x.asLong());
            }
            out.add(new Completion.NotRun(n.path("strategy").asText(), seeds, n.path("reason").asText()));
        }
        return out;
    }

    /** A string, or an array of strings (one paragraph each); anything else gives no paragraph. */
    static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        }
        for (JsonNode p : node) {
            if (p.isTextual() && !p.asText().isBlank()) {
                out.add(p.asText());
            }
        }
        return out;
    }

    private static Strategy strategy(JsonNode s, String file, List<Completion.NotRun> notRun) {
        if (!s.isObject() || !s.path("strategy").isTextual()) {
            throw corrupt(file, "a strategy result is " + shown(s) + ", expected an object naming its strategy");
        }
        String name = s.path("strategy").asText();
        Check in = new Check(file, " of strategy '" + name + "'");
        double[][] r = in.accuracyMatrix(s.path("accuracy_matrix"));
        JsonNode bNode = s.path("initial_accuracy");
        double[] b = new double[r.length];
        if (!bNode.isArray() || bNode.size() != r.length) {
            throw in.bad("initial_accuracy", bNode, "expected " + r.length + " accuracies, one per task");
        }
        for (int j = 0; j < b.length; j++) {
            b[j] = in.accuracy(bNode.get(j), "initial_accuracy[" + (j + 1) + "]");
        }
        List<Long> seeds = new ArrayList<>();
        JsonNode seedsNode = s.path("seeds");
        if (!seedsNode.isArray()) {
            throw in.bad("'seeds'", seedsNode, "expected a list of integers");
        }
        for (JsonNode x : seedsNode) {
            if (!x.isIntegralNumber() || !x.canConvertToLong()) {
                throw corrupt(file, "'seeds'" + in.where + " holds " + shown(x) + ", expected integers");
            }
            seeds.add(x.asLong());
        }
        Map<String, Double> times = in.seconds(s.path("seconds"));
        JsonNode runsNode = s.path("runs");
        if (!runsNode.isArray() || runsNode.isEmpty()) {
            throw in.bad("'runs'", runsNode, "expected a list of runs");
        }
        List<JsonNode> runs = new ArrayList<>();
        for (int i = 0; i < runsNode.size(); i++) {
            runs.add(new Check(file, in.where + " (run " + (i + 1) + ")").run(runsNode.get(i)));
        }
        int tasksDone = r.length;
        String stopped = null;
        for (int i = 0; i < runs.size(); i++) {
            Check at = new Check(file, in.where + " (run " + (i + 1) + ")");
            tasksDone = Math.min(tasksDone, at.tasksDone(runs.get(i), r.length));
            if (stopped == null && runs.get(i).path("stopped").isTextual()) {
                stopped = runs.get(i).path("stopped").asText();
            }
        }
        int asked = runs.size() + notRun.stream().filter(n -> n.strategy().equals(name))
                .mapToInt(n -> n.seeds().size()).sum();
        Completion completion = new Completion(tasksDone, r.length, runs.size(), asked, stopped);
        JsonNode run = runs.get(0);
        Map<String, JsonNode> own = new LinkedHashMap<>();
        s.path("config").properties().forEach(e -> own.put(e.getKey(), e.getValue()));
        return new Strategy(name, seeds, r, b,
                in.accuracyOf(s, "acc"), in.spread(s, "acc_std"), in.transfer(s, "bwt"), in.spread(s, "bwt_std"),
                in.transfer(s, "fwt"), in.spread(s, "fwt_std"), in.transfer(s, "forgetting"),
                in.spread(s, "forgetting_std"), times, in.countOf(s, "memory_bytes"), in.countOf(s, "training_macs"),
                in.rate(s, "samples_per_second"), components(run.path("memory_bytes")),
                components(run.path("heap_bytes")), number(run, "dataset_bytes"), in.accuracyOf(s, "ms"),
                in.accuracyOf(s, "sss"), in.accuracyOf(s, "ce"), List.copyOf(runs), own, completion);
    }

    static double number(JsonNode o, String key) {
        return number(o.path(key));
    }

    /** A number, NaN when it is null (undefined) or absent. */
    static double number(JsonNode v) {
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    private static Map<String, Long> components(JsonNode o) {
        Map<String, Long> out = new LinkedHashMap<>();
        o.properties().forEach(e -> {
            if (!e.getKey().equals("total") && e.getValue().isNumber()) {
                out.put(e.getKey(), e.getValue().asLong());
            }
        });
        return out;
    }

    private static String shown(JsonNode v) {
        return v == null || v.isMissingNode() ? "absent" : v.toString();
    }

    /**
     * The checks of every field the report reads, as {@code --resume} checks a run record: types, shapes and
     * ranges (accuracies in [0, 1] or null, transfer in [-1, 1] or null, counts and seconds >= 0, finite
     * losses, square matrices with one row per task). {@code where} names the strategy (and run) in messages.
     */
    private record Check(String file, String where) {
        RehearsalException bad(String field, JsonNode v, String expected) {
            return corrupt(file, field + where + " is " + shown(v) + ", " + expected);
        }

        double accuracyOf(JsonNode o, String key) {
            return accuracy(o.path(key), "'" + key + "'");
        }

        /** An accuracy in [0, 1], or NaN for null. */
        double accuracy(JsonNode v, String field) {
            if (v.isNull()) {
                return Double.NaN;
            }
            if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= 1)) {
                throw bad(field, v, "not an accuracy in [0, 1] (or null)");
            }
            return v.asDouble();
        }

        /** BWT, FWT or forgetting: a difference of accuracies, in [-1, 1], or NaN for null. */
        double transfer(JsonNode o, String key) {
            JsonNode v = o.path(key);
            if (v.isNull()) {
                return Double.NaN;
            }
            if (!v.isNumber() || !(Math.abs(v.asDouble()) <= 1)) {
                throw bad("'" + key + "'", v, "expected a number in [-1, 1] (a difference of accuracies) or null");
            }
            return v.asDouble();
        }

        /** A standard deviation of accuracies: in [0, 1], or NaN for null (one seed). */
        double spread(JsonNode o, String key) {
            JsonNode v = o.path(key);
            if (v.isNull()) {
                return Double.NaN;
            }
            if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= 1)) {
                throw bad("'" + key + "'", v, "expected a standard deviation in [0, 1] or null");
            }
            return v.asDouble();
        }

        /** A finite rate >= 0, or NaN for null. */
        double rate(JsonNode o, String key) {
            JsonNode v = o.path(key);
            if (v.isNull()) {
                return Double.NaN;
            }
            if (!v.isNumber() || !(v.asDouble() >= 0) || Double.isInfinite(v.asDouble())) {
                throw bad("'" + key + "'", v, "expected a number >= 0 or null");
            }
            return v.asDouble();
        }

        double countOf(JsonNode o, String key) {
            return count(o.path(key), "'" + key + "'");
        }

        double count(JsonNode v, String field) {
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
                throw bad(field, v, "expected a count (an integer >= 0)");
            }
            return v.asLong();
        }

        /** Seconds per phase: an object of numbers >= 0. */
        Map<String, Double> seconds(JsonNode o) {
            if (!o.isObject()) {
                throw bad("'seconds'", o, "expected seconds per phase");
            }
            Map<String, Double> out = new LinkedHashMap<>();
            o.properties().forEach(e -> {
                JsonNode v = e.getValue();
                if (!v.isNumber() || !(v.asDouble() >= 0) || Double.isInfinite(v.asDouble())) {
                    throw bad("'" + e.getKey() + "'", v, "expected seconds (a number >= 0)");
                }
                out.put(e.getKey(), v.asDouble());
            });
            return out;
        }

        /** R: square, row i "after task i", column j "test on task j", accuracies or null (rows not trained). */
        double[][] accuracyMatrix(JsonNode a) {
            if (!a.isArray() || a.isEmpty()) {
                throw bad("accuracy_matrix", a, "expected rows of accuracies (row i: after task i, column j: test "
                        + "on task j)");
            }
            int t = a.size();
            double[][] r = new double[t][t];
            for (int i = 0; i < t; i++) {
                JsonNode row = a.get(i);
                if (!row.isArray() || row.size() != t) {
                    throw corrupt(file, "accuracy_matrix" + where + " has " + t + " rows but row " + (i + 1) + " has "
                            + (row.isArray() ? row.size() + " values" : shown(row)) + "; expected a square matrix "
                            + "(row i: after task i, column j: test on task j)");
                }
                for (int j = 0; j < t; j++) {
                    r[i][j] = accuracy(row.get(j), "accuracy_matrix[" + (i + 1) + "][" + (j + 1) + "]");
                }
            }
            return r;
        }

        /**
         * The tasks a run finished: its {@code tasks_done} (a count up to {@code tasks}; absent, all of them),
         * agreeing with {@code complete} where that is given, and its {@code stopped} error a line of text.
         */
        int tasksDone(JsonNode run, int tasks) {
            JsonNode done = run.path("tasks_done");
            int n = tasks;
            if (!done.isMissingNode()) {
                if (!done.isIntegralNumber() || !done.canConvertToInt() || done.asInt() < 0 || done.asInt() > tasks) {
                    throw bad("'tasks_done'", done, "expected a count of finished tasks from 0 to " + tasks);
                }
                n = done.asInt();
            }
            JsonNode complete = run.path("complete");
            if (!complete.isMissingNode() && (!complete.isBoolean() || complete.asBoolean() != (n == tasks))) {
                throw bad("'complete'", complete, "expected " + (n == tasks) + " for a run that finished " + n
                        + " of " + tasks + " tasks");
            }
            JsonNode stopped = run.path("stopped");
            if (!stopped.isMissingNode() && (!stopped.isTextual() || stopped.asText().isBlank() || n == tasks)) {
                throw bad("'stopped'", stopped, "expected the error that stopped an incomplete run, as text");
            }
            return n;
        }

        /** A run as the report reads it (loss curves, confusion matrix, memory, last task record), checked. */
        JsonNode run(JsonNode run) {
            if (!run.isObject()) {
                throw corrupt(file, "a run" + where + " is " + shown(run) + ", expected an object");
            }
            // The details may be absent (the report says so in one line), but what is there must be right.
            JsonNode window = run.path("loss_window_steps");
            if (!window.isMissingNode()
                    && (!window.isIntegralNumber() || !window.canConvertToInt() || window.asInt() < 1)) {
                throw bad("'loss_window_steps'", window, "expected an integer >= 1");
            }
            for (String curve : List.of("solver_loss", "generator_loss")) {
                JsonNode c = run.path(curve);
                if (c.isMissingNode() || c.isNull() && curve.equals("generator_loss")) {
                    continue;
                }
                if (!c.isArray()) {
                    throw bad("'" + curve + "'", c, "expected one list of losses per finished task");
                }
                for (JsonNode task : c) {
                    if (!task.isArray()) {
                        throw corrupt(file, "'" + curve + "'" + where + " holds " + shown(task) + ", not a list of "
                                + "losses");
                    }
                    for (JsonNode v : task) {
                        if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                            throw corrupt(file, "'" + curve + "'" + where + " holds " + shown(v) + ", not a loss");
                        }
                    }
                }
            }
            JsonNode confusion = run.path("confusion_matrix");
            if (!confusion.isNull() && !confusion.isMissingNode()) {
                if (!confusion.isArray() || confusion.isEmpty()) {
                    throw bad("'confusion_matrix'", confusion, "expected rows of counts or null");
                }
                for (JsonNode row : confusion) {
                    if (!row.isArray() || row.size() != confusion.size()) {
                        throw corrupt(file, "'confusion_matrix'" + where + " is not square (" + confusion.size()
                                + " rows, one of " + (row.isArray() ? row.size() + " values" : shown(row))
                                + "); expected rows true class, columns predicted");
                    }
                    row.forEach(v -> count(v, "a count of 'confusion_matrix'"));
                }
            }
            for (String map : List.of("memory_bytes", "heap_bytes")) {
                JsonNode m = run.path(map);
                if (m.isMissingNode()) {
                    continue;
                }
                if (!m.isObject()) {
                    throw bad("'" + map + "'", m, "expected bytes per component");
                }
                m.properties().forEach(e -> count(e.getValue(), "'" + map + "." + e.getKey() + "'"));
            }
            if (!run.path("dataset_bytes").isMissingNode()) {
                countOf(run, "dataset_bytes");
            }
            JsonNode tasks = run.path("tasks");
            if (tasks.isMissingNode()) {
                return run;
            }
            if (!tasks.isArray()) {
                throw bad("'tasks'", tasks, "expected one record per finished task");
            }
            if (!tasks.isEmpty()) {
                countOf(tasks.get(tasks.size() - 1), "replay_bytes");
            }
            return run;
        }
    }

    static RehearsalException corrupt(String file, String what) {
        return new RehearsalException(RehearsalException.DATA, file + ": " + what
                + "; rerun the command that wrote it, or remove it to leave it out of the report");
    }
}
