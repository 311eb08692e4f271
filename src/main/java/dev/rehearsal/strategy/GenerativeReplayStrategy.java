package dev.rehearsal.strategy;

import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.nn.VaeSpec;
import dev.rehearsal.replay.GenerativeReplay;
import dev.rehearsal.replay.ReplayPool;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import java.util.List;
import java.util.Map;

/**
 * Deep generative replay (Shin et al. 2017; van de Ven et al. 2020): a VAE learns every task's images plus
 * its own replay of the earlier ones, so it models all tasks so far; the solver replays its samples,
 * labelled by the previous solver. Both are frozen at the end of each task to serve the next one.
 */
public final class GenerativeReplayStrategy extends Strategy {
    private final Vae generator;
    private final GenerativeReplay source;
    private final ReplayPool pool;
    private final ReplayScheduler scheduler;

    public GenerativeReplayStrategy(Context ctx) {
        super(ctx, ExperienceReplay.replayRows(ctx));
        int replay = Math.max(1, ExperienceReplay.replayRows(ctx));
        VaeSpec spec = ctx.preset().vae();
        spec = new VaeSpec(ctx.scenario().train().features(), spec.hidden(), spec.latent(), 0);
        this.generator = new Vae(ctx.backend(), "generator", spec, ctx.config().batch + replay,
                ctx.generatorOptimizer(), ctx.rng().split());
        GenerativeReplay.Targets targets = ctx.config().replayTargets.equals("soft") ? GenerativeReplay.Targets.SOFT
                : GenerativeReplay.Targets.HARD;
        this.source = new GenerativeReplay(ctx.backend(), ctx.scenario(), targets, (float) ctx.config().temperature,
                replay);
        ReplayScheduler.Mode mode = ReplayScheduler.Mode.parse(ctx.config().generation);
        this.pool = mode == ReplayScheduler.Mode.POOL ? new ReplayPool(ctx.backend(), poolCapacity(ctx),
                ctx.scenario().train().features(), targets == GenerativeReplay.Targets.SOFT
                        ? ctx.scenario().outputCapacity() : 0, replay) : null;
        this.scheduler = new ReplayScheduler(source, ctx.config().replayRatio,
                ReplayScheduler.Weighting.parse(ctx.config().weighting), mode, pool);
    }

    private static int poolCapacity(Context ctx) {
        if (ctx.config().poolSize > 0) {
            return ctx.config().poolSize;
        }
        return ctx.scenario().tasks().stream().mapToInt(Task::trainSize).max().orElse(1);
    }

    @Override
    public String name() {
        return "gr";
    }

    public Vae generator() {
        return generator;
    }

    @Override
    public void beforeTask(Task task) {
        super.beforeTask(task);
        if (ctx.config().resetOptimizer) {
            generator.optimizer().reset();
        }
    }

    @Override
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

    /** The frozen previous generator, for reports (null before the first task ends). */
    public GenerativeReplay source() {
        return source;
    }

    @Override
    public Map<String, Long> memory() {
        Map<String, Long> out = super.memory();
        out.put("generator", generator.bytes());
        out.put("previous_models", source.bytes());
        if (pool != null) {
            out.put("pool", pool.bytes());
        }
        return out;
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.close();
        }
        source.close();
        generator.close();
        super.close();
    }
}
