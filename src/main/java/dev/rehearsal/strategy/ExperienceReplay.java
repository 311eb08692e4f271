package dev.rehearsal.strategy;

import dev.rehearsal.replay.ReplayBuffer;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import java.util.List;
import java.util.Map;

/**
 * Experience replay: a class-balanced buffer of raw uint8 samples ({@code per-class} per class of each
 * task), replayed alongside every current batch. Samples are chosen at random after each task, by reservoir
 * sampling during it, or by herding on the solver's features after it ({@code --selection}).
 */
public final class ExperienceReplay extends Strategy {
    public static final StrategyType TYPE = new StrategyType("er",
            "Experience replay from a class-balanced buffer of raw samples (--per-class or --replay-budget, --storage, "
                    + "--selection).", List.of(ReplayBudget.BYTES, ReplayBudget.STORAGE), ExperienceReplay::new)
            .reading("per-class", "selection", "replay-ratio", "weighting");
    private final ReplayBuffer buffer;
    private final ReplayScheduler scheduler;
    private final Exemplars exemplars;

    public ExperienceReplay(Context ctx) {
        super(ctx, replayRows(ctx));
        try {
            Exemplars.checkClassSizes(ctx, Exemplars.perClass(ctx));
            this.buffer = new ReplayBuffer(ctx.backend(), ctx.scenario(), Exemplars.perClass(ctx),
                    ctx.selection(), ReplayBudget.storage(ctx),
                    Math.max(1, replayRows(ctx)));
            register(Exemplars.bufferComponent("replay buffer", buffer));
            this.exemplars = new Exemplars(ctx, buffer, false);
            Component herding = exemplars.herdingComponent();
            if (herding != null) {
                register(herding);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
        this.scheduler = new ReplayScheduler(buffer, ctx.config().replayRatio,
                ctx.weighting(), ReplayScheduler.Mode.ON_THE_FLY, null);
    }

    static int replayRows(Context ctx) {
        return ctx.config().replayRatio > 0 ? Math.max(1, (int) Math.round(ctx.config().replayRatio * ctx.config().batch))
                : 0;
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    public ReplayBuffer buffer() {
        return buffer;
    }

    @Override
    public StoredSamples storedSamples() {
        return new StoredSamples(buffer.capacity(), buffer.storage());
    }

    @Override
    public void train(Task task) {
        learner.trainSolver(solver, List.of(task), task.index() + 1, scheduler, exemplars.observer(task));
    }

    @Override
    public void afterTask(Task task) {
        exemplars.afterTask(task, solver, batch);
    }

    /** The filled slots as stored (their labels follow from their positions). */
    @Override
    public long replayMemoryBytes() {
        return buffer.storedBytes();
    }

    @Override
    public Samples replaySamples(int n, dev.rehearsal.random.Rng rng) {
        return Exemplars.samplesOf(buffer, n, rng);
    }
}
