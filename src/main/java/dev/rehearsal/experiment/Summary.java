package dev.rehearsal.experiment;

import dev.rehearsal.ResultsSchema;
import dev.rehearsal.config.ExperimentConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.metrics.Completion;
import dev.rehearsal.metrics.Phase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Runs of several strategies over several seeds, aggregated per strategy (mean and sample standard
 * deviation over seeds), and rendered as JSON, Markdown and a console table.
 */
public final class Summary {
    private final ExperimentConfig config;
    private final Map<String, List<RunResult>> runs = new LinkedHashMap<>();
    /** A strategy's own config where it differs from {@link #config} (a sweep's grid points). */
    private final Map<String, ExperimentConfig> configs = new LinkedHashMap<>();
    /** The one-line error that stopped a run before its last task, by run id ("lwf-seed1"). */
    private final Map<String, String> stops = new LinkedHashMap<>();
    /** Runs asked for that never started. */
    private final List<Completion.NotRun> notRun = new ArrayList<>();
    /** The work this process ran (kept runs of an earlier process are not in it): what machine use counts. */
    private final List<MachineUse.Work> ranHere = new ArrayList<>();
    /** How much of the machine the command used, once it is known (results.json's machine_use). */
    private MachineUse machineUse;
    /** The paired tests' family when a grid declares one ({@code paired-by}); null: the default family. */
    private List<List<String>> pairs;

    public Summary(ExperimentConfig config) {
        this.config = config;
    }

    public void add(RunResult r) {
        runs.computeIfAbsent(r.strategy(), k -> new ArrayList<>()).add(r);
    }

    /** Adds a run whose config is its own (written with its strategy when it differs from the summary's). */
    public void add(RunResult r, ExperimentConfig own) {
        add(r);
        configs.put(r.strategy(), own);
    }

    /**
     * A copy with one more (possibly unfinished) run: what results.json shows while that run goes on; with
     * null, a plain copy.
     */
    public Summary with(RunResult partial) {
        Summary s = new Summary(config);
        runs.values().forEach(list -> list.forEach(s::add));
        s.configs.putAll(configs);
        s.stops.putAll(stops);
        s.notRun.addAll(notRun);
        s.ranHere.addAll(ranHere);
        s.machineUse = machineUse;
        if (partial != null) {
            s.add(partial);
        }
        return s;
    }

    /** Records the work this process did for a run ({@link MachineUse.Work#thisProcess}). */
    public void ranHere(MachineUse.Work work) {
        ranHere.add(work);
    }

    /** The work this process ran, in order. */
    public List<MachineUse.Work> ranHere() {
        return List.copyOf(ranHere);
    }

    /** The runs kept from an earlier process (in the tables, not in machine use). */
    public int kept() {
        return runs.values().stream().mapToInt(List::size).sum() - ranHere.size();
    }

    /** Sets the command's machine use: written as machine_use and as a section of results.md. */
    public void setMachineUse(MachineUse use) {
        this.machineUse = use;
    }

    /** Records the one-line error that stopped a run of {@code strategy} with {@code seed} before its last task. */
    public void stopped(String strategy, long seed, String reason) {
        stops.put(strategy + "-seed" + seed, reason);
    }

    /** Records runs that were asked for and never started, and why. */
    public void notRun(String strategy, List<Long> seeds, String reason) {
        notRun.add(new Completion.NotRun(strategy, seeds, reason));
    }

    public List<Completion.NotRun> notRun() {
        return List.copyOf(notRun);
    }

    /** How much of what was asked a strategy's runs cover (seeds asked: those run and those listed as not run). */
    public Completion completion(String strategy) {
        List<RunResult> rs = runs.get(strategy);
        int asked = rs.size() + notRun.stream().filter(n -> n.strategy().equals(strategy))
                .mapToInt(n -> n.seeds().size()).sum();
        String stop = rs.stream().map(r -> stops.get(strategy + "-seed" + r.seed()))
                .filter(java.util.Objects::nonNull).findFirst().orElse(null);
        return new Completion(rs.stream().mapToInt(r -> r.accuracy().rowsDone()).min().orElse(0),
                rs.get(0).accuracy().tasks(), rs.size(), asked, stop);
    }

