package dev.rehearsal.strategy;

import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;

/**
 * Cumulative training: on each task, the same number of epochs over the union of all tasks so far. The
 * upper bound of any replay method (at a cost that grows with every task).
 */
public final class Joint extends Strategy {
    private final ReplayScheduler none = ReplayScheduler.none();

    public Joint(Context ctx) {
        super(ctx, 0);
    }

    @Override
    public String name() {
        return "joint";
    }

    @Override
    public void train(Task task) {
        learner.trainSolver(solver, tasksUpTo(task), task.index() + 1, none, null);
    }
}
