package dev.rehearsal.strategy;

import dev.rehearsal.replay.ReplayBuffer;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import java.util.List;
import java.util.Map;

/**
 * Experience replay: a class-balanced buffer of raw uint8 samples ({@code per-class} per class of each
 * task), replayed alongside every current batch.
 */
public final class ExperienceReplay extends Strategy {
    private final ReplayBuffer buffer;
    private final ReplayScheduler scheduler;

    public ExperienceReplay(Context ctx) {
        super(ctx, replayRows(ctx));
        int rows = replayRows(ctx);
        this.buffer = new ReplayBuffer(ctx.backend(), ctx.scenario(), ctx.config().perClass,
                ReplayBuffer.Selection.parse(ctx.config().selection), Math.max(1, rows));
        this.scheduler = new ReplayScheduler(buffer, ctx.config().replayRatio,
                ReplayScheduler.Weighting.parse(ctx.config().weighting), ReplayScheduler.Mode.ON_THE_FLY, null);
    }

    static int replayRows(Context ctx) {
        return ctx.config().replayRatio > 0 ? Math.max(1, (int) Math.round(ctx.config().replayRatio * ctx.config().batch))
                : 0;
    }

    @Override
    public String name() {
        return "er";
    }

    public ReplayBuffer buffer() {
        return buffer;
    }

    @Override
    public void train(Task task) {
        boolean reservoir = buffer.selection() == ReplayBuffer.Selection.RESERVOIR;
        learner.trainSolver(solver, List.of(task), task.index() + 1, scheduler,
                reservoir ? i -> buffer.observe(task, i, ctx.rng()) : null);
    }

    @Override
    public void afterTask(Task task) {
        if (buffer.selection() == ReplayBuffer.Selection.RANDOM) {
            buffer.addTask(task, ctx.rng());
        }
    }

    @Override
    public Map<String, Long> memory() {
        Map<String, Long> out = super.memory();
        out.put("buffer", buffer.bytes());
        return out;
    }

    @Override
    public Map<String, Long> heapMemory() {
        Map<String, Long> out = super.heapMemory();
        out.put("buffer_labels", buffer.labelBytes());
        return out;
    }

    @Override
    public void close() {
        buffer.close();
        super.close();
    }
}
