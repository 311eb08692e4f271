package dev.rehearsal.strategy;

import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.MlpSpec;
import dev.rehearsal.replay.Batch;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.metrics.MemoryItem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A continual learner: a solver (the classifier being evaluated) and whatever it keeps between tasks. The
 * runner calls {@link #beforeTask}, {@link #train} and {@link #afterTask} for every task in order, and
 * evaluates it ({@link #accuracy}) after each. Inside training, the strategy's {@link StepHooks} methods (no-ops
 * here) add loss terms, penalties, gradient transforms and per-step bookkeeping to the one training loop.
 *
 * <p>A new strategy is one class: it declares {@code public static final StrategyType TYPE} (id, summary,
 * options, constructor), overrides what it needs, and gets one line in {@link Strategies#ALL}.
 */
public abstract class Strategy implements StepHooks, AutoCloseable {
    protected final Context ctx;
    /** The classifier being evaluated; null for a strategy that classifies without one ({@link WithoutSolver}). */
    protected final Mlp solver;
    protected final Batch batch;
    protected final Learner learner;
    /** What this strategy holds, in registration order: footprint, memory, checkpoints and close loop over it. */
    private final List<Component> components = new ArrayList<>();
    /** The trained generator, for strategies that have one ({@link #registerGenerator}). */
    private dev.rehearsal.nn.Model generator;

    /** @param replayRows replayed rows per step at most (0 without replay): sizes the solver's activations */
    protected Strategy(Context ctx, int replayRows) {
        this(ctx, replayRows, new int[0]);
    }

    /**
     * @param replayRows replayed rows per step at most
     * @param stepRows   other row counts of training steps, below {@code batch + replayRows} (a strategy whose
     *                   replayed rows change from task to task): the solver's workspace serves each
     */
    protected Strategy(Context ctx, int replayRows, int[] stepRows) {
        this.ctx = ctx;
        Scenario sc = ctx.scenario();
        MlpSpec spec = solverSpec(ctx);
        int rows = ctx.config().batch + replayRows;
        Mlp m = new Mlp(ctx.backend(), "solver", spec, rows, plannedRows(ctx, rows, stepRows), ctx.solverOptimizer(),
                ctx.rng().split());
        try {
            this.batch = new Batch(ctx.backend(), "batch", rows, sc.outputCapacity());
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
        this.solver = m;
        register(Component.model("solver", "solver", "solver", m));
        register(Component.of("batch", () -> Component.items("batch buffers", batch.blocks()), batch));
        this.learner = new Learner(ctx, batch, this);
    }

    /**
     * What a strategy that classifies without a solver passes to its constructor (genc, whose classifier is a VAE
     * per class): no solver is built, and the batch buffers (indices and targets, no soft targets) hold
     * {@code batchRows} rows. Such a strategy overrides {@link #accuracy(Task, dev.rehearsal.scenario.Held,
     * dev.rehearsal.metrics.ConfusionMatrix)}, {@link #solverParameterBytes} and {@link #solverForwardMacsPerSample},
     * and its steps ({@link #longestTaskSteps}, {@link #mostStepsThrough}).
     */
    protected record WithoutSolver(int batchRows) {
    }

    /** A strategy without a solver (see {@link WithoutSolver}). */
    protected Strategy(Context ctx, WithoutSolver without) {
        this.ctx = ctx;
        this.solver = null;
        this.batch = new Batch(ctx.backend(), "batch", without.batchRows(), 0);
        register(Component.of("batch", () -> Component.items("batch buffers", batch.blocks()), batch));
        this.learner = new Learner(ctx, batch, this);
    }

    /**
     * Adds a component after those registered so far (its memory key must be new); returns it. A constructor
     * registers each component as soon as it is allocated, so that {@link #close} frees it if a later
     * allocation fails.
     */
    protected final <C extends Component> C register(C c) {
        for (Component k : components) {
            if (k.name().equals(c.name())) {
                throw new IllegalStateException("component '" + c.name() + "' is registered twice");
            }
        }
        components.add(c);
        return c;
    }

    /**
     * The row counts of steps besides the largest: the strategy's own, and every task's current rows alone
     * (the first task has nothing to replay yet; a small task is one batch), so the workspace serves them all.
     */
    protected static int[] plannedRows(Context ctx, int rows, int[] stepRows) {
        java.util.TreeSet<Integer> out = new java.util.TreeSet<>();
        for (int r : stepRows) {
            out.add(r);
        }
        for (Task t : ctx.scenario().tasks()) {
            out.add(Math.min(ctx.config().batch, t.trainSize()));
        }
        out.removeIf(r -> r < 1 || r >= rows);
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** What the registry knows of this strategy: its id, summary and options. */
    public abstract StrategyType type();

    /** The id used in configs and results. */
    public final String name() {
        return type().id();
    }

    /** The solver; null for a strategy without one ({@link WithoutSolver}). */
    public Mlp solver() {
        return solver;
    }

    /**
     * Parameter bytes of the model that classifies, as it is now (Mem(θ_i) of the model size efficiency): the
     * solver's active parameters in float32.
     */
    public long solverParameterBytes() {
        return solver.parameterCount() * 4L;
    }

    /** Forward multiply-accumulates of classifying one sample (the solver's forward pass), for profiles. */
    public long solverForwardMacsPerSample() {
        return solver.forwardMacsPerSample();
    }

    /** The trained models by role, for saving their weights ("solver", and "generator" for gr). */
    public Map<String, dev.rehearsal.nn.Model> models() {
        Map<String, dev.rehearsal.nn.Model> out = new LinkedHashMap<>();
        if (solver != null) {
            out.put("solver", solver);
        }
        if (generator != null) {
            out.put("generator", generator);
        }
        return out;
    }

    /** The solver of this preset on this scenario: its input, the preset's hidden layers, the scenario's head. */
    static MlpSpec solverSpec(Context ctx) {
        Scenario sc = ctx.scenario();
        return new MlpSpec(sc.train().features(), ctx.preset().mlp().hidden(), sc.outputCapacity(),
                sc.initialOutputs());
    }

    /**
     * Registers the strategy's trained generator (gr, cgr, bir): its component ("generator", listed under
     * {@code label}, saved under {@code generator}), its place in {@link #models()}, and its optimiser reset
     * with the solver's in {@link #beforeTask}.
     */
    protected final <M extends dev.rehearsal.nn.Model> M registerGenerator(String label, M g) {
        register(Component.model("generator", label, "generator", g));
        this.generator = g;
        return g;
    }

    /** Grows the class-incremental head and resets the optimisers (solver, generator), as configured. */
    public void beforeTask(Task task) {
        int outputs = ctx.scenario().outputsDuring(task.index());
        if (solver != null && outputs > solver.outputs()) {
            solver.growHead(outputs, ctx.rng());
        }
        if (ctx.config().resetOptimizer) {
            if (solver != null) {
                solver.optimizer().reset();
            }
            if (generator != null) {
                generator.optimizer().reset();
            }
        }
    }

    public abstract void train(Task task);

    public void afterTask(Task task) {
    }

    /** Test accuracy of the solver on a task, as the strategy is now. */
    public final double accuracy(Task task) {
        return accuracy(task, dev.rehearsal.scenario.Held.TEST, null);
    }

    /**
     * Accuracy of the solver on a task's test or validation samples ({@code on}), as the strategy is now,
     * counting each sample's (target, prediction) in {@code confusion} when it is not null.
     */
    public double accuracy(Task task, dev.rehearsal.scenario.Held on, dev.rehearsal.metrics.ConfusionMatrix confusion) {
        return learner.accuracy(solver, task, on, confusion);
    }

    /**
     * The most steps one task of the scenario trains for, solver or (when there is one) generator: what the
     * run's loss window is chosen from ({@link dev.rehearsal.metrics.LossCurves#windowFor}). A strategy
     * training on every task so far (joint) trains longer on later tasks, which then give more points.
     */
    public long longestTaskSteps() {
        long most = 1;
        for (Task t : ctx.scenario().tasks()) {
            int bc = Math.min(ctx.config().batch, t.trainSize());
            most = Math.max(most, Learner.steps(t.trainSize(), bc, ctx.config().epochs, ctx.config().iterations));
            if (generatorTrainsApart()) {
                most = Math.max(most, Learner.steps(t.trainSize(), bc, ctx.config().vaeEpochs,
                        ctx.config().vaeIterations));
            }
        }
        return most;
    }

    /** Steps of a task of {@code samples} training samples: {@code iterations}, or epochs over the samples. */
    public static long steps(int samples, int batchSize, int epochs, int iterations) {
        return Learner.steps(samples, batchSize, epochs, iterations);
    }

    /**
     * Whether the generator trains in steps of its own, for the generator's epochs or iterations (gr, cgr); not
     * a generator trained within the solver's steps (bir), nor none.
     */
    protected boolean generatorTrainsApart() {
        return generator != null;
    }

    /** The samples the solver trains on in {@code task}: its own (joint: every task's so far). */
    protected long solverSamples(Task task) {
        return task.trainSize();
    }

    /**
     * The work this run will do, as the ledger counts it ({@link dev.rehearsal.metrics.Eta}): the solver's and the
     * generator's steps of every task, and the evaluations of the test (and validation) sets before the first
     * task and after each.
     */
    public dev.rehearsal.metrics.Eta.Work plannedWork() {
        long solver = 0;
        long generator = 0;
        long tested = 0;
        int batch = ctx.config().batch;
        for (Task t : ctx.scenario().tasks()) {
            int samples = (int) Math.min(Integer.MAX_VALUE, solverSamples(t));
            solver += Learner.steps(samples, Math.min(batch, samples), ctx.config().epochs, ctx.config().iterations);
            if (generatorTrainsApart()) {
                generator += Learner.steps(t.trainSize(), Math.min(batch, t.trainSize()), ctx.config().vaeEpochs,
                        ctx.config().vaeIterations);
            }
            tested += t.testSize() + t.validationSize();
        }
        return new dev.rehearsal.metrics.Eta.Work(solver, generator, dev.rehearsal.metrics.Eta.Work.evaluation(
                tested * (ctx.scenario().taskCount() + 1), batch));
    }

    /**
     * The most optimiser steps any model of this strategy can have taken after {@code tasksDone} tasks: each
     * task trains at most on every task's data (as joint does), for the solver's or the generator's epochs or
     * iterations, whichever is more. A checkpoint's step counts above it were not written by this run.
     */
    public long mostStepsThrough(int tasksDone) {
        long everyTask = 0;
        for (Task t : ctx.scenario().tasks()) {
            int bc = Math.min(ctx.config().batch, t.trainSize());
            everyTask += 1 + Math.max(Learner.steps(t.trainSize(), bc, ctx.config().epochs, ctx.config().iterations),
                    Learner.steps(t.trainSize(), bc, ctx.config().vaeEpochs, ctx.config().vaeIterations));
        }
        return tasksDone * everyTask;
    }

    /** The tasks up to and including {@code task}. */
    protected List<Task> tasksUpTo(Task task) {
        return ctx.scenario().tasks().subList(0, task.index() + 1);
    }

    /**
     * Exact bytes this strategy allocated, by component (solver blocks, batch buffers, replay memory,
     * generator, frozen models): a function of the config alone. Datasets belong to the experiment and are
     * reported there; the backend's workspace, which the library sizes for the machine, thread count and wait
     * policy, is {@link #workspaceBytes()}.
     */
    public final Map<String, Long> memory() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Component c : components) {
            out.put(c.name(), c.bytes());
        }
        return out;
    }

    /**
     * Exact bytes of the backend's workspace in this strategy's components (oneDNN scratchpads, bfloat16 operand
     * copies): allocated like everything else, but sized by the library for this machine, thread count and wait
     * policy, so kept out of {@link #memory()}.
     */
    public final long workspaceBytes() {
        long n = 0;
        for (Component c : components) {
            n += c.workspaceBytes();
        }
        return n;
    }

    /**
     * Images for reports: {@code count} images of {@code rows x cols} pixels in [0, 1], and what they are;
     * {@code perRow} images to a grid row when their order has rows (one class each), 0 for the report's default.
     */
    public record Samples(String kind, float[] pixels, int count, int rows, int cols, int perRow) {
        public Samples(String kind, float[] pixels, int count, int rows, int cols) {
            this(kind, pixels, count, rows, cols, 0);
        }
    }

    /**
     * Up to {@code n} examples of what this strategy replays now (stored or generated samples), drawn with
     * {@code rng} so that the training stream is untouched; null when it replays nothing.
     */
    public Samples replaySamples(int n, dev.rehearsal.random.Rng rng) {
        return null;
    }

    /** Adds what this strategy keeps between tasks to a checkpoint: every component's part, in order. */
    public void saveState(State state) {
        for (Component c : components) {
            c.save(state);
        }
    }

    /** Restores what {@link #saveState} saved, into a strategy freshly built from the same config. */
    public void restoreState(Map<String, dev.rehearsal.checkpoint.Safetensors.Loaded> tensors,
            com.fasterxml.jackson.databind.JsonNode values) {
        for (Component c : components) {
            c.restore(tensors, values);
        }
    }

    /** Every block this strategy allocated, by component, with its exact bytes (for profiles). */
    public final List<MemoryItem> footprint() {
        List<MemoryItem> out = new ArrayList<>();
        for (Component c : components) {
            out.addAll(c.items());
        }
        return out;
    }

    /**
     * Bytes kept to remember earlier tasks (Mem(M_i) of the samples-storage efficiency): none for
     * fine-tuning. Exact: stored samples, or parameters of the models that regenerate them.
     */
    public long replayMemoryBytes() {
        return 0;
    }

    /** A buffer of stored samples as profiles describe it: its slots and the format their pixels are kept in. */
    public record StoredSamples(long slots, dev.rehearsal.replay.Storage storage) {
    }

    /** This strategy's buffer of stored samples, for profiles; null without one. */
    public StoredSamples storedSamples() {
        return null;
    }

    /** Heap bytes outside the arenas that scale with the strategy (labels of stored samples). */
    public final Map<String, Long> heapMemory() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Component c : components) {
            out.putAll(c.heap());
        }
        return out;
    }

    /** Frees every component, the last registered first. */
    @Override
    public final void close() {
        for (int i = components.size() - 1; i >= 0; i--) {
            components.get(i).close();
        }
    }

    /** Stored samples of the given slots for reports, each decoded by {@code pixels} (D values in [0, 1]). */
    protected static Samples storedSamples(String kind, int d, int[] slots,
            java.util.function.IntFunction<float[]> pixels) {
        float[] px = new float[slots.length * d];
        for (int i = 0; i < slots.length; i++) {
            System.arraycopy(pixels.apply(slots[i]), 0, px, i * d, d);
        }
        return square(kind, px, slots.length, d);
    }

    /** {@code count} images of {@code d} pixels each, laid out as squares. */
    protected static Samples square(String kind, float[] pixels, int count, int d) {
        int side = (int) Math.round(Math.sqrt(d));
        return new Samples(kind, pixels, count, side, d / side);
    }
}
