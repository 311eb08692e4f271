package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.Word;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.data.Corpus;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.scenario.Setting;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Every option of a run, with its default. Keys are the CLI's long option names; the resolved config is
 * saved with every result so that the result can be reproduced.
 *
 * <p>Defaults follow the reference experiment: Split-MNIST in the class-incremental setting with a growing
 * head, the {@code seed} preset, Adam (lr 1e-3, betas 0.9/0.999) with a fresh optimiser state at the start
 * of every task, batches of 128 current samples plus one replayed sample per current one, 2 solver epochs
 * and 5 generator epochs per task, loss weights 1/t (current) and 1 - 1/t (replay), 300 stored samples per
 * class for experience replay, hard labels for generative replay.
 */
@JsonPropertyOrder(alphabetic = false)
public final class ExperimentConfig {
    private static final com.fasterxml.jackson.databind.ObjectMapper COPIER =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * The general keys, in documentation order; strategies add their own ({@link StrategyCatalog}), see
     * {@link #allKeys()}.
     */
    public static final List<String> KEYS = keys();

    /**
     * Keys added after experiment ids were first issued, with the value a file written before them means by
     * leaving them out. At that value they are left out of an experiment's identity, so every earlier id,
     * record and checkpoint stays valid.
     */
    public static final java.util.Map<String, String> ADDED_KEYS = java.util.Map.of("precision", "fp32",
            "validation", "0.0", "ewc-mode", "online");

    /** Every key a config file may set: the general ones, then every option a strategy declares. */
    public static List<String> allKeys() {
        List<String> out = new ArrayList<>(KEYS);
        for (Option o : StrategyCatalog.installed().allOptions()) {
            out.add(o.key());
        }
        return out;
    }

    private static List<String> keys() {
        List<String> out = new ArrayList<>();
        for (java.lang.reflect.Field f : ExperimentConfig.class.getFields()) {
            JsonProperty p = f.getAnnotation(JsonProperty.class);
            if (p != null) {
                out.add(p.value());
            }
        }
        return List.copyOf(out);
    }

    @JsonProperty("dataset") public Corpus dataset = Corpus.MNIST;
    /** Directory of the IDX files; null: data/mnist (fetched when missing) or the Debian Fashion-MNIST. */
    @JsonProperty("data") public String data;
    @JsonProperty("scenario") public ScenarioType scenario = ScenarioType.SPLIT;
    /** The task count a split scenario leaves as it is (its tasks follow from its class order). */
    public static final int DEFAULT_TASKS = 10;
    /**
     * Tasks of a permuted scenario. A split scenario's follow from its class order: it holds the default here
     * (so that a config changed to permuted afterwards has the permuted default); results files write the count
     * that runs ({@link #withTaskCount}), which reads back as the default, and config.json none.
     */
    @JsonProperty("tasks") public int tasks = DEFAULT_TASKS;
    /** Which classes form the split tasks: an explicit list, fixed (label order) or random per seed. */
    @JsonProperty("class-order") public ClassOrder classOrder = ClassOrder.labelOrder(10);
    /**
     * Fraction of each task's training data held out, stratified by class and drawn from the seed on a stream of
     * its own, to measure accuracy on data neither trained on nor the test set (0: none). Selection reads it.
     */
    @JsonProperty("validation") public double validation = 0;
    @JsonProperty("classes-per-task") public int classesPerTask = 2;
    @JsonProperty("setting") public Setting setting = Setting.CLASS;
    /** grow: the class-incremental head grows by each task's classes; fixed: all outputs from the start. */
    @JsonProperty("head") public Head head = Head.GROW;
    @JsonProperty("preset") public Preset preset = Preset.SEED;
    @JsonProperty("strategy") public String strategy = "er";
    @JsonProperty("batch") public int batch = 128;
    /** Solver epochs per task (ignored when iterations > 0). */
    @JsonProperty("epochs") public int epochs = 2;
    /** Solver steps per task; 0: use epochs. */
    @JsonProperty("iterations") public int iterations = 0;
    @JsonProperty("vae-epochs") public int vaeEpochs = 5;
    @JsonProperty("vae-iterations") public int vaeIterations = 0;
    @JsonProperty("optimizer") public OptimizerConfig.Kind optimizer = OptimizerConfig.Kind.ADAM;
    @JsonProperty("lr") public double lr = 1e-3;
    @JsonProperty("vae-lr") public double vaeLr = 1e-3;
    @JsonProperty("momentum") public double momentum = 0;
    /** constant, step:EVERY:GAMMA (times GAMMA every EVERY steps) or exp:GAMMA (every step); restarts per task. */
    @JsonProperty("lr-schedule") public String lrSchedule = "constant";
    /** Start every task with a fresh optimiser state (Adam's moments and step count). */
    @JsonProperty("reset-optimizer") public boolean resetOptimizer = true;
    /** Replayed samples per current sample. */
    @JsonProperty("replay-ratio") public double replayRatio = 1.0;
    @JsonProperty("weighting") public Weighting weighting = Weighting.TASKS;
    @JsonProperty("generation") public Generation generation = Generation.ON_THE_FLY;
    /** Samples in the generated pool (pool mode); 0: as many as the task has training samples. */
    @JsonProperty("pool-size") public int poolSize = 0;
    @JsonProperty("replay-targets") public ReplayTargets replayTargets = ReplayTargets.HARD;
    @JsonProperty("temperature") public double temperature = 2.0;
    @JsonProperty("per-class") public int perClass = 300;
    @JsonProperty("selection") public Selection selection = Selection.RANDOM;
    /** Training samples kept per task (0: all), for short configurations. */
    @JsonProperty("train-limit") public int trainLimit = 0;
    /** Test samples kept per task (0: all), for short configurations and long task sequences. */
    @JsonProperty("test-limit") public int testLimit = 0;
    @JsonProperty("seed") public long seed = 1;
    @JsonProperty("backend") public BackendType backend = BackendType.NATIVE;
    /** What the matmuls multiply in: fp32 (the reference) or bf16 (bfloat16 operands, float32 sums). */
    @JsonProperty("precision") public Precision precision = Precision.FP32;
    @JsonProperty("threads") public int threads = Runtime.getRuntime().availableProcessors();
    /** Library of the native backend's GEMMs: dnnl or openblas. */
    @JsonProperty("gemm") public Gemm gemm = Gemm.DNNL;
    /** What idle oneDNN (OpenMP) threads do: default, passive or active. */
    @JsonProperty("omp-wait") public OmpWait ompWait = OmpWait.AUTO;
    /** Strategies of {@code compare}. */
    @JsonProperty("strategies") public List<String> strategies = new ArrayList<>(List.of("naive", "joint", "er", "gr"));
    /** Seeds of {@code compare}. */
    @JsonProperty("seeds") public List<Long> seeds = new ArrayList<>(List.of(1L));
    /** The short configuration for CI and smoke tests (see {@link #applyQuick()}); explicit keys override it. */
    @JsonProperty("quick") public boolean quick = false;
    /** Results folder; null: a new folder of the run's own under results/&lt;command&gt;/ (RunFolders). */
    @JsonProperty("out") public String out;
    /** No progress output. */
    @JsonProperty("quiet") public boolean quiet = false;

    /**
     * Values of the options strategies declare, by key. {@link #validate()} checks each against its
     * declaration and adds the declared default of every option of the strategies this config runs, so the
     * saved config records them all.
     */
    private final Map<String, Object> strategyOptions = new LinkedHashMap<>();

    @JsonAnySetter
    void setStrategyOption(String key, Object value) {
        strategyOptions.put(key, value);
    }

    @JsonAnyGetter
    Map<String, Object> strategyOptions() {
        return strategyOptions;
    }

    /** Sets a strategy's option (checked against its declaration). */
    public ExperimentConfig set(Option o, Object value) {
        strategyOptions.put(o.key(), o.check(value));
        return this;
    }

    /** Whether a strategy option was given (by a file, a flag or the code) rather than defaulted. */
    public boolean has(Option o) {
        return strategyOptions.containsKey(o.key());
    }

    /** A NUMBER option's value, or its default. */
    public double number(Option o) {
        return ((Number) value(o, Option.Kind.NUMBER)).doubleValue();
    }

    /** An INTEGER option's value, or its default. */
    public int integer(Option o) {
        return ((Number) value(o, Option.Kind.INTEGER)).intValue();
    }

    /** A CHOICE option's value (or its default) as the enum it was declared with ({@link Option#choice}). */
    public <E extends Enum<E> & Word> E choice(Option o, Class<E> type) {
        if (o.words() != type) {
            throw new IllegalArgumentException(o + " takes values of " + o.words() + ", not " + type);
        }
        return Word.parse(type, (String) value(o, Option.Kind.CHOICE));
    }

    /** A FLAG option's value, or its default. */
    public boolean flag(Option o) {
        return (Boolean) value(o, Option.Kind.FLAG);
    }

    private Object value(Option o, Option.Kind kind) {
        if (o.kind() != kind) {
            throw new IllegalArgumentException(o + " is not a " + kind + " option");
        }
        Object v = strategyOptions.get(o.key());
        return v == null ? o.defaultFor(scenario == null ? "" : scenario.id(), setting == null ? "" : setting.id())
                : o.check(v);
    }

    /** The short configuration's training samples per task, solver epochs and generator epochs. */
    public static final int QUICK_TRAIN_LIMIT = 4000;
    public static final int QUICK_EPOCHS = 2;
    public static final int QUICK_VAE_EPOCHS = 5;
    /** What {@link #applyQuick()} sets, for help texts (a constant, so annotations can use it). */
    public static final String QUICK_SUMMARY = QUICK_TRAIN_LIMIT + " training samples per task, " + QUICK_EPOCHS
            + " solver epochs, " + QUICK_VAE_EPOCHS + " generator epochs";

    /** {@code quick}: {@value #QUICK_SUMMARY}. */
    public ExperimentConfig applyQuick() {
        quick = true;
        trainLimit = QUICK_TRAIN_LIMIT;
        epochs = QUICK_EPOCHS;
        vaeEpochs = QUICK_VAE_EPOCHS;
        return this;
    }

    public ExperimentConfig copy() {
        return COPIER.convertValue(COPIER.valueToTree(this), ExperimentConfig.class);
    }

    /**
     * Checks every value; the message names the key. Float-typed values are checked as the float32 that
     * training computes with, and list values (seeds, strategies, class-order) must not repeat.
     */
    public ExperimentConfig validate() {
        given("dataset", dataset, Corpus.class);
        given("scenario", scenario, ScenarioType.class);
        given("setting", setting, Setting.class);
        given("head", head, Head.class);
        given("preset", preset, Preset.class);
        StrategyCatalog catalog = StrategyCatalog.installed();
        String[] ids = catalog.ids().toArray(String[]::new);
        oneOf("strategy", strategy, ids);
        strategy = strategy.toLowerCase(Locale.ROOT);
        given("optimizer", optimizer, OptimizerConfig.Kind.class);
        given("weighting", weighting, Weighting.class);
        given("generation", generation, Generation.class);
        given("replay-targets", replayTargets, ReplayTargets.class);
        given("selection", selection, Selection.class);
        given("backend", backend, BackendType.class);
        given("gemm", gemm, Gemm.class);
        given("precision", precision, Precision.class);
        given("omp-wait", ompWait, OmpWait.class);
        if (precision == Precision.BF16 && gemm == Gemm.OPENBLAS) {
            throw new RehearsalException(RehearsalException.USAGE, "precision bf16 runs on oneDNN: use --gemm dnnl "
                    + "(or --precision fp32)");
        }
        if (strategies == null || strategies.isEmpty()) {
            throw invalid("strategies", strategies, "a non-empty list of " + String.join(", ", ids));
        }
        for (String s : strategies) {
            oneOf("strategies", s, ids);
        }
        distinct("strategies", strategies.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList(), strategies);
        strategies = new ArrayList<>(strategies.stream().map(s -> s.toLowerCase(Locale.ROOT)).toList());
        validateStrategyOptions(catalog);
        List<String> running = new ArrayList<>(strategies);
        running.add(0, strategy);
        for (String id : running) {
            String refusal = catalog.refusal(id, setting);
            if (refusal != null) {
                throw new RehearsalException(RehearsalException.USAGE, refusal);
            }
        }
        if (seeds == null || seeds.isEmpty() || seeds.stream().anyMatch(Objects::isNull)) {
            throw invalid("seeds", seeds, "a non-empty list of integers");
        }
        distinct("seeds", seeds, seeds);
        positive("batch", batch);
        positive("per-class", perClass);
        positive("classes-per-task", classesPerTask);
        atLeast("epochs", epochs, iterations > 0 ? 0 : 1);
        atLeast("iterations", iterations, 0);
        atLeast("vae-epochs", vaeEpochs, vaeIterations > 0 ? 0 : 1);
        atLeast("vae-iterations", vaeIterations, 0);
        atLeast("pool-size", poolSize, 0);
        atLeast("train-limit", trainLimit, 0);
        atLeast("test-limit", testLimit, 0);
        if (scenario == ScenarioType.PERMUTED) {
            positive("tasks", tasks);
            if (tasks > 1000) {
                throw invalid("tasks", tasks, "at most 1000");
            }
        }
        if (threads < 1 || threads > 4096) {
            throw invalid("threads", threads, "between 1 and 4096");
        }
        if (batch > 65536) {
            throw invalid("batch", batch, "at most 65536");
        }
        // The five float-typed options, checked as the float32 the kernels compute with.
        float32("lr", lr, false, 1e3, true);
        float32("vae-lr", vaeLr, false, 1e3, true);
        float32("momentum", momentum, true, 1, false);
        float32("replay-ratio", replayRatio, true, 16, true);
        float32("temperature", temperature, false, 100, true);
        try {
            dev.rehearsal.optim.LrSchedule.parse(lrSchedule);
        } catch (IllegalArgumentException e) {
            throw new RehearsalException(RehearsalException.USAGE, "invalid value for 'lr-schedule': " + lrSchedule
                    + " (" + e.getMessage() + ")");
        }
        if (classOrder == null) {
            throw invalid("class-order", null, "random, reference, fixed or a list of classes");
        }
        int classes = dataset.classes();
        classOrder = classOrder.resolvedFor(classes);
        classOrder.check(classes, dataset.id());
        if (scenario == ScenarioType.SPLIT) {
            classOrder.forSeed(seed, classes); // a seed the order cannot be drawn for is refused here, not mid-run
        }
        if (scenario == ScenarioType.SPLIT && classOrder.size(classes) % classesPerTask != 0) {
            throw invalid("classes-per-task", classesPerTask, "a divisor of the " + classOrder.size(classes)
                    + " classes of the class order");
        }
        if (scenario == ScenarioType.SPLIT) {
            // A split scenario's tasks follow from its class order; a task count it did not use would be recorded
            // as if it had run. Files write the count it runs (withTaskCount), which reads back as the default.
            int split = classOrder.size(classes) / classesPerTask;
            if (tasks != DEFAULT_TASKS && tasks != split) {
                throw invalid("tasks", tasks, "no task count on a split scenario: it has one task per "
                        + classesPerTask + " classes of its class order (give --class-order with fewer classes, e.g. "
                        + "--class-order 0,1,2,3 for 2 tasks), or --scenario permuted");
            }
            tasks = DEFAULT_TASKS;
        }
        float32("validation", validation, true, 0.5, true);
        // What a strategy cannot run with depends on the strategies a command runs: refuseUnread checks it.
        return this;
    }

    /**
     * Every strategy option given must be declared by some strategy and valid by its declaration; the
     * defaults of the options of the strategies this config runs are filled in.
     */
    private void validateStrategyOptions(StrategyCatalog catalog) {
        Map<String, Option> declared = new LinkedHashMap<>();
        for (Option o : catalog.allOptions()) {
            declared.put(o.key(), o);
        }
        for (Map.Entry<String, Object> e : strategyOptions.entrySet()) {
            Option o = declared.get(e.getKey());
            if (o == null) {
                throw new RehearsalException(RehearsalException.USAGE, "unknown key '" + e.getKey() + "'"
                        + Suggest.unknownKeyHint(e.getKey(), allKeys()));
            }
            e.setValue(o.check(e.getValue()));
        }
        List<String> used = new ArrayList<>(strategies);
        used.add(0, strategy);
        for (String id : used) {
            for (Option o : catalog.options(id.toLowerCase(Locale.ROOT))) {
                strategyOptions.putIfAbsent(o.key(), o.defaultFor(scenario.id(), setting.id()));
            }
        }
    }

    /**
     * Refuses what only the strategies a command will run ({@code running}) decide. First a value one of them
     * declares it cannot run with given the rest of the config ({@link Refusal}), naming that strategy:
     * {@code --generation pool} is refused for cgr when cgr runs, and is no concern of a strategy that does not.
     * Then a strategy option given a value other than its default when none of them reads it:
     * {@code compare --strategies bir --replay-budget 1000} would otherwise run bir and silently ignore the
     * budget. A default value is harmless (ignoring it changes nothing), which keeps a saved config.json,
     * holding every default, reproducible.
     */
    public void refuseUnread(List<String> running) {
        StrategyCatalog catalog = StrategyCatalog.installed();
        for (String id : running) {
            Refusal r = catalog.refusal(id.toLowerCase(Locale.ROOT), this);
            if (r != null) {
                throw r.of(id.toLowerCase(Locale.ROOT));
            }
        }
        List<Option> unread = unreadGiven(running);
        if (!unread.isEmpty()) {
            throw unread(unread.get(0), running);
        }
    }

    /** The strategy options given a value other than their default that none of {@code running} declares. */
    public List<Option> unreadGiven(List<String> running) {
        StrategyCatalog catalog = StrategyCatalog.installed();
        List<Option> out = new ArrayList<>();
        for (Option o : catalog.allOptions()) {
            Object v = strategyOptions.get(o.key());
            if (v == null || Objects.equals(o.check(v), o.defaultFor(scenario.id(), setting.id()))) {
                continue;
            }
            if (running.stream().noneMatch(r -> catalog.options(r.toLowerCase(Locale.ROOT)).contains(o))) {
                out.add(o);
            }
        }
        return out;
    }

    /** The one-line refusal of option {@code o}, as this config gives it, which none of {@code running} reads. */
    public RehearsalException unread(Option o, List<String> running) {
        StrategyCatalog catalog = StrategyCatalog.installed();
        List<String> readers = catalog.ids().stream().filter(id -> catalog.options(id).contains(o)).toList();
        return new RehearsalException(RehearsalException.USAGE, "option '" + o.key() + "' ("
                + strategyOptions.get(o.key()) + ") is not read by " + String.join(", ", running) + ": it is read by "
                + String.join(", ", readers));
    }

    /**
     * Whether strategy {@code strategy} reads {@code key}: a general key no strategy lists in its reads (the
     * training loop's), one it lists, or an option it declares; not another strategy's option, nor a general
     * key only other strategies list.
     */
    public static boolean reads(String strategy, String key) {
        StrategyCatalog catalog = StrategyCatalog.installed();
        if (catalog.options(strategy).stream().anyMatch(o -> o.key().equals(key))
                || catalog.reads(strategy).contains(key)) {
            return true;
        }
        return !catalog.strategyKeys().contains(key)
                && catalog.allOptions().stream().noneMatch(o -> o.key().equals(key));
    }

    /**
     * Puts every key of {@code tree} (a config as JSON, keys as in config files) that its strategy does not read
     * as it is when it is not given, and returns the tree: a general key that some strategy reads
     * ({@link StrategyCatalog#strategyKeys}) but this one does not is set to its general default (a config always
     * holds every general key); an option this strategy does not declare is removed (a config holds the options
     * of the strategies it runs); a split scenario's task count is put at {@link #DEFAULT_TASKS}, as every
     * record before 2026-12-07 held it. This is what an experiment's identity is made of: two configs equal after it
     * are the same experiment ({@code Experiment.id}), since the strategy cannot tell them apart.
     */
    public static com.fasterxml.jackson.databind.node.ObjectNode forgetUnread(
            com.fasterxml.jackson.databind.node.ObjectNode tree) {
        StrategyCatalog catalog = StrategyCatalog.installed();
        String strategy = tree.path("strategy").asText();
        if (tree.has("tasks") && ScenarioType.SPLIT.id().equals(tree.path("scenario").asText())) {
            // A split scenario's count follows from its class order (and records written before 2026-12-07 hold
            // the permuted default there): the same experiment whichever of the two a file holds.
            tree.put("tasks", DEFAULT_TASKS);
        }
        for (String key : catalog.strategyKeys()) {
            if (!reads(strategy, key) && tree.has(key)) {
                tree.set(key, Defaults.TREE.get(key).deepCopy());
            }
        }
        for (Option o : catalog.allOptions()) {
            if (!reads(strategy, o.key())) {
                tree.remove(o.key());
            }
        }
        return tree;
    }

    /** A copy of this config without what its strategy does not read ({@link #forgetUnread}). */
    public ExperimentConfig withoutUnread() {
        return COPIER.convertValue(forgetUnread(COPIER.valueToTree(this)), ExperimentConfig.class).validate();
    }

    /** The general defaults as JSON (built on first use: a config's class must be initialised first). */
    private static final class Defaults {
        private static final com.fasterxml.jackson.databind.node.ObjectNode TREE =
                COPIER.valueToTree(new ExperimentConfig());

        private Defaults() {
        }
    }

    /** Refuses an enumerated key left without a value (set to null by the code; files refuse null earlier). */
    private static <E extends Enum<E> & Word> void given(String key, E value, Class<E> type) {
        if (value == null) {
            throw invalid(key, null, "one of " + Word.ids(type));
        }
    }

    /**
     * The value of the enumerated key {@code key} written {@code text} (any case), for the command line: a
     * usage error naming the key otherwise. Config files reach the same {@link Word#parse} through Jackson.
     */
    public static <E extends Enum<E> & Word> E word(String key, Class<E> type, String text) {
        try {
            return Word.parse(type, text);
        } catch (IllegalArgumentException e) {
            throw invalid(key, text, "one of " + Word.ids(type));
        }
    }

    private static void oneOf(String key, String value, String... allowed) {
        if (value == null || !Arrays.asList(allowed).contains(value.toLowerCase(Locale.ROOT))) {
            throw invalid(key, value, "one of " + String.join(", ", allowed));
        }
    }

    /** Refuses a list with repeats ({@code values} as compared, {@code shown} as given). */
    private static void distinct(String key, List<?> values, List<?> shown) {
        Set<Object> seen = new HashSet<>();
        for (Object v : values) {
            if (!seen.add(v)) {
                throw invalid(key, shown, "distinct values; " + v + " is repeated");
            }
        }
    }

    /**
     * A float-typed option: finite, and in [0, max] or (0, max] (with {@code max} itself or not) <em>as the
     * float32 the kernels use</em>, so 1e-320 (0 in float32), 1e-40 (subnormal: precision lost) and
     * 0.99999999999 for an open bound of 1 (1.0 in float32) are refused.
     */
    /** A float-typed option in {@code [min, max]} or {@code (min, max]}, checked as float32 (see below). */
    static void float32(String key, double value, double min, boolean minOpen, double max) {
        if (min == 0) {
            float32(key, value, !minOpen, max, true);
            return;
        }
        float32(key, value, true, max, true);
        float f = (float) value;
        if (minOpen ? f <= min : f < min) {
            throw invalid(key, value, "in " + (minOpen ? "(" : "[") + min + ", " + max + "]");
        }
    }

    private static void float32(String key, double value, boolean zeroAllowed, double max, boolean maxIncluded) {
        String range = (zeroAllowed ? "[0, " : "(0, ") + (max == Math.rint(max) ? Long.toString((long) max)
                : Double.toString(max)) + (maxIncluded ? "]" : ")");
        if (!Double.isFinite(value)) {
            throw invalid(key, value, "a finite number in " + range);
        }
        float f = (float) value;
        String where = "training computes in float32, where " + value + " becomes " + f;
        if (value != 0 && (f == 0 || Math.abs(f) < Float.MIN_NORMAL)) {
            throw invalid(key, value, "in " + range + " and at least " + Float.MIN_NORMAL + ", the smallest normal "
                    + "float32: " + where + (f == 0 ? "" : ", a subnormal number that has lost precision"));
        }
        boolean inRange = (zeroAllowed ? f >= 0 : f > 0) && (maxIncluded ? f <= max : f < max);
        if (!inRange) {
            throw invalid(key, value, "in " + range + (f != value && (f == max || f == 0) ? ": " + where : ""));
        }
    }

    private static void positive(String key, long value) {
        atLeast(key, value, 1);
    }

    private static void atLeast(String key, long value, long min) {
        if (value < min) {
            throw invalid(key, value, "at least " + min);
        }
    }

    /** The one-line message of an invalid value: the key, the value, what was expected. */
    public static RehearsalException invalid(String key, Object value, String expected) {
        return new RehearsalException(RehearsalException.USAGE, "invalid value for '" + key + "': " + value
                + " (expected " + expected + ")");
    }

    /** The class order this config's run uses with its own seed (drawn from it when the order is random). */
    public int[] classOrderArray() {
        return classOrder.forSeed(seed, dataset.classes());
    }

    /** How many classes the split tasks use. */
    public int classCount() {
        return classOrder.size(dataset.classes());
    }

    /** The number of tasks this config runs: {@link #tasks} for a permuted scenario, else its class order's. */
    public int taskCount() {
        return scenario == ScenarioType.PERMUTED ? tasks : classCount() / classesPerTask;
    }

    /**
     * {@code tree}, this config as JSON (under whatever key names), with its {@code tasks} key set to the number of
     * tasks it runs: what a file shows of a split scenario, whose field keeps the default.
     */
    public com.fasterxml.jackson.databind.node.ObjectNode withTaskCount(
            com.fasterxml.jackson.databind.node.ObjectNode tree) {
        if (tree.has("tasks")) {
            tree.put("tasks", taskCount());
        }
        return tree;
    }
}
