package dev.rehearsal.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsSchema;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.stats.SeedSummary;
import dev.rehearsal.stats.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How accuracy, memory, compute and time grow with the number of tasks: every strategy runs on task sequences of
 * each requested length (Permuted-MNIST with T permutations, or Split with the first T pairs of classes), on one
 * or more seeds. Per strategy and T: final ACC (mean ± SEM over seeds), average forgetting, exact replay memory,
 * training and evaluation MACs and wall time (costs: means over seeds); each cost gets a log-log fit against T
 * (slope ~0 constant, ~1 linear, ~2 quadratic), and where two strategies' fitted lines of a cost cross inside the
 * measured range, the crossing T with the two ACCs at the nearest measured T, paired by seed and Holm-corrected
 * over the crossings ({@link Verdict}). Written as {@code scale.json} and {@code scale.md} by the {@code scale}
 * command and by a sweep whose grid says {@code report: scale}.
 */
public final class ScaleStudy {
    /**
     * The costs fitted, as named in scale.json. The replay memory (what a strategy keeps to remember, e.g. the
     * stored samples) is what scales; the total adds the solver and buffers, which do not, so its log-log slope
     * understates the growth. Evaluation MACs are the test passes after every task: quadratic in T.
     */
    public static final List<String> QUANTITIES = List.of("replay_memory_bytes", "memory_bytes", "training_macs",
            "evaluation_macs", "seconds");

    /** The costs whose crossings between strategies the study names. */
    public static final List<String> CROSSED = List.of("replay_memory_bytes", "training_macs", "evaluation_macs");

    private ScaleStudy() {
    }

    /**
     * One run: its strategy (a sweep's point label without seed and task count), task count, pairing key (seed and
     * class order), peak replay and strategy memory over its tasks (exact), learning and evaluation MACs, wall time,
     * final ACC, average forgetting, and {@code leastLearned}: the lowest accuracy of a task right after it was
     * learned (the smallest diagonal entry of the accuracy matrix), which says whether the per-task protocol is long
     * enough for every task to be learned, NaN when the record has no matrix.
     */
    public record Measurement(String strategy, int tasks, String pairing, long replayMemoryBytes, long memoryBytes,
            long trainingMacs, long evaluationMacs, double seconds, double acc, double forgetting,
            double leastLearned) {
    }

    /**
     * One strategy at one task count, over its seeds; {@code leastLearned} is the lowest over its seeds of each
     * run's {@link Measurement#leastLearned} (NaN when no run has a matrix).
     */
    public record Row(String strategy, int tasks, SeedSummary acc, double forgetting, Map<String, Double> accBySeed,
            Map<String, Double> costs, double leastLearned) {
    }

    /** Two strategies' fitted lines of one cost crossing at {@code atTasks} (interpolated). */
    public record Crossover(String quantity, String a, String b, double atTasks, String cheaperBelow,
            Row nearestA, Row nearestB, Verdict.Answer verdict) {
    }

    /** The measurement of a finished run from its record ({@link RunResult#toJson}, a sweep's runs/ID.json). */
    public static Measurement of(String strategy, JsonNode record) {
        long replay = 0;
        long peak = 0;
        for (JsonNode t : record.path("tasks")) {
            replay = Math.max(replay, t.path("replay_bytes").asLong());
            peak = Math.max(peak, t.path("strategy_bytes").asLong());
        }
        if (record.path("tasks").isEmpty()) {
            peak = record.path("memory_bytes").path("total").asLong();
        }
        double least = Double.NaN;
        JsonNode r = record.path("accuracy_matrix");
        for (int i = 0; i < r.size(); i++) {
            double d = ResultsSchema.read(r.get(i).path(i));
            if (!Double.isNaN(d)) {
                least = Double.isNaN(least) ? d : Math.min(least, d);
            }
        }
        return new Measurement(strategy, record.path("tasks_done").asInt(), "seed " + record.path("seed").asText()
                + " order " + record.path("class_order"), replay, peak,
                record.path("macs").path("training_total").asLong(), record.path("macs").path("evaluation").asLong(),
                record.path("seconds").path("total").asDouble(), ResultsSchema.read(record.path("acc")),
                ResultsSchema.read(record.path("forgetting")), least);
    }

