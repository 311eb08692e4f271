package dev.rehearsal.strategy;

import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import java.util.List;

/** Fine-tuning on each task in turn: the lower bound every replay method must beat. */
public final class Naive extends Strategy {
    public static final StrategyType TYPE = new StrategyType("naive",
            "Fine-tuning on each task in turn: the lower bound.", java.util.List.of(), Naive::new).asBound();
    private final ReplayScheduler none = ReplayScheduler.none();

    public Naive(Context ctx) {
        super(ctx, 0);
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    @Override
    public void train(Task task) {
        learner.trainSolver(solver, List.of(task), task.index() + 1, none, null);
    }
}
