package dev.rehearsal.strategy;

import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;

/**
 * Cumulative training: on each task, the same number of epochs over the union of all tasks so far. The
 * upper bound of any replay method (at a cost that grows with every task).
 */
public final class Joint extends Strategy {
    public static final StrategyType TYPE = new StrategyType("joint",
            "Cumulative training on all tasks so far: the upper bound.", java.util.List.of(), Joint::new).asBound();
    private final ReplayScheduler none = ReplayScheduler.none();
    private int learned;

    public Joint(Context ctx) {
        super(ctx, 0);
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    @Override
    protected long solverSamples(Task task) {
        return tasksUpTo(task).stream().mapToLong(Task::trainSize).sum();
    }

    @Override
    public void train(Task task) {
        learner.trainSolver(solver, tasksUpTo(task), task.index() + 1, none, null);
        learned = task.index() + 1;
    }

    @Override
    public void saveState(State state) {
        super.saveState(state);
        state.values().put("joint.learned", learned);
    }

    @Override
    public void restoreState(java.util.Map<String, dev.rehearsal.checkpoint.Safetensors.Loaded> tensors,
            com.fasterxml.jackson.databind.JsonNode values) {
        super.restoreState(tensors, values);
        learned = values.path("joint.learned").asInt();
    }

    /** Every training sample of the tasks learned so far, as uint8 images: joint training keeps them all. */
    @Override
    public long replayMemoryBytes() {
        long n = 0;
        for (Task t : ctx.scenario().tasks().subList(0, learned)) {
            n += (long) t.trainSize() * ctx.scenario().train().features();
        }
        return n;
    }
}