    /** The strategy's name as tables and sentences show it, with its {@link Completion#marker} when incomplete. */
    public String label(String strategy) {
        return completion(strategy).label(strategy);
    }

    /** The strategies in the order every table lists them: the complete ones, then the incomplete ones. */
    public List<String> listed() {
        return Completion.completeFirst(new ArrayList<>(runs.keySet()), this::completion);
    }

    /** Restricts the paired comparisons to these pairs of strategy names (a grid's {@code paired-by}). */
    public void pairs(List<List<String>> family) {
        this.pairs = family == null ? null : List.copyOf(family);
    }

    /** The table's paired comparisons, over the family {@link #pairs} set (every pair by default). */
    public List<dev.rehearsal.stats.Verdict.Answer> comparisons() {
        return PairedComparisons.of(runs, pairs);
    }

    public Map<String, List<RunResult>> runs() {
        return runs;
    }

    /**
     * A quantity over a strategy's seeds: its mean, sample standard deviation, n, the standard error of the mean
     * (std / sqrt(n), as the literature reports it) and the half-width of the 95% Student-t interval; std, sem
     * and the interval are NaN for one seed, and everything is NaN when any run's value is undefined.
     */
    public record Stat(double mean, double std, int n, double sem, double ci95) {
        /** The literature's "mean ± SEM", or the mean alone for one seed; "n/a" when undefined. */
        public String format(String pattern) {
            if (Double.isNaN(mean)) {
                return "n/a";
            }
            return sem > 0 ? String.format(Locale.ROOT, pattern + " ± " + pattern, mean, sem)
                    : String.format(Locale.ROOT, pattern, mean);
        }

        /** "[lo, hi]", the 95% t interval, or "n/a". */
        public String interval(String pattern) {
            return Double.isNaN(ci95) ? "n/a" : String.format(Locale.ROOT, "[" + pattern + ", " + pattern + "]",
                    mean - ci95, mean + ci95);
        }
    }

    /** The {@link Stat} of a quantity over the runs ({@link dev.rehearsal.stats.SeedSummary}). */
    public static Stat stat(List<RunResult> rs, ToDoubleFunction<RunResult> f) {
        double[] v = rs.stream().mapToDouble(f).toArray();
        if (v.length == 0 || java.util.Arrays.stream(v).anyMatch(x -> !Double.isFinite(x))) {
            return new Stat(Double.NaN, Double.NaN, v.length, Double.NaN, Double.NaN);
        }
        dev.rehearsal.stats.SeedSummary s = dev.rehearsal.stats.SeedSummary.of(v);
        return new Stat(s.mean(), s.std(), s.n(), s.sem(), s.ci95());
    }

    public Stat stat(String strategy, ToDoubleFunction<RunResult> f) {
        return stat(runs.get(strategy), f);
    }

    private List<String> answers = List.of();

    /** Paragraphs answering the report's questions from these runs (written into results.json and the report). */
    public void setAnswers(List<String> paragraphs) {
        this.answers = List.copyOf(paragraphs);
    }

    /**
     * Why these runs are shorter than their preset's protocol ({@link dev.rehearsal.config.ShortRun}, over each
     * strategy's own config); empty for the full protocol.
     */
    public List<String> shortReasons() {
        List<List<String>> each = new ArrayList<>();
        for (String name : runs.isEmpty() ? config.strategies : new ArrayList<>(runs.keySet())) {
            ExperimentConfig own = configs.get(name);
            each.add(own != null ? dev.rehearsal.config.ShortRun.reasons(own)
                    : dev.rehearsal.config.ShortRun.reasons(Json.MAPPER.valueToTree(config), List.of(name)));
        }
        return dev.rehearsal.config.ShortRun.union(each);
    }

