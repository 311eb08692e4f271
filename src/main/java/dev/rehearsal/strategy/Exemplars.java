package dev.rehearsal.strategy;

import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.replay.Batch;
import dev.rehearsal.replay.Herding;
import dev.rehearsal.replay.ReplayBuffer;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import java.util.List;
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
                    + "means need a solver with a hidden layer; preset " + ctx.config().preset + " has none");
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
            int[] count = new int[t.hi() - t.lo()];
            for (int y : t.trainTargets()) {
                count[y - t.lo()]++;
            }
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
            herding.extract(solver, batch, sc.train().images(), indices, n, sc.permutation(task));
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

    void addFootprint(List<MemoryItem> out) {
        if (herding != null) {
            for (dev.rehearsal.tensor.Block b : herding.blocks()) {
                out.add(new MemoryItem("herding scratch", b.name(), b.bytes()));
            }
        }
    }

    long bytes() {
        return herding == null ? 0 : herding.bytes();
    }

    @Override
    public void close() {
        if (herding != null) {
            herding.close();
        }
    }
}