    /** The config of one run of the study. */
    public static ExperimentConfig configFor(ExperimentConfig base, String strategy, int tasks) {
        ExperimentConfig c = Experiment.single(base, strategy, base.seed);
        if (c.scenario == dev.rehearsal.config.ScenarioType.PERMUTED) {
            c.tasks = tasks;
        } else {
            if (c.classOrder.isRandom()) {
                throw new RehearsalException(RehearsalException.USAGE, "scale on a split scenario takes the first "
                        + "classes of one order: give --class-order fixed or a list, or use --scenario permuted");
            }
            if (tasks * c.classesPerTask > c.classCount()) {
                throw new RehearsalException(RehearsalException.USAGE, "a split scenario of " + c.classCount()
                        + " classes has at most " + c.classCount() / c.classesPerTask + " tasks, asked for " + tasks
                        + " (use --scenario permuted for longer sequences)");
            }
            c.classOrder = dev.rehearsal.config.ClassOrder.of(c.classOrder.classes().subList(0,
                    tasks * c.classesPerTask));
        }
        return c.validate();
    }

    /** Per strategy and task count (in the given orders), its runs summarised over seeds. */
    public static List<Row> rows(List<String> strategies, List<Integer> taskCounts, List<Measurement> ms) {
        List<Row> out = new ArrayList<>();
        for (String s : strategies) {
            for (int t : taskCounts) {
                List<Measurement> mine = ms.stream().filter(m -> m.strategy().equals(s) && m.tasks() == t).toList();
                if (mine.isEmpty()) {
                    continue;
                }
                Map<String, Double> bySeed = new LinkedHashMap<>();
                mine.forEach(m -> bySeed.put(m.pairing(), m.acc()));
                Map<String, Double> costs = new LinkedHashMap<>();
                costs.put("replay_memory_bytes", mean(mine, m -> m.replayMemoryBytes()));
                costs.put("memory_bytes", mean(mine, m -> m.memoryBytes()));
                costs.put("training_macs", mean(mine, m -> m.trainingMacs()));
                costs.put("evaluation_macs", mean(mine, m -> m.evaluationMacs()));
                costs.put("seconds", mean(mine, Measurement::seconds));
                double[] forgetting = mine.stream().mapToDouble(Measurement::forgetting).filter(Double::isFinite)
                        .toArray();
                out.add(new Row(s, t, SeedSummary.of(mine.stream().mapToDouble(Measurement::acc).toArray()),
                        forgetting.length == 0 ? Double.NaN : java.util.Arrays.stream(forgetting).average()
                                .getAsDouble(), bySeed, costs, mine.stream().mapToDouble(Measurement::leastLearned)
                                .filter(Double::isFinite).min().orElse(Double.NaN)));
            }
        }
        return out;
    }

    private static double mean(List<Measurement> ms, java.util.function.ToDoubleFunction<Measurement> f) {
        return ms.stream().mapToDouble(f).average().orElse(Double.NaN);
    }

    /** Each strategy's log-log fit of each cost over its task counts (costs with a zero are not fitted). */
    public static Map<String, Growth> fits(List<String> strategies, List<Row> rows) {
        Map<String, Growth> out = new LinkedHashMap<>();
        for (String s : strategies) {
            List<Row> mine = rows.stream().filter(r -> r.strategy().equals(s)).toList();
            if (mine.size() < 2) {
                continue;
            }
            double[] t = mine.stream().mapToDouble(Row::tasks).toArray();
            for (String q : QUANTITIES) {
                double[] y = mine.stream().mapToDouble(r -> r.costs().get(q)).toArray();
                if (java.util.Arrays.stream(y).anyMatch(v -> !(v > 0))) {
                    continue; // nothing to fit on a log scale (e.g. fine-tuning keeps no replay memory)
                }
                out.put(s + "\u0000" + q, Growth.fit(t, y));
            }
        }
        return out;
    }