    /** results.json (see the schema's definition "results"). */
    public ObjectNode toJson() {
        ObjectNode root = Provenance.stamp(Json.MAPPER.createObjectNode(), "results");
        root.set("config", Json.config(config));
        List<String> shortReasons = shortReasons();
        root.put("short", !shortReasons.isEmpty());
        ArrayNode why = root.putArray("short_reasons");
        shortReasons.forEach(why::add);
        if (!answers.isEmpty()) {
            ArrayNode a = root.putArray("answers");
            answers.forEach(a::add);
        }
        List<dev.rehearsal.stats.Verdict.Answer> compared = comparisons();
        if (!compared.isEmpty()) {
            root.set("comparisons", PairedComparisons.json(compared));
        }
        ArrayNode results = root.putArray("results");
        for (Map.Entry<String, List<RunResult>> e : runs.entrySet()) {
            ObjectNode o = strategyJson(e.getKey(), e.getValue());
            for (JsonNode run : o.path("runs")) {
                String stop = stops.get(e.getKey() + "-seed" + run.path("seed").asLong());
                if (stop != null && !run.path("complete").asBoolean()) {
                    ((ObjectNode) run).put("stopped", stop);
                }
            }
            ExperimentConfig own = configs.get(e.getKey());
            if (own != null) {
                ObjectNode written = Json.config(own);
                if (!written.equals(root.get("config"))) {
                    o.set("config", written);
                }
            }
            results.add(o);
        }
        if (machineUse != null) {
            root.set("machine_use", machineUse.toJson());
        }
        if (!notRun.isEmpty()) {
            ArrayNode skipped = root.putArray("not_run");
            for (Completion.NotRun n : notRun) {
                ObjectNode o = skipped.addObject();
                o.put("strategy", n.strategy());
                ArrayNode seeds = o.putArray("seeds");
                n.seeds().forEach(seeds::add);
                o.put("reason", n.reason());
            }
        }
        return root;
    }

