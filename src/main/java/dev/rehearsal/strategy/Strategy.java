package dev.rehearsal.strategy;

import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.MlpSpec;
import dev.rehearsal.replay.Batch;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
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
    protected final Mlp solver;
    protected final Batch batch;
    protected final Learner learner;

    /** @param replayRows replayed rows per step at most (0 without replay): sizes the solver's activations */
    protected Strategy(Context ctx, int replayRows) {
        this.ctx = ctx;
        Scenario sc = ctx.scenario();
        MlpSpec spec = ctx.preset().mlp();
        spec = new MlpSpec(sc.train().features(), spec.hidden(), sc.outputCapacity(), sc.initialOutputs());
        int rows = ctx.config().batch + replayRows;
        Mlp m = new Mlp(ctx.backend(), "solver", spec, rows, ctx.solverOptimizer(), ctx.rng().split());
        try {
            this.batch = new Batch(ctx.backend(), "batch", rows, sc.outputCapacity());
        } catch (RuntimeException | Error e) {
            m.close();
            throw e;
        }
        this.solver = m;
        this.learner = new Learner(ctx, batch, this);
    }

    /** What the registry knows of this strategy: its id, summary and options. */
    public abstract StrategyType type();

    /** The id used in configs and results. */
    public final String name() {
        return type().id();
    }

    public Mlp solver() {
        return solver;
    }

    /** The trained models by role, for saving their weights ("solver", and "generator" for gr). */
    public Map<String, dev.rehearsal.nn.Model> models() {
        Map<String, dev.rehearsal.nn.Model> out = new LinkedHashMap<>();
        out.put("solver", solver);
        return out;
    }

    /** Grows the class-incremental head and resets the optimiser, as configured. */
    public void beforeTask(Task task) {
        int outputs = ctx.scenario().outputsDuring(task.index());
        if (outputs > solver.outputs()) {
            solver.growHead(outputs, ctx.rng());
        }
        if (ctx.config().resetOptimizer) {
            solver.optimizer().reset();
        }
    }

    public abstract void train(Task task);

    public void afterTask(Task task) {
    }

    /** Test accuracy of the solver on a task, as the strategy is now. */
    public double accuracy(Task task) {
        return learner.accuracy(solver, task);
    }

    /** The tasks up to and including {@code task}. */
    protected List<Task> tasksUpTo(Task task) {
        return ctx.scenario().tasks().subList(0, task.index() + 1);
    }

    /**
     * Exact bytes this strategy allocated, by component (solver blocks, batch buffers, replay memory,
     * generator, frozen models). Datasets belong to the experiment and are reported there.
     */
    public Map<String, Long> memory() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("solver", solver.bytes());
        out.put("batch", batch.bytes());
        return out;
    }

    /** Images for reports: {@code count} images of {@code rows x cols} pixels in [0, 1], and what they are. */
    public record Samples(String kind, float[] pixels, int count, int rows, int cols) {
    }

    /**
     * Up to {@code n} examples of what this strategy replays now (stored or generated samples), drawn with
     * {@code rng} so that the training stream is untouched; null when it replays nothing.
     */
    public Samples replaySamples(int n, dev.rehearsal.random.Rng rng) {
        return null;
    }

    /** Adds what this strategy keeps between tasks to a checkpoint. */
    public void saveState(State state) {
        State.saveModel(state, "solver", solver);
        state.values().put("solver.outputs", solver.outputs());
    }

    /** Restores what {@link #saveState} saved, into a strategy freshly built from the same config. */
    public void restoreState(Map<String, dev.rehearsal.checkpoint.Safetensors.Loaded> tensors,
            com.fasterxml.jackson.databind.JsonNode values) {
        solver.restoreOutputs(values.path("solver.outputs").asInt(solver.outputs()));
        State.restoreModel(tensors, values, "solver", solver);
    }

    /** Every block this strategy allocated, by component, with its exact bytes (for profiles). */
    public java.util.List<dev.rehearsal.metrics.MemoryItem> footprint() {
        java.util.List<dev.rehearsal.metrics.MemoryItem> out = new java.util.ArrayList<>();
        addModel(out, "solver", solver);
        for (dev.rehearsal.tensor.Block b : batch.blocks()) {
            out.add(new dev.rehearsal.metrics.MemoryItem("batch buffers", b.name(), b.bytes()));
        }
        return out;
    }

    protected static void addModel(java.util.List<dev.rehearsal.metrics.MemoryItem> out, String component,
            dev.rehearsal.nn.Model m) {
        for (dev.rehearsal.nn.Model.MemoryBlock b : m.memory()) {
            out.add(new dev.rehearsal.metrics.MemoryItem(component, b.name(), b.bytes()));
        }
    }

    /**
     * Bytes kept to remember earlier tasks (Mem(M_i) of the samples-storage efficiency): none for
     * fine-tuning. Exact: stored samples, or parameters of the models that regenerate them.
     */
    public long replayMemoryBytes() {
        return 0;
    }

    /** How many raw samples this strategy can store (a buffer's slots), for profiles; 0 without a buffer. */
    public long storedSampleSlots() {
        return 0;
    }

    /** Heap bytes outside the arenas that scale with the strategy (labels of stored samples). */
    public Map<String, Long> heapMemory() {
        return new LinkedHashMap<>();
    }

    @Override
    public void close() {
        batch.close();
        solver.close();
    }
}
