package dev.rehearsal.strategy;

import dev.rehearsal.config.Generation;
import dev.rehearsal.config.Refusal;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.nn.VaeSpec;
import dev.rehearsal.replay.ConditionalReplay;
import dev.rehearsal.replay.GenerativeReplay;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.List;

/**
 * Class-conditional generative replay (van de Ven et al. 2020): as {@code gr}, a VAE learns every task's images
 * plus its own replay of the earlier ones, but conditioned on the label (one-hot, fed to encoder and decoder;
 * the domain label in the domain setting), so replay asks the frozen previous generator for images of labels
 * drawn uniformly over the classes seen so far ({@link ConditionalReplay}). By default
 * ({@code --replay-targets hard}) those labels are the solver's targets and no previous solver is kept; with
 * {@code soft} a frozen previous solver distils its softmax at the temperature, as {@code gr} does.
 *
 * <p>Replay is generated every step: {@code --generation pool} is refused (a pool of images would have to keep
 * their conditions for the generator's own replay).
 */
public final class ConditionalGenerativeReplay extends Strategy {
    public static final StrategyType TYPE = new StrategyType("cgr",
            "Class-conditional generative replay: a conditional VAE replays earlier classes, labelled by the class "
                    + "it was asked for (--replay-budget sets the VAE's width).", List.of(ReplayBudget.BYTES),
            ConditionalGenerativeReplay::new)
            .refusing(c -> c.generation == Generation.POOL ? new Refusal("generation", c.generation, "generates its "
                    + "replay from labels drawn every step: use on-the-fly") : null)
            // generation is read to refuse a pool (a refused value is a value the strategy reads: it must stay in
            // the experiment's identity, or a grid point asking for it would be collapsed instead of refused)
            .reading("generation", "replay-ratio", "weighting", "replay-targets", "temperature", "vae-epochs",
                    "vae-iterations", "vae-lr");
    private final Vae generator;
    private final ConditionalReplay source;
    private final ReplayScheduler scheduler;

    public ConditionalGenerativeReplay(Context ctx) {
        super(ctx, ExperienceReplay.replayRows(ctx));
        int replay = Math.max(1, ExperienceReplay.replayRows(ctx));
        VaeSpec spec = ctx.preset().vae();
        spec = new VaeSpec(ctx.scenario().train().features(), spec.hidden(), spec.latent(),
                ctx.scenario().outputCapacity());
        // With a budget: the trained and the frozen generator, and the frozen solver only with soft targets.
        boolean soft = ctx.replayTargets() == GenerativeReplay.Targets.SOFT;
        spec = ReplayBudget.generator(ctx, spec, 2, soft ? ReplayBudget.solverBytes(ctx) : 0, "the frozen solver");
        int rows = ctx.config().batch + replay;
        try {
            this.generator = registerGenerator("generator", new Vae(ctx.backend(), "generator", spec, rows,
                    plannedRows(ctx, rows, new int[0]), ctx.generatorOptimizer(), ctx.rng().split()));
            GenerativeReplay.Targets targets = ctx.replayTargets();
            this.source = new ConditionalReplay(ctx.backend(), ctx.scenario(), targets,
                    (float) ctx.config().temperature, replay);
            register(new PreviousModels(source, () -> source.update(solver, generator), source));
            this.scheduler = new ReplayScheduler(source, ctx.config().replayRatio,
                    ctx.weighting(), ReplayScheduler.Mode.ON_THE_FLY, null);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    public Vae generator() {
        return generator;
    }

    /** The replay source: its frozen copies and the labels it draws. */
    public ConditionalReplay source() {
        return source;
    }

    @Override
    public void train(Task task) {
        int number = task.index() + 1;
        learner.trainSolver(solver, List.of(task), number, scheduler, null);
        learner.trainGenerator(generator, List.of(task), number, scheduler);
    }

    @Override
    public void afterTask(Task task) {
        source.update(solver, generator);
    }

    /**
     * The generator's parameters and the frozen models' (what regenerates earlier tasks, and with soft targets
     * labels them).
     */
    @Override
    public long replayMemoryBytes() {
        return generator.keptBytes() + source.keptBytes();
    }

    /**
     * The generator's samples of every class seen so far, an equal number each, ordered by class and laid out
     * one class per grid row; with more classes than images, one image each of the first classes. Null before
     * the first task ends.
     */
    @Override
    public Samples replaySamples(int n, dev.rehearsal.random.Rng rng) {
        if (source.isEmpty()) {
            return null;
        }
        int classes = ConditionalReplay.classesSeen(ctx.scenario(), source.tasksSeen());
        int total = Math.min(n, generator.maxBatch());
        int perClass = Math.max(1, total / classes);
        int shown = Math.min(classes, total / perClass);
        int[] labels = new int[shown * perClass];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i / perClass;
        }
        Tensor x = generator.generate(labels.length, rng, labels, 0);
        Samples s = square("generated_conditional", x.toFloatArray(), labels.length, x.cols());
        return new Samples(s.kind(), s.pixels(), s.count(), s.rows(), s.cols(), perClass);
    }
}