    /**
     * One strategy over its seeds: R and b averaged (a row of R is null until every run finished that task),
     * mean and sample std of each metric (std null for one seed), mean times, and every run.
     */
    static ObjectNode strategyJson(String strategy, List<RunResult> rs) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("strategy", strategy);
        ArrayNode seeds = o.putArray("seeds");
        rs.forEach(r -> seeds.add(r.seed()));
        int t = rs.get(0).accuracy().tasks();
        int done = rs.stream().mapToInt(r -> r.accuracy().rowsDone()).min().orElse(0);
        double[][] r = new double[t][t];
        double[] b = new double[t];
        for (RunResult run : rs) {
            double[][] m = run.accuracy().r();
            double[] bb = run.accuracy().b();
            for (int i = 0; i < t; i++) {
                b[i] += bb[i] / rs.size();
                for (int j = 0; j < t; j++) {
                    r[i][j] += m[i][j] / rs.size();
                }
            }
        }
        o.put("tasks_done", done);
        o.set("accuracy_matrix", RunResult.rows(r, done));
        o.set("initial_accuracy", ResultsSchema.vector(b));
        o.put("n", rs.size());
        putWithSem(o, "acc", stat(rs, RunResult::acc));
        putWithSem(o, "bwt", stat(rs, RunResult::bwt));
        put(o, "fwt", stat(rs, RunResult::fwt));
        putWithSem(o, "forgetting", stat(rs, RunResult::forgetting));
        boolean validated = rs.stream().allMatch(x -> x.validation() != null);
        putWithSem(o, "validation_acc", validated ? stat(rs, RunResult::validationAcc)
                : new Stat(Double.NaN, Double.NaN, rs.size(), Double.NaN, Double.NaN));
        put(o, "ms", stat(rs, x -> x.efficiency().ms()));
        put(o, "sss", stat(rs, x -> x.efficiency().sss()));
        put(o, "ce", stat(rs, x -> x.efficiency().ce()));
        ObjectNode seconds = o.putObject("seconds");
        for (Phase p : Phase.values()) {
            seconds.put(p.id(), stat(rs, x -> x.ledger().seconds(p)).mean());
        }
        seconds.put("total", stat(rs, RunResult::wallSeconds).mean());
        o.put("memory_bytes", rs.get(0).memoryBytes());
        o.put("training_macs", (long) stat(rs, x -> (double) x.trainingMacs()).mean());
        o.set("samples_per_second", ResultsSchema.number(stat(rs, RunResult::samplesPerSecond).mean()));
        ArrayNode per = o.putArray("runs");
        rs.forEach(x -> per.add(x.toJson()));
        return o;
    }

    private static void put(ObjectNode o, String key, Stat s) {
        o.set(key, ResultsSchema.number(s.mean()));
        o.set(key + "_std", ResultsSchema.number(s.std()));
    }

    /** The mean and std, and the SEM and 95% t half-width the literature reports. */
    private static void putWithSem(ObjectNode o, String key, Stat s) {
        put(o, key, s);
        o.set(key + "_sem", ResultsSchema.number(s.sem()));
        o.set(key + "_ci95", ResultsSchema.number(s.ci95()));
    }

    /** Whether every run holds validation accuracies (the table then has a column for them). */
    private boolean validated() {
        return runs.values().stream().flatMap(List::stream).allMatch(r -> r.validation() != null);
    }

    /**
     * The comparison table as Markdown (also printed on the console): each metric as mean ± SEM over the seeds
     * (n of them), ACC's 95% t interval, and validation ACC when the runs hold validation sets. Incomplete
     * strategies come after the complete ones, marked ({@link Completion}), with a line saying why; runs that
     * never started are listed below the table with the reason.
     */
    public String markdownTable() {
        boolean val = validated();
        StringBuilder b = new StringBuilder();
        b.append("| strategy | n | ACC | ACC 95% CI |").append(val ? " validation ACC |" : "")
                .append(" BWT | FWT | forgetting | MS | SSS | CE | memory (MB) | training MACs | time (s) |\n");
        b.append("|---|---|---|---|").append(val ? "---|" : "").append("---|---|---|---|---|---|---|---|---|\n");
        for (String s : listed()) {
            List<RunResult> rs = runs.get(s);
            Stat acc = stat(rs, RunResult::acc);
            b.append("| ").append(label(s))
                    .append(" | ").append(rs.size())
                    .append(" | ").append(acc.format("%.4f"))
                    .append(" | ").append(acc.interval("%.4f"))
                    .append(val ? " | " + stat(rs, RunResult::validationAcc).format("%.4f") : "")
                    .append(" | ").append(stat(rs, RunResult::bwt).format("%.4f"))
                    .append(" | ").append(stat(rs, RunResult::fwt).format("%.4f"))
                    .append(" | ").append(stat(rs, RunResult::forgetting).format("%.4f"))
                    .append(" | ").append(stat(rs, x -> x.efficiency().ms()).format("%.3f"))
                    .append(" | ").append(stat(rs, x -> x.efficiency().sss()).format("%.3f"))
                    .append(" | ").append(stat(rs, x -> x.efficiency().ce()).format("%.3f"))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3f", rs.get(0).memoryBytes() / 1e6))
                    .append(" | ").append(String.format(Locale.ROOT, "%.3g", stat(rs,
                            x -> (double) x.trainingMacs()).mean()))
                    .append(" | ").append(stat(rs, RunResult::wallSeconds).format("%.1f"))
                    .append(" |\n");
        }
        b.append(incompleteNotes());
        return b.toString();
    }

    /**
     * Below the table: why each incomplete strategy is incomplete (not comparable with the rows above it), and
     * each run that never started; empty when everything ran.
     */
    private String incompleteNotes() {
        StringBuilder b = new StringBuilder();
        for (String s : listed()) {
            Completion c = completion(s);
            if (!c.complete()) {
                b.append('\n').append(c.explanation(s)).append('\n');
            }
        }
        if (!notRun.isEmpty()) {
            b.append("\nNot run:\n\n");
            notRun.forEach(n -> b.append("- ").append(n.line()).append('\n'));
        }
        return b.toString();
    }

    /** What class orders the runs used: one fixed order, or one per seed (listed). */
    String classOrders() {
        java.util.Set<String> orders = new java.util.LinkedHashSet<>();
        StringBuilder each = new StringBuilder();
        for (List<RunResult> rs : runs.values()) {
            for (RunResult r : rs) {
                if (r.classOrder() != null && orders.add(java.util.Arrays.toString(r.classOrder()))) {
                    each.append(each.length() == 0 ? "" : "; ").append("seed ").append(r.seed()).append(' ')
                            .append(java.util.Arrays.toString(r.classOrder()));
                }
            }
        }
        if (orders.isEmpty()) {
            return "\n";
        }
        return orders.size() == 1 ? "Class order " + orders.iterator().next() + " for every run.\n"
                : "Class orders drawn per seed (" + each + ").\n";
    }

    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Rehearsal comparison\n\n");
        String shortLine = dev.rehearsal.config.ShortRun.line(shortReasons());
        if (shortLine != null) {
            b.append("**").append(shortLine).append("**\n\n");
        }
        if (!answers.isEmpty()) {
            b.append("## What this run answers\n\n");
            answers.forEach(a -> b.append("- ").append(a).append('\n'));
            b.append('\n');
        }
        b.append(String.format(Locale.ROOT, "%s %s, %s-incremental, preset %s, backend %s, %d thread(s), seeds %s%n%n",
                config.scenario.id(), config.dataset.id(), config.setting.id(), config.preset.id(), config.backend.id(),
                config.threads,
                runs.values().iterator().next().stream().map(r -> Long.toString(r.seed())).toList()));
        b.append(markdownTable());
        b.append("\nMean ± standard error of the mean (sample std / sqrt(n)) over the n seeds, as the literature "
                + "reports it; the 95% interval is Student's t with n - 1 degrees of freedom. ");
        b.append(classOrders());
        b.append(PairedComparisons.markdown(comparisons()));
        if (machineUse != null) {
            b.append(machineUse.markdown());
        }
        b.append("\nACC: mean final accuracy over tasks; BWT: backward transfer; FWT: forward transfer (Lopez-Paz and "
                + "Ranzato 2017); forgetting: Chaudhry et al. 2018. MS, SSS, CE: model size, samples storage and "
                + "computational efficiency (Díaz-Rodríguez et al. 2018; 1 is best). Memory: exact bytes the strategy allocated "
                + "(solver, batch buffers, replay buffer or generator and frozen models). Training MACs: solver and "
                + "generator training plus generation.\n");
        for (Map.Entry<String, List<RunResult>> e : runs.entrySet()) {
            RunResult first = e.getValue().get(0);
            b.append("\n## ").append(label(e.getKey())).append("\n\nR (row i: after task i; seed ").append(first.seed())
                    .append("):\n\n");
            double[][] r = first.accuracy().r();
            b.append("| after \\ on |");
            for (int j = 0; j < r.length; j++) {
                b.append(" task ").append(j + 1).append(" |");
            }
            b.append("\n|---|").append("---|".repeat(r.length)).append('\n');
            for (int i = 0; i < r.length; i++) {
                b.append("| task ").append(i + 1).append(" |");
                for (double v : r[i]) {
                    b.append(String.format(Locale.ROOT, " %.3f |", v));
                }
                b.append('\n');
            }
            b.append("\nMemory (exact bytes): ");
            first.memory().forEach((k, v) -> b.append(k).append(' ').append(String.format(Locale.ROOT, "%,d", v))
                    .append("; "));
            b.append("\nTime (s): ");
            for (Phase p : Phase.values()) {
                b.append(p.id()).append(' ').append(String.format(Locale.ROOT, "%.2f", first.ledger().seconds(p)))
                        .append("; ");
            }
            b.append('\n');
        }
        return b.toString();
    }
}
