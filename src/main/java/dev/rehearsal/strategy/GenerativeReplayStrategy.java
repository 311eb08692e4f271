package dev.rehearsal.strategy;

import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.nn.VaeSpec;
import dev.rehearsal.replay.GenerativeReplay;
import dev.rehearsal.replay.ReplayPool;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import java.util.List;

/**
 * Deep generative replay (Shin et al. 2017; van de Ven et al. 2020): a VAE learns every task's images plus
 * its own replay of the earlier ones, so it models all tasks so far; the solver replays its samples,
 * labelled by the previous solver. Both are frozen at the end of each task to serve the next one.
 */
public final class GenerativeReplayStrategy extends Strategy {
    public static final StrategyType TYPE = new StrategyType("gr",
            "Deep generative replay: a VAE replays earlier tasks, labelled by the previous solver (--replay-budget "
                    + "sets the VAE's width).", java.util.List.of(ReplayBudget.BYTES), GenerativeReplayStrategy::new)
            .reading("replay-ratio", "weighting", "generation", "pool-size", "replay-targets",
                    "temperature", "vae-epochs", "vae-iterations", "vae-lr");
    private final Vae generator;
    private final GenerativeReplay source;
    private final ReplayPool pool;
    private final ReplayScheduler scheduler;

    public GenerativeReplayStrategy(Context ctx) {
        super(ctx, ExperienceReplay.replayRows(ctx));
        int replay = Math.max(1, ExperienceReplay.replayRows(ctx));
        VaeSpec spec = ctx.preset().vae();
        spec = new VaeSpec(ctx.scenario().train().features(), spec.hidden(), spec.latent(), 0);
        // With a budget: the trained and the frozen generator beside the frozen solver that labels replay.
        spec = ReplayBudget.generator(ctx, spec, 2, ReplayBudget.solverBytes(ctx), "the frozen solver");
        int rows = ctx.config().batch + replay;
        try {
            this.generator = registerGenerator("generator", new Vae(ctx.backend(), "generator", spec, rows,
                    plannedRows(ctx, rows, new int[0]), ctx.generatorOptimizer(), ctx.rng().split()));
            GenerativeReplay.Targets targets = ctx.replayTargets();
            this.source = new GenerativeReplay(ctx.backend(), ctx.scenario(), targets,
                    (float) ctx.config().temperature, replay);
            register(new PreviousModels(source, () -> source.update(solver, generator), source));
            ReplayScheduler.Mode mode = ctx.generation();
            this.pool = mode == ReplayScheduler.Mode.POOL ? new ReplayPool(ctx.backend(), poolCapacity(ctx),
                    ctx.scenario().train().features(), targets == GenerativeReplay.Targets.SOFT
                            ? ctx.scenario().outputCapacity() : 0, replay) : null;
            if (pool != null) {
                register(Component.of("pool", () -> Component.items("generated pool", pool.blocks()), pool));
            }
            this.scheduler = new ReplayScheduler(source, ctx.config().replayRatio,
                    ctx.weighting(), mode, pool);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    private static int poolCapacity(Context ctx) {
        if (ctx.config().poolSize > 0) {
            return ctx.config().poolSize;
        }
        return ctx.scenario().tasks().stream().mapToInt(Task::trainSize).max().orElse(1);
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    public Vae generator() {
        return generator;
    }

    @Override
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    public void train(Task task) {
        int number = task.index() + 1;
        try (var t = ctx.ledger().time(Phase.GENERATION)) {
            int poolSize = pool == null ? 0 : Math.min(pool.capacity(), ctx.config().poolSize > 0
                    ? ctx.config().poolSize : task.trainSize());
            scheduler.beginTask(number, poolSize, solver.outputs(), ctx.rng(), ctx.ledger());
        }
        learner.trainSolver(solver, List.of(task), number, scheduler, null);
        learner.trainGenerator(generator, List.of(task), number, scheduler);
    }

    @Override
    public void afterTask(Task task) {
        source.update(solver, generator);
    }

    /** The generator's parameters and the frozen models' (what regenerates and labels earlier tasks). */
    @Override
    public long replayMemoryBytes() {
        return generator.keptBytes() + source.keptBytes();
    }

    @Override
    public Samples replaySamples(int n, dev.rehearsal.random.Rng rng) {
        int count = Math.min(n, generator.maxBatch());
        dev.rehearsal.tensor.Tensor x = generator.generate(count, rng, null, 0);
        return square("generated", x.toFloatArray(), count, x.cols());
    }

    /** The frozen previous generator, for reports (null before the first task ends). */
    public GenerativeReplay source() {
        return source;
    }
}
