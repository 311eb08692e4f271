package dev.rehearsal.strategy;

import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import java.util.List;

/** Fine-tuning on each task in turn: the lower bound every replay method must beat. */
public final class Naive extends Strategy {
    private final ReplayScheduler none = ReplayScheduler.none();

    public Naive(Context ctx) {
        super(ctx, 0);
    }

    @Override
    public String name() {
        return "naive";
    }

    @Override
    public void train(Task task) {
        learner.trainSolver(solver, List.of(task), task.index() + 1, none, null);
    }
}