    /**
     * Where two strategies' fitted lines of a cost ({@link #CROSSED}), both fitted over the task counts both
     * measured, cross strictly inside them: {@code ln T = (b0 - a0) / (a1 - b1)}. Their ACCs are compared at the measured T nearest to the
     * crossing (in log T), paired by seed when they share two or more, Holm-corrected over all the crossings.
     */
    public static List<Crossover> crossovers(List<String> strategies, List<Row> rows, Map<String, Growth> fits) {
        record Found(String q, String a, String b, double at, String cheaperBelow, Row ra, Row rb) {
        }
        List<Found> found = new ArrayList<>();
        for (String q : CROSSED) {
            for (int i = 0; i < strategies.size(); i++) {
                for (int j = i + 1; j < strategies.size(); j++) {
                    String a = strategies.get(i);
                    String b = strategies.get(j);
                    if (fits.get(a + "\u0000" + q) == null || fits.get(b + "\u0000" + q) == null) {
                        continue;
                    }
                    List<Integer> common = rows.stream().filter(r -> r.strategy().equals(a)).map(Row::tasks)
                            .filter(t -> rows.stream().anyMatch(r -> r.strategy().equals(b) && r.tasks() == t))
                            .sorted().toList();
                    if (common.size() < 2) {
                        continue;
                    }
                    // Both lines fitted over the task counts both measured: lines fitted over different ranges
                    // can cross where the costs are equal at every count (evaluation MACs of one solver).
                    Growth fa = fitOver(rows, a, q, common);
                    Growth fb = fitOver(rows, b, q, common);
                    if (Math.abs(fa.slope() - fb.slope()) < 1e-9) {
                        continue;
                    }
                    double logT = (fb.intercept() - fa.intercept()) / (fa.slope() - fb.slope());
                    if (!(logT > Math.log(common.get(0)) && logT < Math.log(common.get(common.size() - 1)))) {
                        continue;
                    }
                    int nearest = common.get(0);
                    for (int t : common) {
                        if (Math.abs(Math.log(t) - logT) < Math.abs(Math.log(nearest) - logT)) {
                            nearest = t;
                        }
                    }
                    int n = nearest;
                    found.add(new Found(q, a, b, Math.exp(logT), fa.slope() > fb.slope() ? a : b,
                            rows.stream().filter(r -> r.strategy().equals(a) && r.tasks() == n).findFirst()
                                    .orElseThrow(),
                            rows.stream().filter(r -> r.strategy().equals(b) && r.tasks() == n).findFirst()
                                    .orElseThrow()));
                }
            }
        }
        List<Verdict.Question> family = new ArrayList<>();
        List<Integer> asked = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            Found f = found.get(i);
            if (Verdict.pairable(f.ra().accBySeed(), f.rb().accBySeed())) {
                asked.add(i);
                family.add(new Verdict.Question(f.a(), f.ra().accBySeed(), f.b(), f.rb().accBySeed()));
            }
        }
        List<Verdict.Answer> answers = family.isEmpty() ? List.of() : Verdict.decide(family);
        List<Crossover> out = new ArrayList<>();
        for (int i = 0; i < found.size(); i++) {
            Found f = found.get(i);
            int k = asked.indexOf(i);
            out.add(new Crossover(f.q(), f.a(), f.b(), f.at(), f.cheaperBelow(), f.ra(), f.rb(),
                    k < 0 ? null : answers.get(k)));
        }
        return out;
    }

    /** {@code strategy}'s log-log fit of {@code quantity} over the task counts {@code counts} alone. */
    private static Growth fitOver(List<Row> rows, String strategy, String quantity, List<Integer> counts) {
        double[] t = new double[counts.size()];
        double[] y = new double[counts.size()];
        for (int k = 0; k < counts.size(); k++) {
            int n = counts.get(k);
            t[k] = n;
            y[k] = rows.stream().filter(r -> r.strategy().equals(strategy) && r.tasks() == n).findFirst()
                    .orElseThrow().costs().get(quantity);
        }
        return Growth.fit(t, y);
    }

    /**
     * scale.json from the runs {@code ms}: the rows (strategy x task count over seeds), the fits and the
     * crossovers; {@code notRun}: runs of the study without a result yet (a sweep stopped part-way).
     */
    public static ObjectNode toJson(ObjectNode config, String scenario, List<String> strategies,
            List<Integer> taskCounts, List<Measurement> ms, int notRun) {
        List<Integer> counts = taskCounts.stream().distinct().sorted().toList();
        List<Row> rows = rows(strategies, counts, ms);
        Map<String, Growth> fits = fits(strategies, rows);
        ObjectNode root = dev.rehearsal.experiment.Provenance.stamp(Json.MAPPER.createObjectNode(), "scale");
        root.set("config", config);
        root.put("scenario", scenario);
        ArrayNode st = root.putArray("strategies");
        strategies.forEach(st::add);
        ArrayNode tk = root.putArray("tasks");
        counts.forEach(tk::add);
        root.put("runs", ms.size());
        root.put("runs_not_finished", notRun);
        ArrayNode arr = root.putArray("measurements");
        for (Row r : rows) {
            ObjectNode o = arr.addObject().put("strategy", r.strategy()).put("tasks", r.tasks())
                    .put("seeds", r.acc().n());
            o.set("acc", ResultsSchema.number(r.acc().mean()));
            o.set("acc_sem", ResultsSchema.number(r.acc().sem()));
            o.set("forgetting", ResultsSchema.number(r.forgetting()));
            o.set("least_learned", ResultsSchema.number(r.leastLearned()));
            for (String q : QUANTITIES) {
                if (q.equals("seconds")) {
                    o.put(q, r.costs().get(q));
                } else {
                    o.put(q, Math.round(r.costs().get(q)));
                }
            }
        }
        ArrayNode fa = root.putArray("fits");
        fits.forEach((k, g) -> {
            String[] sq = k.split("\u0000");
            fa.addObject().put("strategy", sq[0]).put("quantity", sq[1]).put("slope", g.slope())
                    .put("intercept", g.intercept()).put("log_base", "e").put("growth", g.growth());
        });
        ArrayNode cr = root.putArray("crossovers");
        for (Crossover c : crossovers(strategies, rows, fits)) {
            ObjectNode o = cr.addObject().put("quantity", c.quantity()).put("a", c.a()).put("b", c.b())
                    .put("at_tasks", c.atTasks()).put("cheaper_below", c.cheaperBelow())
                    .put("nearest_tasks", c.nearestA().tasks());
            o.set("a_acc", ResultsSchema.number(c.nearestA().acc().mean()));
            o.set("b_acc", ResultsSchema.number(c.nearestB().acc().mean()));
            if (c.verdict() != null) {
                Verdict.Answer v = c.verdict();
                o.put("paired_seeds", v.test().n()).put("mean_difference", v.test().meanDiff());
                o.set("p_t_holm", ResultsSchema.number(v.pTHolm()));
                o.set("p_wilcoxon_holm", ResultsSchema.number(v.pWHolm()));
                o.put("significant", v.significant()).put("sentence", v.sentence());
            }
        }
        return root;
    }

    /** A number of scale.json with 4 decimals, "n/a" when it is null or absent. */
    private static String fourOrNa(JsonNode v) {
        return v.isNumber() ? String.format(Locale.ROOT, "%.4f", v.asDouble()) : "n/a";
    }

    /** How a quantity reads in a sentence. */
    static String title(String quantity) {
        return switch (quantity) {
            case "replay_memory_bytes" -> "replay memory";
            case "memory_bytes" -> "memory";
            case "training_macs" -> "training MACs";
            case "evaluation_macs" -> "evaluation MACs";
            default -> "wall time";
        };
    }

    /**
     * scale.json as Markdown: per strategy and task count ACC ± SEM, forgetting and the costs; the fitted growth;
     * the crossovers; the figures the report draws beside it (figures/scaling-*.png, written with report.html).
     */
    public static String markdown(ObjectNode scale) {
        StringBuilder b = new StringBuilder("# Rehearsal scaling study\n\n");
        b.append(String.format(Locale.ROOT, "How each method scales with the number of tasks T (%s scenario, T = %s):"
                + " final ACC as mean ± standard error of the mean over seeds, average forgetting, and the costs as "
                + "means over seeds: replay memory (exact bytes, peak over the tasks), memory (every byte the "
                + "strategy allocated, peak), training MACs (solver and generator training, generation, "
                + "consolidation) and evaluation MACs (the test passes after every task), as the GEMMs issued them, "
                + "and wall time. %d runs%s.%n%n", scale.path("scenario").asText(), scale.path("tasks").toString()
                .replaceAll("[\\[\\]]", "").replace(",", ", "), scale.path("runs").asInt(),
                scale.path("runs_not_finished").asInt() > 0 ? "; " + scale.path("runs_not_finished").asInt()
                + " not finished yet, left out" : ""));
        b.append("![ACC against the number of tasks](figures/scaling-acc.png)\n\n"
                + "![Replay memory against the number of tasks](figures/scaling-replay_memory_bytes.png)\n\n"
                + "![Training MACs against the number of tasks](figures/scaling-training_macs.png)\n\n"
                + "![Evaluation MACs against the number of tasks](figures/scaling-evaluation_macs.png)\n\n");
        b.append("Least learned: the lowest accuracy any task had right after it was learned, over the seeds (the "
                + "smallest diagonal entry of their accuracy matrices): whether the per-task protocol is long enough "
                + "for every task to be learned.\n\n");
        b.append("| strategy | T | seeds | ACC | forgetting | least learned | replay memory (B) | memory (B) "
                + "| training MACs | evaluation MACs | time (s) |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (JsonNode m : scale.get("measurements")) {
            double sem = ResultsSchema.read(m.path("acc_sem"));
            b.append(String.format(Locale.ROOT, "| %s | %d | %d | %.4f%s | %s | %s | %,d | %,d | %.3g | %.3g | %.1f |%n",
                    m.get("strategy").asText(), m.get("tasks").asInt(), m.path("seeds").asInt(1),
                    m.get("acc").asDouble(), Double.isNaN(sem) ? "" : String.format(Locale.ROOT, " ± %.4f", sem),
                    fourOrNa(m.path("forgetting")), fourOrNa(m.path("least_learned")),
                    m.get("replay_memory_bytes").asLong(),
                    m.get("memory_bytes").asLong(), m.get("training_macs").asDouble(),
                    m.path("evaluation_macs").asDouble(), m.get("seconds").asDouble()));
        }
        b.append("\nFitted growth, y = exp(intercept) T^slope by least squares in log-log space over the means "
                + "(slope about 0: constant, 1: linear, 2: quadratic):\n\n");
        b.append("| strategy | quantity | log-log slope | growth in the number of tasks |\n|---|---|---|---|\n");
        for (var f : scale.get("fits")) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s |%n", f.get("strategy").asText(),
                    f.get("quantity").asText(), f.get("slope").asDouble(), f.get("growth").asText()));
        }
        b.append("\n## Crossovers\n\n");
        if (scale.path("crossovers").isEmpty()) {
            b.append("No two strategies' fitted lines of replay memory, training MACs or evaluation MACs cross "
                    + "inside the measured range of T.\n");
        }
        for (JsonNode c : scale.path("crossovers")) {
            String a = c.get("a").asText();
            String bb = c.get("b").asText();
            String cheaper = c.get("cheaper_below").asText();
            String other = cheaper.equals(a) ? bb : a;
            b.append(String.format(Locale.ROOT, "- %s: %s's and %s's fitted lines cross at T = %.1f: below it %s "
                    + "costs less, above it %s. At T = %d (the nearest measured), ACC %s %.4f against %s %.4f; %s.%n",
                    title(c.get("quantity").asText()), a, bb, c.get("at_tasks").asDouble(), cheaper, other,
                    c.get("nearest_tasks").asInt(), a, c.get("a_acc").asDouble(), bb, c.get("b_acc").asDouble(),
                    c.has("sentence") ? c.get("sentence").asText() : "no paired test (fewer than two shared seeds)"));
        }
        return b.toString();
    }
}
