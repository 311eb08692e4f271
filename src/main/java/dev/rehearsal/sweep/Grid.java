package dev.rehearsal.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A grid file: fixed options (any key of a config), {@code grid:} (option keys mapped to lists of values,
 * crossed), and optional {@code points:} (a list of option maps, each crossed with the grid lists of the keys
 * it does not set itself). Beside points, the grid's own combinations run only where a strategy is named for them
 * (a {@code strategy} list in the grid, or a fixed {@code strategy}); {@code grid: {seed: [1, 2]}} with
 * {@code points: [{strategy: gr}]} is two gr experiments, not also two of the default strategy:
 * <pre>
 * preset: seed
 * train-limit: 2000
 * grid:
 *   strategy: [er, gr]
 *   seed: [1, 2, 3]
 *   per-class: [100, 300]
 * points:
 *   - {strategy: gr, replay-targets: soft}
 * report: frontier     # optional: the memory-accuracy frontier ({@link Frontier}) beside the sweep's tables,
 *                      # or scale: the scaling study over the grid's task counts (ScaleStudy: scale.json, scale.md)
 * paired-by: head      # optional: the paired tests' family is only the pairs of points that differ in this key
 *                      # and nothing else (each method with itself), not every pair of methods
 * </pre>
 * A grid may also choose before it reports ({@link Selection}): with {@code select:} and {@code evaluate:}
 * every combination is a candidate, run on the selection seeds; per group the candidate with the highest mean
 * validation metric is chosen and only it runs on the evaluation seeds (the published protocol: choose on seed
 * 1, report seeds 2-21):
 * <pre>
 * validation: 0.1          # required: selection reads the held-out part of the training data, never the test set
 * grid:
 *   strategy: [er, ewc]
 *   lr: [0.001, 0.0001]
 * select:
 *   by: validation_acc     # or validation_bwt; higher is better
 *   seeds: [1]             # a seed, a list, or "A-B"
 *   per: [strategy]        # one choice per distinct value of these keys (the default)
 *   lone: select           # or evaluate: a group of one candidate has nothing to choose, so it is chosen without
 *                          # running on the selection seeds (default select: it runs there like every candidate)
 * evaluate:
 *   seeds: 2-21            # new seeds only: a seed that chose cannot report
 *   validation: 0          # optional: the chosen configurations train on all the training data (default: the
 *                          # grid's validation, as the selection stage)
 * </pre>
 * Such a grid sets no {@code seed} itself. {@link #points()} is then the selection stage; the evaluation
 * stage is decided after it, from its records, and both stages' records live in {@code runs/}, so the sweep
 * resumes from anywhere and recomputes the same choice.
 *
 * <p>Every expanded experiment is resolved and validated before anything runs; an invalid one is a one-line
 * error naming the key and the point. A grid of more than {@value #MAX_EXPERIMENTS} experiments is refused
 * before it is expanded. Runtime keys (threads, omp-wait, backend, gemm, out, quiet, data) cannot
 * vary: they are not part of an experiment's id. {@code strategies} and {@code seeds} are compare's keys: use
 * {@code grid: {strategy: [...], seed: [...]}}.
 */
public final class Grid {
    /** Keys an experiment's id leaves out (Experiment.canonicalJson) or that belong to compare. */
    static final Set<String> NOT_SWEPT = Set.of("threads", "omp-wait", "backend", "gemm", "out", "quiet", "data",
            "strategies", "seeds");

    /** One expanded experiment: its resolved config, its id, and the values its grid point set. */
    public record Point(ExperimentConfig config, String id, Map<String, JsonNode> options) {
    }

    /**
     * The most experiments a grid may expand to. Every experiment is resolved and validated before anything
     * runs, so a grid of millions would sit silent for minutes and then run out of memory; it is counted first
     * ({@link #count}) and refused above this.
     */
    public static final int MAX_EXPERIMENTS = 10_000;

    /** The reports a grid may ask for beside the sweep's own ({@code report:} in the grid file). */
    public static final List<String> REPORTS = List.of("frontier", "scale");

    private final ObjectNode source;
    private final String report;
    private final List<String> swept;
    private final List<Point> points;
    private final int duplicates;

    private final Selection.Plan selection;
    private final Map<String, Set<String>> unread;
    private final String pairedBy;

    private Grid(ObjectNode source, String report, List<String> swept, List<Point> points, int duplicates,
            Selection.Plan selection, Map<String, Set<String>> unread, String pairedBy) {
        this.source = source;
        this.report = report;
        this.swept = swept;
        this.points = points;
        this.duplicates = duplicates;
        this.selection = selection;
        this.unread = unread;
        this.pairedBy = pairedBy;
    }

    /**
     * The grid's {@code select:} and {@code evaluate:} (its candidates and their experiments on both seed
     * lists), or null for a plain grid. With it, {@link #points()} is the selection stage.
     */
    public Selection.Plan selection() {
        return selection;
    }

    /**
     * The key of {@code paired-by:}, or null: with it, the paired comparisons are only between points that differ
     * in that key alone ({@link dev.rehearsal.experiment.PairedComparisons#differingIn}), one Holm family.
     */
    public String pairedBy() {
        return pairedBy;
    }

    /** The grid file as given (for sweep.json). */
    public ObjectNode source() {
        return source;
    }

    /** The extra report the grid asks for ({@code frontier}), or null. */
    public String report() {
        return report;
    }

    /** The keys some point sets, in the order they first appear (the swept columns of sweep.csv). */
    public List<String> swept() {
        return swept;
    }

    /**
     * Every distinct experiment, in expansion order; for a grid that selects, the selection stage (every
     * candidate on every selection seed): the evaluation stage is decided by {@link Selection#choose}.
     */
    public List<Point> points() {
        return points;
    }

    /**
     * Every experiment the grid can run: {@link #points()} and, for a grid that selects, every candidate's
     * evaluation points (which of them run is decided after the selection stage).
     */
    public List<Point> everyPoint() {
        List<Point> all = new ArrayList<>(points);
        if (selection != null) {
            selection.candidates().forEach(c -> all.addAll(c.evaluation()));
        }
        return all;
    }

    /**
     * Expanded points dropped because an earlier one is the same experiment (same id): a point repeated, or one
     * that differs from an earlier one only in keys its strategy does not read.
     */
    public int duplicates() {
        return duplicates;
    }

    /**
     * The keys some point gives a strategy that does not read them (left out of its experiments, see
     * {@link ExperimentConfig#forgetUnread}), each with those strategies, in grid order.
     */
    public Map<String, Set<String>> unread() {
        return unread;
    }

    /**
     * One line on how the grid's points became experiments, when some were the same experiment: "24 grid
     * points are 15 experiments: 9 repeat an earlier one (not read, so not part of an experiment: per-class by
     * naive and gr)"; null when every point is an experiment of its own.
     */
    public String collapsed() {
        if (duplicates == 0) {
            return null;
        }
        String stage = selection == null ? "" : " of the selection stage";
        List<String> keys = new ArrayList<>();
        unread.forEach((k, strategies) -> keys.add(k + " by " + and(List.copyOf(strategies))));
        return (points.size() + duplicates) + " grid points" + stage + " are " + points.size() + " experiments: "
                + duplicates + " repeat an earlier one" + (keys.isEmpty() ? "" : " (not read, so not part of an "
                + "experiment: " + String.join("; ", keys) + ")");
    }

    private static String and(List<String> words) {
        return words.size() == 1 ? words.get(0) : String.join(", ", words.subList(0, words.size() - 1)) + " and "
                + words.get(words.size() - 1);
    }

    /**
     * Reads and expands a grid file; {@code quick} starts every experiment from the short configuration (the
     * grid's own keys override it), {@code flags} (e.g. --threads) apply to every experiment.
     */
    public static Grid read(Path file, boolean quick, Consumer<ExperimentConfig> flags) {
        return of(ConfigFiles.read(file), "grid " + file, quick, flags);
    }

    /** The grids shipped with Rehearsal ({@code sweep --preset NAME}), in {@code dev/rehearsal/sweep/NAME.yaml}. */
    public static final List<String> PRESETS = List.of("frontier", "frontier-quick", "scale", "scale-quick");

    /** A shipped grid by name; an unknown name is a one-line usage error listing the known ones. */
    public static Grid preset(String name, boolean quick, Consumer<ExperimentConfig> flags) {
        if (!PRESETS.contains(name)) {
            throw usage("unknown sweep preset '" + name + "': use " + String.join(" or ", PRESETS));
        }
        try (var in = Grid.class.getResourceAsStream(name + ".yaml")) {
            String text = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return of(ConfigFiles.parse(text, "sweep preset " + name), "sweep preset " + name, quick, flags);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the bundled sweep preset " + name + " is unreadable", e);
        }
    }

    /** The text of a shipped grid (to copy and edit). */
    public static String presetText(String name) {
        try (var in = Grid.class.getResourceAsStream(name + ".yaml")) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | NullPointerException e) {
            throw usage("unknown sweep preset '" + name + "': use " + String.join(" or ", PRESETS));
        }
    }

    /**
     * A grid of resolved configs, each with the options that name its point ({@code options}, e.g. tasks, strategy
     * and seed): for a command that builds its experiments itself (the {@code scale} front end); {@code source}
     * is what grid.json records. Configs that resolve to the same experiment are kept once.
     */
    public static Grid of(ObjectNode source, String report, List<ExperimentConfig> configs,
            List<Map<String, JsonNode>> options) {
        if (report != null && !REPORTS.contains(report)) {
            throw new IllegalArgumentException("unknown report " + report);
        }
        LinkedHashSet<String> swept = new LinkedHashSet<>();
        options.forEach(m -> swept.addAll(m.keySet()));
        Map<String, Point> byId = new LinkedHashMap<>();
        int dup = 0;
        for (int i = 0; i < configs.size(); i++) {
            ExperimentConfig c = Experiment.single(configs.get(i), configs.get(i).strategy, configs.get(i).seed);
            if (byId.putIfAbsent(Experiment.id(c), new Point(c, Experiment.id(c), options.get(i))) != null) {
                dup++;
            }
        }
        return new Grid(source, report, List.copyOf(swept), List.copyOf(byId.values()), dup, null, Map.of(), null);
    }

    /** Expands a grid tree ({@code where} names it in messages), not in the short configuration. */
    public static Grid of(ObjectNode tree, String where, Consumer<ExperimentConfig> flags) {
        return of(tree, where, false, flags);
    }

    /** Expands a grid tree; {@code quick}: every experiment starts from the short configuration. */
    public static Grid of(ObjectNode tree, String where, boolean quick, Consumer<ExperimentConfig> flags) {
        ObjectNode source = tree.deepCopy();
        ObjectNode fixed = tree.deepCopy();
        JsonNode grid = fixed.remove("grid");
        JsonNode explicit = fixed.remove("points");
        JsonNode reportNode = fixed.remove("report");
        JsonNode select = fixed.remove("select");
        JsonNode evaluate = fixed.remove("evaluate");
        JsonNode pairedNode = fixed.remove("paired-by");
        String pairedBy = null;
        if (pairedNode != null && !pairedNode.isNull()) {
            if (!pairedNode.isTextual()) {
                throw usage(where + ": 'paired-by' names one option key, e.g. paired-by: head; got " + pairedNode);
            }
            pairedBy = pairedNode.asText();
            checkKey(where, "paired-by", pairedBy);
        }
        String report = null;
        if (reportNode != null && !reportNode.isNull()) {
            report = reportNode.asText();
            if (!REPORTS.contains(report)) {
                throw usage(where + ": unknown report '" + report + "' (use " + String.join(", ", REPORTS) + ")");
            }
        }
        for (String k : List.of("strategies", "seeds", "threads")) {
            if (fixed.has(k)) {
                throw usage(where + ": '" + k + "' is not a sweep key (" + (k.equals("threads")
                        ? "give --threads; every experiment of a process runs with the same threads"
                        : "list them under grid:, e.g. grid: {strategy: [er, gr], seed: [1, 2, 3]}") + ")");
            }
        }
        Map<String, List<JsonNode>> lists = new LinkedHashMap<>();
        if (grid != null && !grid.isNull()) {
            if (!grid.isObject()) {
                throw usage(where + ": 'grid' must map option keys to lists of values, e.g. grid: {seed: [1, 2]}");
            }
            for (Map.Entry<String, JsonNode> e : grid.properties()) {
                checkKey(where, "grid", e.getKey());
                if (!e.getValue().isArray() || e.getValue().isEmpty()) {
                    throw usage(where + ": grid key '" + e.getKey() + "' must be a non-empty list of values, got "
                            + e.getValue());
                }
                List<JsonNode> values = new ArrayList<>();
                e.getValue().forEach(values::add);
                lists.put(e.getKey(), values);
            }
        }
        List<ObjectNode> overrides = new ArrayList<>();
        if (explicit != null && !explicit.isNull()) {
            if (!explicit.isArray() || explicit.isEmpty()) {
                // An empty list would otherwise run the grid's one default experiment, which nobody asked for.
                throw usage(where + ": 'points' must be a non-empty list of option maps, e.g. points: [{strategy: gr}]"
                        + (explicit.isArray() ? "; got []" : ""));
            }
            for (JsonNode p : explicit) {
                if (!p.isObject()) {
                    throw usage(where + ": every entry of 'points' must be a map of options, got " + p);
                }
                p.fieldNames().forEachRemaining(k -> checkKey(where, "points", k));
                overrides.add((ObjectNode) p);
            }
        }
        long count = count(lists, overrides);
        if (count > MAX_EXPERIMENTS) {
            throw usage(where + ": the grid expands to " + (count == Long.MAX_VALUE ? "more than 9.2e18" : count)
                    + " experiments, more than the " + MAX_EXPERIMENTS + " a sweep runs; shorten its lists (or "
                    + "split it into several sweeps)");
        }
        List<Map<String, JsonNode>> combos = new ArrayList<>();
        // The grid's own combinations are experiments when nothing else is, or when the grid names their strategy
        // (a strategy list, or a fixed strategy); beside points, combinations that name none would run the
        // built-in default strategy, which nobody asked for.
        if (overrides.isEmpty() || lists.containsKey("strategy") || fixed.has("strategy")) {
            combos.addAll(cross(lists, Set.of()));
        }
        for (ObjectNode p : overrides) {
            Set<String> own = new LinkedHashSet<>();
            p.fieldNames().forEachRemaining(own::add);
            for (Map<String, JsonNode> c : cross(lists, own)) {
                Map<String, JsonNode> m = new LinkedHashMap<>(c);
                p.properties().forEach(e -> m.put(e.getKey(), e.getValue()));
                combos.add(m);
            }
        }
        if (select != null || evaluate != null) {
            return selecting(source, report, fixed, combos, select, evaluate, where, quick, flags, pairedBy);
        }
        LinkedHashSet<String> swept = new LinkedHashSet<>();
        combos.forEach(m -> swept.addAll(m.keySet()));
        Map<String, Point> byId = new LinkedHashMap<>();
        Unread unread = new Unread();
        int dup = 0;
        int n = 0;
        for (Map<String, JsonNode> combo : combos) {
            n++;
            Point p = point(fixed, combo, where + ", experiment " + n, quick, flags, unread);
            if (byId.putIfAbsent(p.id(), p) != null) {
                dup++;
            }
        }
        unread.refuse();
        if ("scale".equals(report) && byId.values().stream().map(p -> p.config().tasks).distinct().count() < 2) {
            throw usage(where + ": report: scale fits each cost against the number of tasks: the grid needs at "
                    + "least two task counts, e.g. grid: {tasks: [2, 5, 10]}");
        }
        return new Grid(source, report, List.copyOf(swept), List.copyOf(byId.values()), dup, null, unread.keys,
                pairedBy);
    }

    /**
     * The keys points give strategies that do not read them. Such a key is left out of the point's experiment
     * (points that differ only in it are one experiment), and a strategy option that no strategy of the grid
     * reads at all is refused, as {@link ExperimentConfig#refuseUnread} refuses it on the command line.
     */
    private static final class Unread {
        /** Key, and the strategies given it without reading it. */
        private final Map<String, Set<String>> keys = new LinkedHashMap<>();
        private final Set<String> strategies = new LinkedHashSet<>();
        /** A point's option no strategy of its own reads: refused if no strategy of the grid does. */
        private final Map<dev.rehearsal.config.Option, RehearsalException> pending = new LinkedHashMap<>();

        void add(ObjectNode given, ExperimentConfig c, String at) {
            strategies.add(c.strategy);
            given.fieldNames().forEachRemaining(k -> {
                if (!ExperimentConfig.reads(c.strategy, k)) {
                    keys.computeIfAbsent(k, x -> new LinkedHashSet<>()).add(c.strategy);
                }
            });
            for (dev.rehearsal.config.Option o : c.unreadGiven(List.of(c.strategy))) {
                pending.putIfAbsent(o, usage(at + ": " + c.unread(o, List.of(c.strategy)).getMessage()));
            }
        }

        void refuse() {
            dev.rehearsal.config.StrategyCatalog catalog = dev.rehearsal.config.StrategyCatalog.installed();
            pending.forEach((o, refusal) -> {
                if (strategies.stream().noneMatch(s -> catalog.options(s).contains(o))) {
                    throw refusal;
                }
            });
        }
    }

    /**
     * One combination of options over the fixed ones, resolved and validated ({@code at} names it), as the
     * experiment its strategy sees: the keys it does not read at their defaults, and left out of the options the
     * point names ({@link ExperimentConfig#forgetUnread}).
     */
    private static Point point(ObjectNode fixed, Map<String, JsonNode> combo, String at, boolean quick,
            Consumer<ExperimentConfig> flags, Unread unread) {
        ObjectNode t = fixed.deepCopy();
        combo.forEach(t::set);
        at = at + " " + Json.MAPPER.valueToTree(combo);
        ExperimentConfig c = ConfigFiles.resolve(t, at, quick, x -> { }, flags);
        c = Experiment.single(c, c.strategy, c.seed);
        // A value the point's strategy declares it cannot run with is refused here, naming the point (the
        // strategy reads that key, so it is not among the unread keys collapsed below).
        dev.rehearsal.config.Refusal refusal = dev.rehearsal.config.StrategyCatalog.installed().refusal(c.strategy, c);
        if (refusal != null) {
            throw usage(at + ": " + refusal.of(c.strategy).getMessage());
        }
        unread.add(t, c, at);
        ExperimentConfig read = c.withoutUnread();
        Map<String, JsonNode> options = new LinkedHashMap<>();
        combo.forEach((k, v) -> {
            if (ExperimentConfig.reads(read.strategy, k)) {
                options.put(k, v);
            }
        });
        return new Point(read, Experiment.id(read), options);
    }

    /**
     * A grid with {@code select:} and {@code evaluate:}: each combination is a candidate, resolved on every
     * selection seed and every evaluation seed before anything runs; its points are the selection stage.
     */
    private static Grid selecting(ObjectNode source, String report, ObjectNode fixed,
            List<Map<String, JsonNode>> combos, JsonNode select, JsonNode evaluate, String where, boolean quick,
            Consumer<ExperimentConfig> flags, String pairedBy) {
        if (select == null || !select.isObject()) {
            throw usage(where + ": 'evaluate' needs 'select' (what to choose, by which validation metric, on which "
                    + "seeds), e.g. select: {by: validation_acc, seeds: [1]}");
        }
        if (evaluate == null || !evaluate.isObject()) {
            throw usage(where + ": 'select' needs 'evaluate' (the seeds the chosen configurations run on, new ones), "
                    + "e.g. evaluate: {seeds: 2-21}");
        }
        for (Iterator<String> it = select.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("by", "seeds", "per", "lone").contains(k)) {
                throw usage(where + ": unknown key '" + k + "' in select (use by, seeds, per, lone)");
            }
        }
        for (Iterator<String> it = evaluate.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!k.equals("seeds") && !k.equals("validation")) {
                throw usage(where + ": unknown key '" + k + "' in evaluate (use seeds, validation)");
            }
        }
        // The chosen configurations may train on the whole training set (evaluate: validation: 0), as the
        // published protocols do once the choice is made; the selection stage keeps the grid's validation.
        ObjectNode evaluated = fixed.deepCopy();
        if (evaluate.has("validation")) {
            if (combos.stream().anyMatch(m -> m.containsKey("validation"))) {
                throw usage(where + ": evaluate: validation sets the evaluation stage's validation, so the grid's "
                        + "points cannot set validation themselves; set it once beside select");
            }
            evaluated.set("validation", evaluate.get("validation"));
        }
        if (fixed.has("seed") || combos.stream().anyMatch(m -> m.containsKey("seed"))) {
            throw usage(where + ": a grid that selects takes its seeds from select: seeds and evaluate: seeds; "
                    + "remove 'seed' from the grid");
        }
        Selection.Metric by = Selection.Metric.parse(where, select.get("by"));
        JsonNode loneNode = select.get("lone");
        if (loneNode != null && !(loneNode.isTextual() && Set.of("select", "evaluate").contains(loneNode.asText()))) {
            throw usage(where + ": select: lone must be select (a group's only candidate runs on the selection seeds "
                    + "too) or evaluate (it is chosen without them), got " + loneNode);
        }
        boolean loneSkips = loneNode != null && loneNode.asText().equals("evaluate");
        List<Long> selectSeeds = Selection.parseSeeds(where, "select: seeds", select.get("seeds"));
        List<Long> evaluateSeeds = Selection.parseSeeds(where, "evaluate: seeds", evaluate.get("seeds"));
        List<Long> both = selectSeeds.stream().filter(evaluateSeeds::contains).toList();
        if (!both.isEmpty()) {
            throw usage(where + ": evaluation seeds must be new seeds, but " + both + " also choose (the protocol "
                    + "reports on seeds not used for choosing, e.g. select: {seeds: [1]}, evaluate: {seeds: 2-21})");
        }
        List<String> per = new ArrayList<>();
        JsonNode perNode = select.get("per");
        if (perNode == null || perNode.isNull()) {
            per.add("strategy");
        } else if (perNode.isArray()) {
            perNode.forEach(k -> per.add(k.asText()));
        } else if (perNode.isTextual()) {
            per.add(perNode.asText());
        } else {
            throw usage(where + ": select: per must be a list of option keys, e.g. per: [strategy], got " + perNode);
        }
        for (String k : per) {
            if (!ExperimentConfig.allKeys().contains(k) || NOT_SWEPT.contains(k) || k.equals("seed")) {
                throw usage(where + ": select: per names '" + k + "', which is no option a candidate sets"
                        + dev.rehearsal.config.Suggest.unknownKeyHint(k, ExperimentConfig.allKeys()));
            }
        }
        LinkedHashSet<String> swept = new LinkedHashSet<>();
        combos.forEach(m -> swept.addAll(m.keySet()));
        swept.add("seed");
        List<Selection.Candidate> candidates = new ArrayList<>();
        Set<List<String>> seen = new LinkedHashSet<>();
        Unread unread = new Unread();
        int dup = 0;
        int n = 0;
        for (Map<String, JsonNode> combo : combos) {
            n++;
            String at = where + ", candidate " + n;
            List<Point> sel = new ArrayList<>();
            for (long seed : selectSeeds) {
                sel.add(point(fixed, seeded(combo, seed), at, quick, flags, unread));
            }
            if (!seen.add(sel.stream().map(Point::id).toList())) {
                dup += sel.size();
                continue;
            }
            ExperimentConfig first = sel.get(0).config();
            if (!(first.validation > 0)) {
                throw usage(at + ": select reads validation results, and this candidate holds out none: set "
                        + "validation: FRACTION (e.g. validation: 0.1) beside select");
            }
            List<Point> eval = new ArrayList<>();
            for (long seed : evaluateSeeds) {
                eval.add(point(evaluated, seeded(combo, seed), at + " (evaluate)", quick, flags, unread));
            }
            JsonNode resolved = Json.MAPPER.valueToTree(first);
            List<String> group = new ArrayList<>();
            for (String k : per) {
                JsonNode v = resolved.path(k);
                group.add(k + "=" + Sweep.text(v));
            }
            Map<String, JsonNode> options = new LinkedHashMap<>(sel.get(0).options());
            options.remove("seed");
            candidates.add(new Selection.Candidate(String.join(", ", group), Sweep.label(sel.get(0)), options,
                    List.copyOf(sel), List.copyOf(eval)));
        }
        unread.refuse();
        if (loneSkips) {
            // A group of one has nothing to choose: its candidate goes straight to the evaluation stage.
            Map<String, Long> sizes = new LinkedHashMap<>();
            candidates.forEach(c -> sizes.merge(c.group(), 1L, Long::sum));
            for (int i = 0; i < candidates.size(); i++) {
                Selection.Candidate c = candidates.get(i);
                if (sizes.get(c.group()) == 1) {
                    candidates.set(i, new Selection.Candidate(c.group(), c.label(), c.options(), List.of(),
                            c.evaluation()));
                }
            }
        }
        // The selection stage: every candidate's selection experiments, in grid order.
        List<Point> stage1 = candidates.stream().flatMap(c -> c.selection().stream()).toList();
        Selection.Plan plan = new Selection.Plan(by, selectSeeds, List.copyOf(per), evaluateSeeds,
                List.copyOf(candidates), loneSkips);
        return new Grid(source, report, List.copyOf(swept), stage1, dup, plan, unread.keys, pairedBy);
    }

    private static Map<String, JsonNode> seeded(Map<String, JsonNode> combo, long seed) {
        Map<String, JsonNode> m = new LinkedHashMap<>(combo);
        m.put("seed", Json.MAPPER.getNodeFactory().numberNode(seed));
        return m;
    }

    /**
     * The experiments a grid expands to (before equal ones are merged), counted without expanding it: the
     * product of the list lengths, plus for each explicit point the product of the lengths of the lists it does
     * not override. {@link Long#MAX_VALUE} when the count overflows.
     */
    static long count(Map<String, List<JsonNode>> lists, List<ObjectNode> overrides) {
        long total = !lists.isEmpty() || overrides.isEmpty() ? product(lists, Set.of()) : 0;
        for (ObjectNode p : overrides) {
            Set<String> own = new LinkedHashSet<>();
            p.fieldNames().forEachRemaining(own::add);
            total = saturatedAdd(total, product(lists, own));
        }
        return total;
    }

    private static long product(Map<String, List<JsonNode>> lists, Set<String> skip) {
        long n = 1;
        for (Map.Entry<String, List<JsonNode>> e : lists.entrySet()) {
            if (!skip.contains(e.getKey())) {
                n = n > Long.MAX_VALUE / e.getValue().size() ? Long.MAX_VALUE : n * e.getValue().size();
            }
        }
        return n;
    }

    private static long saturatedAdd(long a, long b) {
        return a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b;
    }

    /** Every combination of the lists whose keys are not in {@code skip} (one empty map when none). */
    private static List<Map<String, JsonNode>> cross(Map<String, List<JsonNode>> lists, Set<String> skip) {
        List<Map<String, JsonNode>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<JsonNode>> e : lists.entrySet()) {
            if (skip.contains(e.getKey())) {
                continue;
            }
            List<Map<String, JsonNode>> next = new ArrayList<>();
            for (Map<String, JsonNode> m : out) {
                for (JsonNode v : e.getValue()) {
                    Map<String, JsonNode> c = new LinkedHashMap<>(m);
                    c.put(e.getKey(), v);
                    next.add(c);
                }
            }
            out = next;
        }
        return out;
    }

    private static void checkKey(String where, String section, String key) {
        if (NOT_SWEPT.contains(key)) {
            throw usage(where + ": '" + key + "' cannot vary in " + section + ": " + (key.equals("strategies")
                    || key.equals("seeds") ? "sweep 'strategy' and 'seed' instead"
                    : "it is a runtime key, not part of an experiment (set it once, or run separate sweeps)"));
        }
        if (key.equals("grid") || key.equals("points") || key.equals("select") || key.equals("evaluate")) {
            throw usage(where + ": '" + key + "' cannot be nested in " + section);
        }
        if (!ExperimentConfig.allKeys().contains(key)) {
            throw usage(where + ": unknown key '" + key + "' in " + section
                    + dev.rehearsal.config.Suggest.unknownKeyHint(key, ExperimentConfig.allKeys()));
        }
    }

    private static RehearsalException usage(String m) {
        return new RehearsalException(RehearsalException.USAGE, m);
    }
}
