package dev.rehearsal.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.checkpoint.Safetensors;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.replay.Batch;
import dev.rehearsal.replay.Herding;
import dev.rehearsal.replay.ReplayBuffer;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * How samples enter a class-balanced buffer, for every strategy that keeps one (er, agem, icarl): random
 * after the task, reservoir during it, or herding on the solver's features after it ({@code --selection}).
 * Herding's feature scratch is allocated only when something needs features: herding, or {@code withFeatures}
 * (iCaRL's class means).
 */
final class Exemplars implements AutoCloseable {
    private final Context ctx;
    private final ReplayBuffer buffer;
    private final Herding herding;

    Exemplars(Context ctx, ReplayBuffer buffer, boolean withFeatures) {
        this.ctx = ctx;
        this.buffer = buffer;
        boolean need = withFeatures || buffer.selection() == ReplayBuffer.Selection.HERDING;
        this.herding = need ? new Herding(ctx.backend(), featureRows(ctx.scenario(), buffer.perGroup()),
                penultimate(ctx)) : null;
    }

    /** Width of the solver's last hidden layer (the features herding and class means use). */
    static int penultimate(Context ctx) {
        int[] hidden = ctx.preset().mlp().hidden();
        if (hidden.length == 0) {
            throw new dev.rehearsal.RehearsalException(dev.rehearsal.RehearsalException.USAGE, "herding and class "
                    + "means need a solver with a hidden layer; preset " + ctx.config().preset.id() + " has none");
        }
        return hidden[hidden.length - 1];
    }

    /**
     * Rows of feature scratch: the largest class of any task (herding runs over all of its samples), or the
     * most exemplars one output unit has (in the domain setting a unit pools the exemplars of every task).
     */
    static int featureRows(Scenario sc, int perGroup) {
        int most = 1;
        int[] perUnit = new int[sc.outputCapacity()];
        for (Task t : sc.tasks()) {
            int[] count = classCounts(t);
            for (int k = 0; k < count.length; k++) {
                most = Math.max(most, count[k]);
                perUnit[t.lo() + k] += Math.min(perGroup, count[k]);
            }
        }
        for (int n : perUnit) {
            most = Math.max(most, n);
        }
        return most;
    }

    ReplayBuffer.Selection selection() {
        return buffer.selection();
    }

    /** What the training loop should tell the buffer about each current sample (reservoir), or null. */
    IntConsumer observer(Task task) {
        return buffer.selection() == ReplayBuffer.Selection.RESERVOIR ? i -> buffer.observe(task, i, ctx.rng())
                : null;
    }

    /** At the end of a task (in the consolidation phase): random or herding selection of its classes. */
    void afterTask(Task task, Mlp solver, Batch batch) {
        switch (buffer.selection()) {
            case RANDOM -> buffer.addTask(task, ctx.rng());
            case HERDING -> herd(task, solver, batch);
            case RESERVOIR -> {
            }
        }
    }

    /** Per class of the task: features of all its samples, herding, the chosen samples into the buffer. */
    private void herd(Task task, Mlp solver, Batch batch) {
        Scenario sc = ctx.scenario();
        int[] targets = task.trainTargets();
        for (int c = task.lo(); c < task.hi(); c++) {
            int n = 0;
            for (int y : targets) {
                n += y == c ? 1 : 0;
            }
            int[] positions = new int[n];
            int[] indices = new int[n];
            for (int i = 0, at = 0; i < targets.length; i++) {
                if (targets[i] == c) {
                    positions[at] = i;
                    indices[at++] = task.trainIndices()[i];
                }
            }
            herding.extract(solver, batch, Herding.images(ctx.backend(), sc.train().images(), sc.permutation(task)),
                    indices, n);
            int[] order = herding.select(n, Math.min(buffer.perGroup(), n));
            int[] chosen = new int[order.length];
            for (int k = 0; k < order.length; k++) {
                chosen[k] = positions[order[k]];
            }
            buffer.addGroup(task, c, chosen);
        }
    }

    /** The feature scratch, or null when neither herding nor class means need it. */
    Herding herding() {
        return herding;
    }

    /** The feature scratch as a component ("herding"), or null when there is none. */
    Component herdingComponent() {
        return herding == null ? null : Component.of("herding", () -> Component.items("herding scratch",
                herding.blocks()), this);
    }

    /**
     * A class-balanced buffer as a component ("buffer"): its sample block listed under {@code label} (the
     * slots' labels follow from their positions), its samples and bookkeeping in checkpoints
     * ({@code buffer.samples}).
     */
    static Component bufferComponent(String label, ReplayBuffer buffer) {
        return new Component.Named("buffer") {
            @Override
            public List<MemoryItem> items() {
                return List.of(new MemoryItem(label, "buffer.samples (" + buffer.storage().id() + ", "
                        + buffer.capacity() + " slots x " + buffer.features() + " pixels in " + buffer.rowBytes()
                        + " bytes)", buffer.sampleBytes()));
            }

            @Override
            public void save(State state) {
                buffer.saveState(state.tensors(), state.values());
            }

            @Override
            public void restore(Map<String, Safetensors.Loaded> tensors, JsonNode values) {
                buffer.restoreState(State.get(tensors, "buffer.samples"), values);
            }

            @Override
            public void close() {
                buffer.close();
            }
        };
    }

    /** Training samples per class of a task, in the order of its classes. */
    static int[] classCounts(Task t) {
        int[] count = new int[t.hi() - t.lo()];
        for (int y : t.trainTargets()) {
            count[y - t.lo()]++;
        }
        return count;
    }

    /**
     * Samples per class of a buffer that keeps nothing else for replay: {@code --per-class}, or what
     * {@code --replay-budget} holds in the configured storage.
     */
    static int perClass(Context ctx) {
        return ReplayBudget.perClass(ctx, ReplayBudget.rowBytes(ctx), 0, "");
    }

    /**
     * A buffer asking for more samples of a class than the task has is a configuration error (a budget is
     * not: the buffer keeps every sample of a small class, and the budget is not exceeded).
     */
    static void checkClassSizes(Context ctx, int perClass) {
        if (ReplayBudget.bytes(ctx) > 0) {
            return;
        }
        for (Task t : ctx.scenario().tasks()) {
            int[] count = classCounts(t);
            for (int k = 0; k < count.length; k++) {
                if (perClass > count[k]) {
                    throw new dev.rehearsal.RehearsalException(dev.rehearsal.RehearsalException.USAGE, "invalid value "
                            + "for 'per-class': " + perClass + " exceeds the " + count[k]
                            + " training samples of class " + t.classes()[k] + " in task " + (t.index() + 1));
                }
            }
        }
    }

    /** Per task, the samples a buffer of {@code perClass} per class holds when the task starts. */
    static long[] storedBefore(Context ctx, int perClass) {
        List<Task> tasks = ctx.scenario().tasks();
        long[] out = new long[tasks.size()];
        long stored = 0;
        for (Task t : tasks) {
            out[t.index()] = stored;
            for (int c : classCounts(t)) {
                stored += Math.min(perClass, c);
            }
        }
        return out;
    }

    /**
     * Up to {@code n} stored samples of a buffer for reports, or null when it is empty: one of every stored
     * class first, in target order, then random others.
     */
    static Strategy.Samples samplesOf(ReplayBuffer buffer, int n, dev.rehearsal.random.Rng rng) {
        int[] slots = buffer.usedSlots();
        if (slots.length == 0) {
            return null;
        }
        java.util.TreeMap<Integer, Integer> firstOfTarget = new java.util.TreeMap<>();
        for (int s : slots) {
            firstOfTarget.putIfAbsent(buffer.targetOf(s), s);
        }
        List<Integer> pick = new java.util.ArrayList<>(firstOfTarget.values());
        while (pick.size() < Math.min(n, slots.length)) {
            pick.add(slots[rng.nextInt(slots.length)]);
        }
        int count = Math.min(n, pick.size());
        return Strategy.storedSamples("buffer", buffer.features(), pick.subList(0, count).stream()
                .mapToInt(Integer::intValue).toArray(), buffer::pixels);
    }

    @Override
    public void close() {
        if (herding != null) {
            herding.close();
        }
    }
}
