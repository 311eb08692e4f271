package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The memory-accuracy frontier of a sweep ({@code report: frontier} in its grid): for every strategy (a grid
 * point's label without its seed and budget) and budget, ACC as mean ± sample std over seeds against the
 * replay memory it kept after the last task (exact, mean over seeds) and against its training MACs; which
 * points are Pareto-optimal (no other point keeps at most as much and reaches a higher ACC, or spends at most
 * as many MACs and reaches a higher ACC); the best strategy within each budget; and the points that do not
 * fit their budget, with the reason. Published results of the settings measured are drawn as reference
 * points ({@code frontier-published.json}: the papers' ACC at the replay memory Rehearsal counts for the same
 * method); a sweep over several settings names each point's setting. Writes {@code frontier.json}, {@code frontier.md}, {@code frontier-memory.png} and
 * {@code frontier-macs.png}.
 */
public final class Frontier {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind
            .ObjectMapper().enable(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT);

    private Frontier() {
    }

    /** A strategy at a budget, over its seeds; {@code bySeed}: ACC by seed and class order, for paired tests. */
    record Point(String strategy, long budget, int seeds, double acc, double std, double replayBytes,
            double trainingMacs, boolean memoryFront, boolean macsFront, Map<String, Double> bySeed) {
        /** Standard error of the mean (NaN for one seed). */
        double sem() {
            return seeds > 1 ? std / Math.sqrt(seeds) : Double.NaN;
        }
    }

    /**
     * A published reference point (see the resource): {@code strategy} names its figure in published.json (empty
     * in a frontier.json written before it was recorded).
     */
    record Reference(String label, String setting, String strategy, double acc, double replayBytes, String memory) {
    }

    /**
     * Writes the frontier of a sweep's experiments (sweep.json's entries) into {@code dir}; {@code configs}: each
     * experiment's config (as its record stores it), in the same order, against which published points are matched.
     */
    public static void write(Path dir, ArrayNode experiments, List<JsonNode> configs, PrintStream log) {
        if (configs.size() != experiments.size()) {
            throw new IllegalArgumentException(configs.size() + " configs for " + experiments.size() + " experiments");
        }
        Map<String, List<JsonNode>> groups = new LinkedHashMap<>();
        List<String> notFit = new ArrayList<>();
        java.util.Set<String> settings = new java.util.TreeSet<>();
        experiments.forEach(e -> settings.add(e.path("setting").asText("class")));
        for (JsonNode e : experiments) {
            String status = e.path("status").asText();
            String strategy = strategyOf(e) + (settings.size() > 1 ? " [" + e.path("setting").asText("class")
                    + "]" : "");
            long budget = e.path("options").path("replay_budget").asLong(0);
            if (status.equals("does_not_fit")) {
                notFit.add(strategy + " at " + bytes(budget) + ": " + e.path("error").asText());
                continue;
            }
            if (!status.equals("finished")) {
                continue;
            }
            groups.computeIfAbsent(strategy + "\u0000" + budget, k -> new ArrayList<>()).add(e);
        }
        List<Point> points = new ArrayList<>();
        for (Map.Entry<String, List<JsonNode>> g : groups.entrySet()) {
            String[] key = g.getKey().split("\u0000");
            List<JsonNode> runs = g.getValue();
            double[] acc = runs.stream().mapToDouble(r -> r.path("acc").asDouble()).toArray();
            double mean = mean(acc);
            Map<String, Double> bySeed = new LinkedHashMap<>();
            runs.forEach(r -> bySeed.put("seed " + r.path("seed").asText() + " order " + r.path("class_order"),
                    r.path("acc").asDouble()));
            points.add(new Point(key[0], Long.parseLong(key[1]), acc.length, mean, std(acc, mean),
                    runs.stream().mapToDouble(r -> r.path("replay_bytes").asDouble()).average().orElse(0),
                    runs.stream().mapToDouble(r -> r.path("training_macs").asDouble()).average().orElse(0), false,
                    false, bySeed));
        }
        points = fronts(points);
        // A short sweep is a smoke test: never set beside published figures. Otherwise published points only of
        // the settings measured here (a class-IL figure says nothing about domain-IL), and only where every
        // experiment of that setting ran the figure's protocol; over several settings each names its own, as the
        // measured points do.
        List<String> shortReasons = shortReasons(experiments);
        List<Reference> refs = new ArrayList<>();
        List<String> otherProtocol = new ArrayList<>();
        if (shortReasons.isEmpty()) {
            // What each finished experiment ran, by setting, read once for every published figure.
            Map<String, List<Protocol>> ran = new LinkedHashMap<>();
            for (int i = 0; i < experiments.size(); i++) {
                JsonNode e = experiments.get(i);
                if (e.path("status").asText().equals("finished")) {
                    Map<String, JsonNode> config = new LinkedHashMap<>();
                    configs.get(i).properties().forEach(f -> config.put(f.getKey(), f.getValue()));
                    ran.computeIfAbsent(e.path("setting").asText("class"), k -> new ArrayList<>())
                            .add(new Protocol(config));
                }
            }
            Published published = Published.load();
            for (Reference r : references(published)) {
                if (!settings.contains(r.setting())) {
                    continue;
                }
                java.util.Set<String> differ = new java.util.LinkedHashSet<>();
                Published.Value v = published.only(r.setting(), r.strategy());
                java.util.Set<String> own = ownKeys(r.strategy());
                for (Protocol run : ran.getOrDefault(r.setting(), List.of())) {
                    differ.addAll(published.differences(run, v, own));
                }
                String label = settings.size() > 1 ? r.label() + " [" + r.setting() + "]" : r.label();
                if (differ.isEmpty()) {
                    refs.add(new Reference(label, r.setting(), r.strategy(), r.acc(), r.replayBytes(), r.memory()));
                } else {
                    otherProtocol.add(label + ": " + String.join(", ", differ));
                }
            }
        }
        write(dir, points, notFit, refs, otherProtocol, shortReasons, log);
    }

    /** The keys that describe strategy {@code id} itself: its declared options and the general keys it reads. */
    private static java.util.Set<String> ownKeys(String id) {
        dev.rehearsal.config.StrategyCatalog catalog = dev.rehearsal.config.StrategyCatalog.installed();
        java.util.Set<String> out = new java.util.HashSet<>(catalog.reads(id));
        catalog.options(id).forEach(o -> out.add(o.key()));
        return out;
    }

    /** Why the sweep's experiments are short (sweep.json's {@code short_reasons} of each), each reason once. */
    static List<String> shortReasons(ArrayNode experiments) {
        List<List<String>> each = new ArrayList<>();
        for (JsonNode e : experiments) {
            List<String> why = new ArrayList<>();
            e.path("short_reasons").forEach(r -> why.add(r.asText()));
            each.add(why);
        }
        return dev.rehearsal.config.ShortRun.union(each);
    }

    /**
     * A point's name: its strategy, its storage in brackets for strategies that store samples (uint8 when the
     * point leaves it at its default), and the other options its point sets (not the seed or the budget; a
     * strategy's own options without its prefix: {@code proto_rank=4} is {@code rank=4}; sweep.json writes the
     * options' keys in snake_case).
     */
    static String strategyOf(JsonNode e) {
        String strategy = e.path("strategy").asText();
        StringBuilder b = new StringBuilder(strategy);
        JsonNode opts = e.path("options");
        boolean stores = dev.rehearsal.config.StrategyCatalog.installed().options(strategy).stream()
                .anyMatch(o -> o.key().equals("storage"));
        String prefix = dev.rehearsal.ResultsSchema.field(strategy + "-");
        if (stores) {
            b.append(" (").append(opts.path("storage").asText("uint8")).append(')');
        }
        opts.properties().forEach(f -> {
            if (!List.of("strategy", "seed", "replay_budget", "storage").contains(f.getKey())) {
                String key = f.getKey().startsWith(prefix) ? f.getKey().substring(prefix.length()) : f.getKey();
                b.append(' ').append(key).append('=').append(f.getValue().isValueNode() ? f.getValue().asText()
                        : f.getValue().toString());
            }
        });
        return b.toString();
    }

    /** Marks the Pareto-optimal points in memory and in MACs (ties in cost: the higher ACC dominates). */
    static List<Point> fronts(List<Point> points) {
        List<Point> out = new ArrayList<>();
        for (Point p : points) {
            boolean memory = true;
            boolean macs = true;
            for (Point q : points) {
                if (q == p) {
                    continue;
                }
                if (dominates(q.replayBytes(), q.acc(), p.replayBytes(), p.acc())) {
                    memory = false;
                }
                if (dominates(q.trainingMacs(), q.acc(), p.trainingMacs(), p.acc())) {
                    macs = false;
                }
            }
            out.add(new Point(p.strategy(), p.budget(), p.seeds(), p.acc(), p.std(), p.replayBytes(), p.trainingMacs(),
                    memory, macs, p.bySeed()));
        }
        return out;
    }

    /** q dominates p: it costs no more and reaches more, or costs less and reaches as much. */
    static boolean dominates(double qCost, double qAcc, double pCost, double pAcc) {
        return qCost <= pCost && qAcc >= pAcc && (qCost < pCost || qAcc > pAcc);
    }

    /** The reference points, each with the ACC of the published figure it names in the shipped table. */
    static List<Reference> references() {
        return references(Published.load());
    }

    /** The reference points, each with the ACC of the published figure it names. */
    static List<Reference> references(Published published) {
        try (InputStream in = Frontier.class.getResourceAsStream("frontier-published.json")) {
            JsonNode root = JSON.readTree(in);
            List<Reference> out = new ArrayList<>();
            for (JsonNode v : root.path("values")) {
                String setting = v.path("setting").asText();
                String strategy = v.path("strategy").asText();
                Published.Value figure = published.only(setting, strategy);
                if (figure == null) {
                    throw new IllegalStateException("it names " + strategy + " in " + setting + ", which "
                            + Published.RESOURCE + " does not have");
                }
                out.add(new Reference(v.path("label").asText(), setting, strategy, figure.acc(),
                        v.path("replay_bytes").asDouble(), v.path("memory").asText()));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("the bundled frontier-published.json is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Writes frontier.json, frontier.md and the two figures of {@code points} (their fronts marked) into {@code dir};
     * {@code shortReasons} (empty for none) flag a short sweep everywhere its numbers are.
     */
    static void write(Path dir, List<Point> points, List<String> notFit, List<Reference> refs,
            List<String> otherProtocol, List<String> shortReasons, PrintStream log) {
        TreeMap<Long, Point> best = new TreeMap<>();
        for (Point p : points) {
            Point b = best.get(p.budget());
            if (b == null || p.acc() > b.acc()) {
                best.put(p.budget(), p);
            }
        }
        Map<Long, dev.rehearsal.stats.Verdict.Answer> versus = bestAgainstRunnerUp(points, best);
        String answer = answer(points, best, refs, versus);
        ObjectNode root = dev.rehearsal.ResultsSchema.stamp(JSON.createObjectNode(), "frontier");
        root.put("definition", "replay memory: every byte kept between tasks for the sake of remembering, after the "
                + "last task (stored samples as stored, labels, logits, prototypes, generator parameters, frozen "
                + "models, statistics); not the solver or its optimiser state. 1 MB = 10^6 bytes.");
        root.put("short", !shortReasons.isEmpty());
        ArrayNode why = root.putArray("short_reasons");
        shortReasons.forEach(why::add);
        ArrayNode arr = root.putArray("points");
        for (Point p : points) {
            ObjectNode o = arr.addObject();
            o.put("strategy", p.strategy());
            o.put("replay_budget_bytes", p.budget());
            o.put("seeds", p.seeds());
            o.put("acc_mean", p.acc());
            if (p.seeds() > 1) {
                o.put("acc_std", p.std());
            } else {
                o.putNull("acc_std");
            }
            o.put("replay_bytes", p.replayBytes());
            o.put("training_macs", p.trainingMacs());
            o.put("pareto_memory", p.memoryFront());
            o.put("pareto_macs", p.macsFront());
        }
        ArrayNode nf = root.putArray("does_not_fit");
        notFit.forEach(nf::add);
        ArrayNode bestArr = root.putArray("best_per_budget");
        best.forEach((b, p) -> {
            ObjectNode o = bestArr.addObject().put("replay_budget_bytes", b).put("strategy", p.strategy())
                    .put("acc_mean", p.acc());
            dev.rehearsal.stats.Verdict.Answer v = versus.get(b);
            if (v != null) {
                o.put("runner_up", v.b()).put("paired_seeds", v.test().n()).put("mean_difference", v.test().meanDiff())
                        .put("p_t_holm", v.pTHolm()).put("p_wilcoxon_holm", v.pWHolm())
                        .put("p_wilcoxon_holm_floor", v.pWFloorHolm()).put("significant", v.significant())
                        .put("verdict", v.label()).put("sentence", v.sentence());
            }
        });
        ArrayNode pub = root.putArray("published");
        refs.forEach(r -> pub.addObject().put("label", r.label()).put("setting", r.setting())
                .put("strategy", r.strategy()).put("acc", r.acc())
                .put("replay_bytes", r.replayBytes()).put("memory", r.memory()));
        ArrayNode other = root.putArray("published_other_protocol");
        otherProtocol.forEach(other::add);
        root.put("answer", answer);
        Output.write(dir.resolve("frontier.json"), (root.toPrettyString() + "\n").getBytes(
                java.nio.charset.StandardCharsets.UTF_8));

        figures(dir, points, refs);

        StringBuilder md = new StringBuilder("# Memory-accuracy frontier\n\n");
        String shortLine = dev.rehearsal.config.ShortRun.line(shortReasons);
        if (shortLine != null) {
            md.append("**").append(shortLine).append("**\n\n");
        }
        md.append("ACC (mean ± standard error of the mean over seeds) against the replay memory each strategy kept after the last "
                + "task (exact bytes; 1 MB = 10^6 B) and its training MACs (solver and generator training plus "
                + "generation, as the GEMMs issued them). **Bold**: on the Pareto front in memory; *m*: on the "
                + "front in MACs.\n\n![ACC against replay memory](frontier-memory.png)\n\n"
                + "![ACC against training MACs](frontier-macs.png)\n\n");
        md.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n");
        md.append("|---".repeat(COLUMNS.size())).append("|\n");
        for (Point p : sorted(points)) {
            List<String> cells = new ArrayList<>(cells(p));
            if (p.memoryFront()) {
                cells.set(3, "**" + cells.get(3) + "**");
            }
            cells.set(6, (p.memoryFront() ? "memory" : "") + (p.macsFront() ? (p.memoryFront() ? ", " : "") + "*m*" : ""));
            md.append("| ").append(String.join(" | ", cells)).append(" |\n");
        }
        if (!notFit.isEmpty()) {
            md.append("\nDoes not fit its budget (what the strategy keeps whatever the budget already exceeds it):\n\n");
            notFit.stream().distinct().forEach(s -> md.append("- ").append(s).append('\n'));
        }
        if (shortLine != null) {
            md.append("\nNo published reference points: they hold for the full protocol, and this sweep is short.\n");
        } else {
            if (!refs.isEmpty()) {
                md.append("\nPublished reference points (ACC as published; replay memory as Rehearsal counts the same "
                        + "method at the same size):\n\n");
                for (Reference r : refs) {
                    md.append(String.format(Locale.ROOT, "- %s: ACC %.4f at %s (%s)%n", r.label(), r.acc(),
                            bytes(Math.round(r.replayBytes())), r.memory()));
                }
            }
            if (!otherProtocol.isEmpty()) {
                md.append("\nPublished figures not set beside these points, as this sweep ran another protocol "
                        + "(what it ran, and in brackets what the figure's protocol has):\n\n");
                otherProtocol.forEach(o -> md.append("- ").append(o).append('\n'));
            }
        }
        md.append("\n## What this answers\n\n").append(answer).append('\n');
        Output.write(dir.resolve("frontier.md"), md.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        log.println("sweep: frontier: " + dir.resolve("frontier.md"));
    }

    /** The columns of the frontier table (frontier.md and report.html). */
    static final List<String> COLUMNS = List.of("strategy", "budget", "replay memory", "ACC", "seeds", "training MACs",
            "front");

    /** The points in table order: by budget, then by ACC, highest first. */
    static List<Point> sorted(List<Point> points) {
        List<Point> sorted = new ArrayList<>(points);
        sorted.sort((a, b) -> a.budget() != b.budget() ? Long.compare(a.budget(), b.budget())
                : Double.compare(b.acc(), a.acc()));
        return sorted;
    }

    /** A point's row of the frontier table, as plain text: one cell per {@link #COLUMNS} entry. */
    static List<String> cells(Point p) {
        String acc = String.format(Locale.ROOT, "%.4f", p.acc()) + (p.seeds() > 1
                ? String.format(Locale.ROOT, " ± %.4f", p.sem()) : "");
        String front = (p.memoryFront() ? "memory" : "") + (p.macsFront() ? (p.memoryFront() ? ", " : "") + "MACs" : "");
        return List.of(p.strategy(), bytes(p.budget()), bytes(Math.round(p.replayBytes())), acc,
                Integer.toString(p.seeds()), String.format(Locale.ROOT, "%.3g", p.trainingMacs()), front);
    }

    /**
     * The two frontier figures of {@code points} and the published {@code refs}, written into {@code dir}
     * ({@code frontier-memory.png}, {@code frontier-macs.png}) with their captions.
     */
    static List<Figures.Figure> figures(Path dir, List<Point> points, List<Reference> refs) {
        List<Figures.FrontierPoint> measured = points.stream().map(p -> new Figures.FrontierPoint(p.strategy(),
                p.replayBytes(), p.acc(), p.std())).toList();
        List<Figures.FrontierPoint> memFront = points.stream().filter(Point::memoryFront).map(p ->
                new Figures.FrontierPoint("front", p.replayBytes(), p.acc(), Double.NaN)).toList();
        List<Figures.FrontierPoint> published = refs.stream().map(r -> new Figures.FrontierPoint(r.label()
                + " (published)", r.replayBytes(), r.acc(), Double.NaN)).toList();
        boolean spread = points.stream().anyMatch(p -> p.seeds() > 1);
        String bars = spread ? " Error bars: one standard deviation over seeds (none drawn where it is smaller than "
                + "the marker)." : " One seed a point: no error bars.";
        Figures.Figure memory = Figures.frontier(dir, "frontier-memory", "ACC against replay memory",
                "replay memory after the last task (MB)", 1e6, measured, memFront, published,
                "Each point is a strategy at one budget: its mean ACC over seeds against the replay memory it kept "
                        + "after the last task (exact bytes, 1 MB = 10^6 B). The dashed staircase is the Pareto front: "
                        + "the points no other point beats with as little memory." + bars
                        + (refs.isEmpty() ? "" : " Gray markers: published results, at the memory Rehearsal counts "
                                + "for the same method (the papers do not report bytes)."));
        List<Figures.FrontierPoint> byMacs = points.stream().map(p -> new Figures.FrontierPoint(p.strategy(),
                p.trainingMacs(), p.acc(), p.std())).toList();
        List<Figures.FrontierPoint> macFront = points.stream().filter(Point::macsFront).map(p ->
                new Figures.FrontierPoint("front", p.trainingMacs(), p.acc(), Double.NaN)).toList();
        Figures.Figure macs = Figures.frontier(dir, "frontier-macs", "ACC against training compute",
                "training MACs (10^12)", 1e12, byMacs, macFront, List.of(),
                "The same points against their training MACs (solver and generator training plus generation, "
                        + "counted where each GEMM is issued; 10^12 multiply-accumulates a unit). The dashed "
                        + "staircase is the Pareto front in compute." + bars);
        return List.of(memory, macs);
    }

    /**
     * A sweep's frontier as {@code frontier.json} holds it, for the report: the points, what does not fit, the
     * published reference points drawn beside them (none in files written before they were recorded) and
     * the answer.
     */
    record Summary(List<Point> points, List<String> doesNotFit, List<Reference> published, List<String> otherProtocol,
            String answer) {
    }

    /**
     * Reads frontier.json's tree, checking every field the report draws; refuses it with exit code DATA in one
     * line naming {@code file} and the field otherwise.
     */
    static Summary read(JsonNode root, String file) {
        if (!root.isObject()) {
            throw Results.corrupt(file, "the top level is not a JSON object");
        }
        dev.rehearsal.ResultsSchema.require(file, root);
        if (!root.path("points").isArray() || !root.path("does_not_fit").isArray() || !root.path("answer").isTextual()) {
            throw Results.corrupt(file, "expected the lists 'points' and 'does_not_fit' and the text 'answer'");
        }
        List<Point> points = new ArrayList<>();
        for (JsonNode p : root.path("points")) {
            JsonNode std = p.path("acc_std");
            if (!p.path("strategy").isTextual() || !p.path("replay_budget_bytes").canConvertToLong()
                    || p.path("replay_budget_bytes").asLong() < 0 || !p.path("seeds").canConvertToInt()
                    || p.path("seeds").asInt() < 1 || !inRange(p.path("acc_mean"), 0, 1)
                    || !(std.isNull() || inRange(std, 0, 1)) || !inRange(p.path("replay_bytes"), 0, Double.MAX_VALUE)
                    || !inRange(p.path("training_macs"), 0, Double.MAX_VALUE) || !p.path("pareto_memory").isBoolean()
                    || !p.path("pareto_macs").isBoolean()) {
                throw Results.corrupt(file, "a point of 'points' is " + p + ": expected strategy, replay_budget_bytes "
                        + ">= 0, seeds >= 1, acc_mean in [0, 1], acc_std in [0, 1] or null, replay_bytes and "
                        + "training_macs >= 0, pareto_memory and pareto_macs");
            }
            points.add(new Point(p.path("strategy").asText(), p.path("replay_budget_bytes").asLong(),
                    p.path("seeds").asInt(), p.path("acc_mean").asDouble(), std.isNull() ? Double.NaN : std.asDouble(),
                    p.path("replay_bytes").asDouble(), p.path("training_macs").asDouble(),
                    p.path("pareto_memory").asBoolean(), p.path("pareto_macs").asBoolean(), Map.of()));
        }
        List<String> notFit = texts(root, "does_not_fit", file);
        List<Reference> refs = new ArrayList<>();
        JsonNode pub = root.path("published");
        if (!pub.isMissingNode() && !pub.isArray()) {
            throw Results.corrupt(file, "'published' is " + pub + ", not a list");
        }
        for (JsonNode r : pub) {
            if (!r.path("label").isTextual() || !r.path("setting").isTextual() || !inRange(r.path("acc"), 0, 1)
                    || !inRange(r.path("replay_bytes"), 0, Double.MAX_VALUE) || !r.path("memory").isTextual()) {
                throw Results.corrupt(file, "an entry of 'published' is " + r + ": expected label, setting, acc in "
                        + "[0, 1], replay_bytes >= 0 and memory");
            }
            refs.add(new Reference(r.path("label").asText(), r.path("setting").asText(), r.path("strategy").asText(""),
                    r.path("acc").asDouble(),
                    r.path("replay_bytes").asDouble(), r.path("memory").asText()));
        }
        return new Summary(points, notFit, refs, texts(root, "published_other_protocol", file),
                root.path("answer").asText());
    }

    /** The texts of the list {@code field} of {@code root} (none when absent); a non-list or non-text is refused. */
    private static List<String> texts(JsonNode root, String field, String file) {
        JsonNode list = root.path(field);
        if (!list.isMissingNode() && !list.isArray()) {
            throw Results.corrupt(file, "'" + field + "' is " + list + ", not a list");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : list) {
            if (!n.isTextual()) {
                throw Results.corrupt(file, "an entry of '" + field + "' is " + n + ", not a text");
            }
            out.add(n.asText());
        }
        return out;
    }

    private static boolean inRange(JsonNode v, double lo, double hi) {
        return v.isNumber() && Double.isFinite(v.asDouble()) && v.asDouble() >= lo && v.asDouble() <= hi;
    }

    /**
     * At every budget, the point with the highest mean against the runner-up, paired by seed and class order,
     * Holm-corrected over the budgets ({@link dev.rehearsal.stats.Verdict}); budgets where the two share fewer
     * than two seeds are left out.
     */
    static Map<Long, dev.rehearsal.stats.Verdict.Answer> bestAgainstRunnerUp(List<Point> points,
            TreeMap<Long, Point> best) {
        List<Long> budgets = new ArrayList<>();
        List<dev.rehearsal.stats.Verdict.Question> family = new ArrayList<>();
        for (Map.Entry<Long, Point> e : best.entrySet()) {
            Point runnerUp = null;
            for (Point p : points) {
                if (p.budget() == e.getKey() && p != e.getValue() && (runnerUp == null || p.acc() > runnerUp.acc())) {
                    runnerUp = p;
                }
            }
            if (runnerUp == null) {
                continue;
            }
            Point w = e.getValue();
            if (dev.rehearsal.stats.Verdict.pairable(w.bySeed(), runnerUp.bySeed())) {
                budgets.add(e.getKey());
                family.add(new dev.rehearsal.stats.Verdict.Question(w.strategy(), w.bySeed(), runnerUp.strategy(),
                        runnerUp.bySeed()));
            }
        }
        Map<Long, dev.rehearsal.stats.Verdict.Answer> out = new LinkedHashMap<>();
        if (!family.isEmpty()) {
            List<dev.rehearsal.stats.Verdict.Answer> answers = dev.rehearsal.stats.Verdict.decide(family);
            for (int i = 0; i < budgets.size(); i++) {
                out.put(budgets.get(i), answers.get(i));
            }
        }
        return out;
    }

    /**
     * The paragraph that answers, from the measurements: the highest mean at each budget with its compute, whether
     * it is distinguishable from the runner-up (paired tests), and Problem 4.
     */
    static String answer(List<Point> points, TreeMap<Long, Point> best, List<Reference> refs,
            Map<Long, dev.rehearsal.stats.Verdict.Answer> versus) {
        if (best.isEmpty()) {
            return "No experiment finished: nothing to answer yet.";
        }
        StringBuilder b = new StringBuilder();
        for (Map.Entry<Long, Point> e : best.entrySet()) {
            Point p = e.getValue();
            dev.rehearsal.stats.Verdict.Answer v = versus.get(e.getKey());
            b.append(String.format(Locale.ROOT, "Within %s, the highest mean ACC is %s's: %.4f%s with %s of replay "
                    + "memory and %.3g training MACs", bytes(e.getKey()), p.strategy(), p.acc(), p.seeds() > 1
                    ? String.format(Locale.ROOT, " ± %.4f (SEM) over %d seeds", p.sem(), p.seeds()) : " (one seed)",
                    bytes(Math.round(p.replayBytes())), p.trainingMacs()));
            b.append(v == null ? " (no runner-up on the same seeds to test against). " : "; " + v.sentence() + ". ");
        }
        for (Reference r : refs) {
            Point cheapest = null;
            for (Point p : best.values()) {
                if (p.acc() >= r.acc() && (cheapest == null || p.replayBytes() < cheapest.replayBytes())) {
                    cheapest = p;
                }
            }
            if (cheapest != null) {
                b.append(String.format(Locale.ROOT, "%s reaches %.4f (published) with %s; %s's mean reaches at least "
                        + "that with %s, %.0fx less (a mean against a published figure, not a paired test). ",
                        r.label(), r.acc(), bytes(Math.round(r.replayBytes())), cheapest.strategy(),
                        bytes(Math.round(cheapest.replayBytes())), r.replayBytes() / Math.max(1, cheapest.replayBytes())));
            } else {
                b.append(String.format(Locale.ROOT, "No budget measured here reaches %s's %.4f. ", r.label(), r.acc()));
            }
        }
        b.append("For the reference report's Problem 4 (making replay cheaper in memory and compute): ");
        List<String> findings = new ArrayList<>();
        long smallest = best.firstKey();
        Point er8 = find(points, "er (uint8)", smallest);
        Point er1 = find(points, "er (binary)", smallest);
        if (er8 != null && er1 != null) {
            findings.add(String.format(Locale.ROOT, "at %s, keeping samples at 1 bit a pixel instead of 8 moves er "
                    + "from %.4f to %.4f (%s against %s of them)", bytes(smallest), er8.acc(), er1.acc(),
                    bytes(Math.round(er1.replayBytes())), bytes(Math.round(er8.replayBytes()))));
        }
        Point proto = find(points, "proto (binary)", smallest);
        if (proto != null && er1 != null) {
            String verdict = "cannot be told apart by a paired test (fewer than two shared seeds)";
            if (dev.rehearsal.stats.Verdict.pairable(proto.bySeed(), er1.bySeed())) {
                dev.rehearsal.stats.Verdict.Answer v = dev.rehearsal.stats.Verdict.decide(List.of(
                        new dev.rehearsal.stats.Verdict.Question(proto.strategy(), proto.bySeed(), er1.strategy(),
                                er1.bySeed()))).get(0);
                verdict = !v.decidable() ? "cannot be told apart from raw samples with " + v.test().n()
                        + " paired seeds (too few for the test to call a difference at 0.05)"
                        : !v.significant() ? "are not distinguishable from raw samples at 0.05"
                        : v.winner().equals(proto.strategy()) ? "beat raw samples (significant at 0.05)"
                        : "do worse than raw samples (significant at 0.05)";
            }
            findings.add(String.format(Locale.ROOT, "at %s, a few prototypes with a small generator %s at the same "
                    + "storage (%.4f against %.4f, at %.2fx the training MACs)", bytes(smallest), verdict,
                    proto.acc(), er1.acc(), proto.trainingMacs() / er1.trainingMacs()));
        }
        for (Point p : points) {
            if ((p.strategy().equals("gr") || p.strategy().equals("cgr")) && best.get(p.budget()) != null
                    && best.get(p.budget()) != p) {
                Point w = best.get(p.budget());
                findings.add(String.format(Locale.ROOT, "at %s, %s reaches %.4f where %s reaches %.4f", bytes(p.budget()),
                        p.strategy(), p.acc(), w.strategy(), w.acc()));
            }
        }
        b.append(findings.isEmpty() ? "this grid has no pair of points that isolates storage, prototypes or "
                + "generation; add er (uint8), er (binary) and proto (binary) at one budget." : String.join("; ",
                        findings) + ".");
        return b.toString();
    }

    /** The point of {@code strategy} at {@code budget}, or null. */
    private static Point find(List<Point> points, String strategy, long budget) {
        for (Point p : points) {
            if (p.strategy().equals(strategy) && p.budget() == budget) {
                return p;
            }
        }
        return null;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return v.length == 0 ? Double.NaN : s / v.length;
    }

    private static double std(double[] v, double mean) {
        if (v.length < 2) {
            return Double.NaN;
        }
        double s = 0;
        for (double x : v) {
            s += (x - mean) * (x - mean);
        }
        return Math.sqrt(s / (v.length - 1));
    }

    /** Bytes as the frontier prints them: B, kB, MB (10^3, 10^6). */
    static String bytes(long n) {
        if (n == 0) {
            return "no budget";
        }
        if (n >= 999_500) {
            return String.format(Locale.ROOT, "%.3g MB", n / 1e6);
        }
        if (n >= 1_000 - 1) {
            return String.format(Locale.ROOT, "%.3g kB", n / 1e3);
        }
        return n + " B";
    }
}
