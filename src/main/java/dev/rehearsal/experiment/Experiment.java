package dev.rehearsal.experiment;

import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.config.Head;
import dev.rehearsal.config.ScenarioType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.AccuracyMatrix;
import dev.rehearsal.metrics.ConfusionMatrix;
import dev.rehearsal.metrics.LossCurves;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.metrics.TaskRecord;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Held;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.strategy.Context;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategies;
import dev.rehearsal.strategy.Strategy;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The unit of work: one experiment is one resolved config with a single strategy and seed
 * ({@link #single}); its {@link #id} is a hash of its canonical JSON; {@link #run(ExperimentConfig, Backend,
 * Dataset, Dataset, Progress, RunCheckpoint, Listener)} runs it and returns its result, and {@link #record}
 * is that result as the sealed JSON record {@code run}, {@code compare} and {@code sweep} write. Every
 * command that trains ({@code run}, {@code compare}, {@code scale}, each task of a sweep) goes through the
 * one run loop here: it measures the random model ({@code b}), then for every task trains the strategy and
 * tests the solver on every task (a row of R).
 */
public final class Experiment {
    private Experiment() {
    }

    /** Hex digits of an experiment's id: the first 64 bits of the SHA-256 of its canonical JSON. */
    public static final int ID_LENGTH = 16;

    /**
     * One experiment of {@code base}: its strategy and seed set, and {@code strategies} and {@code seeds} the
     * one-element lists of them (so the saved config says what ran); validated.
     */
    public static ExperimentConfig single(ExperimentConfig base, String strategy, long seed) {
        ExperimentConfig c = base.copy();
        c.strategy = strategy;
        c.seed = seed;
        c.strategies = new ArrayList<>(List.of(strategy));
        c.seeds = new ArrayList<>(List.of(seed));
        return c.validate();
    }

    /**
     * The canonical JSON of an experiment: every key of the resolved config (strategy options included, with
     * their defaults filled in by validation) with its keys sorted, written compactly, without the runtime
     * keys (data, out, quiet, threads, gemm, omp-wait, backend, strategies, seeds): they say where the data and
     * results are and how the arithmetic runs, not what the experiment is (the same keys a resumed run may
     * change, see Integrity), and without a key of {@link ExperimentConfig#ADDED_KEYS} at the value its absence
     * means. Two configs with the same canonical JSON are the same experiment.
     */
    public static String canonicalJson(ExperimentConfig c) {
        return canonicalJson((ObjectNode) Json.MAPPER.valueToTree(c));
    }

    /**
     * The canonical JSON of a config tree (keys as in config files): without the runtime keys, the added keys
     * at the value their absence means, and the keys its strategy does not read at their defaults
     * ({@link ExperimentConfig#forgetUnread}); keys sorted.
     */
    static String canonicalJson(ObjectNode config) {
        ObjectNode tree = ExperimentConfig.forgetUnread(config.deepCopy());
        Integrity.RUNTIME_KEYS.forEach(tree::remove);
        ExperimentConfig.ADDED_KEYS.forEach((key, absent) -> {
            if (tree.path(key).asText().equals(absent)) {
                tree.remove(key);
            }
        });
        try {
            return Json.MAPPER.writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(sorted(tree));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * What experiments that differ in their seed alone share: {@link #canonicalJson} without the seed (a random
     * class order is drawn from the seed, so it goes with it). {@code sweep --dry-run} takes the cost of an
     * experiment still to run from the records of such siblings.
     */
    public static String apartFromSeed(ExperimentConfig c) {
        return seedless(Json.MAPPER.valueToTree(c));
    }

    /** {@link #apartFromSeed(ExperimentConfig)} of the config a record (sealed, verified) stores; null without one. */
    public static String apartFromSeed(ObjectNode record) {
        JsonNode saved = record.path(Integrity.CONFIG);
        if (!saved.isObject()) {
            return null;
        }
        return seedless(dev.rehearsal.ResultsSchema.unwritten(saved));
    }

    private static String seedless(ObjectNode tree) {
        tree.remove("seed");
        return canonicalJson(tree);
    }

    /** The experiment's id: the first {@value #ID_LENGTH} hex digits of the SHA-256 of {@link #canonicalJson}. */
    public static String id(ExperimentConfig c) {
        return hash(canonicalJson(c));
    }

    private static String hash(String canonical) {
        return Integrity.sha256(canonical.getBytes(java.nio.charset.StandardCharsets.UTF_8)).substring(0, ID_LENGTH);
    }

    /**
     * The id of the experiment a record (runs/*.json, verified with {@link #readSealedRecord}) was written for,
     * computed from the config it records as {@link #id} computes it today; null when it records none. A
     * record an earlier build wrote under another id (before the keys a strategy does not read were left out
     * of the identity, say) is found by it.
     */
    public static String recordedId(ObjectNode record) {
        JsonNode saved = record.path(Integrity.CONFIG);
        return saved.isObject() ? hash(canonicalJson(dev.rehearsal.ResultsSchema.unwritten(saved))) : null;
    }

    /** A record file's content, its checksum verified (a one-line error with exit code 3 naming the file). */
    public static ObjectNode readSealedRecord(java.nio.file.Path file) {
        return Integrity.readSealed(file);
    }

    private static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            java.util.List<String> names = new ArrayList<>();
            n.fieldNames().forEachRemaining(names::add);
            java.util.Collections.sort(names);
            names.forEach(k -> out.set(k, sorted(n.get(k))));
            return out;
        }
        if (n.isArray()) {
            com.fasterxml.jackson.databind.node.ArrayNode out = Json.MAPPER.createArrayNode();
            n.forEach(x -> out.add(sorted(x)));
            return out;
        }
        return n;
    }

    /**
     * The sealed record of a finished experiment (runs/*.json): the result, the experiment's id, the config it
     * was run with, and where it came from ({@link Provenance}); its SHA-256 is its last key.
     */
    public static ObjectNode record(ExperimentConfig c, RunResult result) {
        ObjectNode json = Provenance.stamp(Json.MAPPER.createObjectNode(), "run");
        json.put("id", id(c));
        json.put("status", "finished");
        json.setAll(result.toJson());
        json.set(Integrity.CONFIG, Json.config(c));
        return Integrity.seal(json);
    }

    /**
     * The sealed record of an experiment that failed: its id, config, the one-line error and the exit code the
     * error has on the command line (see cli.Main).
     */
    /**
     * The record of an experiment whose strategy cannot keep what it must within its replay budget: status
     * {@code does_not_fit} and the reason, as the command line would print it.
     */
    public static ObjectNode doesNotFit(ExperimentConfig c, String reason) {
        ObjectNode json = failure(c, reason, dev.rehearsal.RehearsalException.USAGE);
        json.put("status", DOES_NOT_FIT);
        return Integrity.seal(json);
    }

    /** The status of a {@link #doesNotFit} record. */
    public static final String DOES_NOT_FIT = "does_not_fit";

    public static ObjectNode failure(ExperimentConfig c, String error, int exitCode) {
        ObjectNode json = Provenance.stamp(Json.MAPPER.createObjectNode(), "run");
        json.put("id", id(c));
        json.put("status", "failed");
        json.put("strategy", c.strategy);
        json.put("seed", c.seed);
        json.put("error", error);
        json.put("exit_code", exitCode);
        json.set(Integrity.CONFIG, Json.config(c));
        return Integrity.seal(json);
    }

    /**
     * A record written by {@link #record} or {@link #failure}, verified: its checksum, that it was written for
     * {@code c} (up to the runtime keys), its status, and, when finished, every value's range. Damage is a one-line error with
     * exit code 3 naming the file.
     */
    public static ObjectNode readRecord(java.nio.file.Path file, ExperimentConfig c, String fix) {
        ObjectNode o = Integrity.readSealed(file);
        Integrity.requireConfig(file, o.path(Integrity.CONFIG), c, fix);
        String status = o.path("status").asText();
        if (status.equals("finished")) {
            Integrity.checkRecord(file, o, c.taskCount());
        } else if (!status.equals("failed") && !status.equals(DOES_NOT_FIT)) {
            throw Integrity.corrupt(file, "its status '" + status + "' is none of finished, failed, " + DOES_NOT_FIT);
        }
        return o;
    }

    /**
     * The unit of work: runs the experiment {@code c} (one strategy, one seed) on loaded datasets, in a scenario
     * of its own, and returns its result (see {@link #run(ExperimentConfig, Backend, Scenario, Progress,
     * RunCheckpoint, Listener)} for the checkpoint and listener).
     */
    public static RunResult run(ExperimentConfig c, Backend backend, Dataset train, Dataset test, Progress progress,
            RunCheckpoint checkpoint, Listener afterTask) {
        try (Scenario sc = scenario(c, backend, train, test)) {
            return run(c, backend, sc, progress, checkpoint, afterTask);
        }
    }

    /**
     * Checks, before anything runs, what a run of {@code c} would otherwise find only when its strategy is built:
     * the values that depend on the data and on the strategy's shapes (a replay budget too small for one sample of
     * each class, more stored samples per class than a class has, herding on a solver without a hidden layer).
     * Builds the run's scenario and strategy exactly as {@link #run} does, trains nothing, and frees both; throws
     * what the run would throw.
     */
    public static void check(ExperimentConfig c, Backend backend, Dataset train, Dataset test) {
        try (Scenario sc = scenario(c, backend, train, test);
                Strategy s = Strategies.create(c.strategy, new Context(backend, sc, c, new Rng(c.seed), new Ledger(),
                        Progress.NONE, new LossCurves(sc.taskCount(), 1)))) {
            s.type(); // built: nothing else to do
        }
    }

    /** Builds the scenario the config describes over loaded datasets. */
    public static Scenario scenario(ExperimentConfig c, Backend backend, Dataset train, Dataset test) {
        boolean grow = c.head == Head.GROW;
        return c.scenario == ScenarioType.PERMUTED
                ? Scenario.permuted(backend, train, test, c.tasks, c.setting, grow, c.trainLimit, c.testLimit,
                        c.validation, c.seed)
                : Scenario.split(train, test, c.classOrderArray(), c.classesPerTask, c.setting, grow, c.trainLimit,
                        c.testLimit, c.validation, c.seed);
    }

    /**
     * The work a run of {@code c} will do, estimated from its config before its scenario exists (a data set of
     * {@code trainImages} and {@code testImages} shared evenly by its classes; each task trained once, with a
     * generator's own steps for a strategy that trains one for them): what the estimate of the time left counts
     * for a run that has not started. A started run counts its own ({@link Strategy#plannedWork}).
     */
    public static dev.rehearsal.metrics.Eta.Work plannedWork(ExperimentConfig c, long trainImages, long testImages) {
        int tasks = c.taskCount();
        boolean permuted = c.scenario == ScenarioType.PERMUTED;
        int classes = c.dataset.classes();
        long train = permuted ? trainImages : trainImages * c.classesPerTask / classes;
        long test = permuted ? testImages : testImages * c.classesPerTask / classes;
        if (c.trainLimit > 0) {
            train = Math.min(train, c.trainLimit);
        }
        if (c.testLimit > 0) {
            test = Math.min(test, c.testLimit);
        }
        long held = Math.round(train * c.validation);
        int trained = (int) Math.max(1, Math.min(Integer.MAX_VALUE, train - held));
        int bc = Math.min(c.batch, trained);
        long solver = tasks * Strategy.steps(trained, bc, c.epochs, c.iterations);
        long generator = dev.rehearsal.config.ShortRun.trainsGenerator(List.of(c.strategy))
                ? tasks * Strategy.steps(trained, bc, c.vaeEpochs, c.vaeIterations) : 0;
        return new dev.rehearsal.metrics.Eta.Work(solver, generator, dev.rehearsal.metrics.Eta.Work.evaluation(
                (long) (tasks + 1) * tasks * (test + held), c.batch));
    }

    /** The class order a run of {@code c} uses (drawn from its seed when random); null for a permuted scenario. */
    public static int[] classOrder(ExperimentConfig c) {
        return c.scenario == ScenarioType.PERMUTED ? null : c.classOrderArray();
    }

    /**
     * Runs {@code c.strategy} with {@code c.seed}. With a checkpoint, the state after every finished task is
     * saved to it, and a run that finds one continues after its last finished task (ending with the same R
     * as an uninterrupted run). {@code afterTask} sees the result so far after each task (partial results).
     */
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    public static RunResult run(ExperimentConfig c, Backend backend, Scenario scenario, Progress progress,
            RunCheckpoint checkpoint, Listener afterTask) {
        long start = System.nanoTime();
        Ledger ledger = new Ledger(backend::macs);
        Rng rng = new Rng(c.seed);
        int tasks = scenario.taskCount();
        LossCurves losses = new LossCurves(tasks, 1);
        Context ctx = new Context(backend, scenario, c, rng, ledger, progress, losses);
        try (Strategy s = Strategies.create(c.strategy, ctx)) {
            losses.setWindow(LossCurves.windowFor(s.longestTaskSteps()));
            // What this process will count of the run's work (a resumed run: the tasks left), for the estimate.
            dev.rehearsal.metrics.Eta.Work plan = s.plannedWork();
            AccuracyMatrix acc = new AccuracyMatrix(tasks);
            AccuracyMatrix val = scenario.hasValidation() ? new AccuracyMatrix(tasks) : null;
            int[] order = classOrder(c);
            double earlierSeconds = 0;
            long[][] confusion = null;
            RunCheckpoint.Saved saved = checkpoint == null ? null : checkpoint.load(c, tasks);
            if (saved != null) {
                RunCheckpoint.restore(s, rng, saved);
                ledger.add(saved.ledger());
                acc = saved.accuracy();
                if ((saved.validation() == null) != (val == null)) {
                    throw Integrity.corrupt(checkpoint.dir().resolve(RunCheckpoint.STATE), "it was written "
                            + (val == null ? "with" : "without") + " a validation split, this run has "
                            + (val == null ? "none" : "one"));
                }
                val = saved.validation();
                earlierSeconds = saved.wallSeconds();
                if (saved.losses().window() != losses.window()) {
                    throw Integrity.corrupt(checkpoint.dir().resolve(RunCheckpoint.STATE), "its loss window is "
                            + saved.losses().window() + " steps, this run's is " + losses.window());
                }
                losses.restore(LossCurves.Model.SOLVER, saved.losses().solver());
                losses.restore(LossCurves.Model.GENERATOR, saved.losses().generator());
                confusion = saved.confusion();
                progress.log(String.format(Locale.ROOT, "%s seed %d: resumed after task %d/%d", s.name(), c.seed,
                        saved.tasksDone(), tasks));
            } else {
                acc.setInitial(evaluate(s, scenario, Held.TEST, null));
                if (val != null) {
                    val.setInitial(evaluate(s, scenario, Held.VALIDATION, null));
                }
            }
            progress.planned(saved == null ? plan : share(plan, tasks - saved.tasksDone(), tasks));
            long datasetBytes = scenario.train().imageBytes() + scenario.test().imageBytes()
                    + scenario.permutationBytes();
            long stream = 0;
            for (Task t : scenario.tasks()) {
                stream += (long) t.trainSize() * scenario.train().features();
            }
            List<TaskRecord> records = saved == null ? new ArrayList<>() : new ArrayList<>(saved.records());
            // Samples a resumed run's restored ledger counted before this process: not this process's work.
            long evaluatedBefore = saved == null ? 0 : saved.ledger().samples(Phase.EVALUATION);
            RunResult result = null;
            for (Task task : scenario.tasks().subList(acc.rowsDone(), tasks)) {
                long macsBefore = RunResult.learningMacs(ledger);
                long solverMacsBefore = ledger.passMacs(Phase.SOLVER_TRAINING);
                long solverRowsBefore = ledger.samples(Phase.SOLVER_TRAINING);
                s.beforeTask(task);
                s.train(task);
                try (var t = ledger.time(Phase.CONSOLIDATION)) {
                    s.afterTask(task);
                }
                long spent = RunResult.learningMacs(ledger) - macsBefore;
                long strategyBytes = s.memory().values().stream().mapToLong(Long::longValue).sum();
                long solverMacs = ledger.passMacs(Phase.SOLVER_TRAINING) - solverMacsBefore;
                long solverRows = ledger.samples(Phase.SOLVER_TRAINING) - solverRowsBefore;
                records.add(new TaskRecord(task.index() + 1, s.solverParameterBytes(), s.replayMemoryBytes(),
                        strategyBytes, spent, onePassMacs(task.trainSize(), solverMacs, solverRows),
                        task.trainSize()));
                // The final solver's predictions on every test set: the confusion matrix, counted as it is tested.
                ConfusionMatrix tally = task.index() == tasks - 1 ? new ConfusionMatrix(scenario.outputCapacity())
                        : null;
                double[] row = evaluate(s, scenario, Held.TEST, tally);
                acc.setRow(task.index(), row);
                if (val != null) {
                    val.setRow(task.index(), evaluate(s, scenario, Held.VALIDATION, null));
                }
                confusion = tally == null ? null : tally.counts();
                double wall = earlierSeconds + (System.nanoTime() - start) / 1e9;
                progress.taskDone(String.format(Locale.ROOT, "%s seed %d task %d/%d: accuracy %s, ACC so far %.4f",
                        s.name(), c.seed, task.index() + 1, tasks, format(row, task.index()), acc.acc()),
                        new dev.rehearsal.metrics.Eta.Work(ledger.steps(Phase.SOLVER_TRAINING),
                                ledger.steps(Phase.GENERATOR_TRAINING), dev.rehearsal.metrics.Eta.Work.evaluation(
                                        ledger.samples(Phase.EVALUATION) - evaluatedBefore, c.batch)));
                result = new RunResult(s.name(), c.seed, acc, ledger, s.memory(), s.heapMemory(), datasetBytes, wall,
                        List.copyOf(records), stream, losses.recorded(acc.rowsDone()), confusion, order, val,
                        s.workspaceBytes());
                if (afterTask != null) {
                    afterTask.taskFinished(result);
                    // Its own stream: drawing report samples must not change the training's random numbers.
                    Strategy.Samples shown;
                    SampleLabels labels = null;
                    try (var t = ledger.time(Phase.REPORT)) {
                        shown = s.replaySamples(64, new Rng(c.seed * 1_000_003L + task.index()));
                        if (shown != null && shown.kind().startsWith("generated") && s.solver() != null) {
                            // After the samples are drawn: the solver through this task labels the next replay.
                            labels = SampleLabels.of(s.solver(), scenario, task.index(), shown);
                        }
                    }
                    if (shown != null) {
                        afterTask.samples(s.name(), task.index(), shown, labels);
                    }
                }
                // After the results: a checkpoint never gets ahead of the results a crash would leave.
                if (checkpoint != null) {
                    checkpoint.save(s, c, acc, val, ledger, rng, wall, records, result.losses(), confusion);
                }
            }
            if (result == null) {
                result = new RunResult(s.name(), c.seed, acc, ledger, s.memory(), s.heapMemory(), datasetBytes,
                        earlierSeconds, List.copyOf(records), stream, losses.recorded(acc.rowsDone()), confusion, order,
                        val, s.workspaceBytes());
            }
            if (ledger.unattributedMacs() != 0) {
                throw new IllegalStateException(ledger.unattributedMacs() + " MACs were issued outside every phase: "
                        + "each GEMM of a run must run inside Ledger.time(phase)");
            }
            if (afterTask != null) {
                afterTask.finished(s, result);
            }
            return result;
        }
    }

    /** The part of {@code plan} (a run of {@code tasks} tasks) that {@code left} of its tasks hold. */
    private static dev.rehearsal.metrics.Eta.Work share(dev.rehearsal.metrics.Eta.Work plan, int left, int tasks) {
        double f = (double) left / tasks;
        return new dev.rehearsal.metrics.Eta.Work(Math.round(plan.solverSteps() * f),
                Math.round(plan.generatorSteps() * f), plan.evaluationSteps() * f);
    }

    /** A run without checkpoints. */
    public static RunResult run(ExperimentConfig c, Backend backend, Scenario scenario, Progress progress,
            Listener afterTask) {
        return run(c, backend, scenario, progress, null, afterTask);
    }

    /** What a run reports after each finished task. */
    public interface Listener {
        /** The result so far (the accuracy matrix has the finished rows). */
        void taskFinished(RunResult soFar);

        /**
         * Examples of what the strategy replays after task {@code task} (0-based), with what the solver
         * makes of generated ones ({@code labels}; null for stored samples).
         */
        default void samples(String strategy, int task, Strategy.Samples samples, SampleLabels labels) {
        }

        /** The run is over; the strategy is still alive (its memory can be inspected). */
        default void finished(Strategy strategy, RunResult result) {
        }
    }

    /**
     * The baseline of computational efficiency: the MACs of one training pass of the solver over the task's
     * own {@code trainSize} samples, from what its steps measured: the solver's own forward and backward
     * GEMMs, without what a strategy's hooks add (every row costs the same, so MACs per trained row times the
     * task's samples); 0 when the solver trained no rows.
     */
    static long onePassMacs(long trainSize, long solverMacs, long solverRows) {
        if (solverRows == 0) {
            return 0;
        }
        return java.math.BigInteger.valueOf(solverMacs).multiply(java.math.BigInteger.valueOf(trainSize))
                .divide(java.math.BigInteger.valueOf(solverRows)).longValueExact();
    }

    /**
     * Accuracy on every task's test or validation set; each prediction also counted in {@code confusion} unless
     * null.
     */
    private static double[] evaluate(Strategy s, Scenario scenario, Held on, ConfusionMatrix confusion) {
        double[] row = new double[scenario.taskCount()];
        for (Task t : scenario.tasks()) {
            row[t.index()] = s.accuracy(t, on, confusion);
        }
        return row;
    }

    private static String format(double[] row, int upTo) {
        StringBuilder b = new StringBuilder("[");
        for (int j = 0; j <= upTo; j++) {
            b.append(j > 0 ? " " : "").append(String.format(Locale.ROOT, "%.3f", row[j]));
        }
        return b.append(']').toString();
    }
}
