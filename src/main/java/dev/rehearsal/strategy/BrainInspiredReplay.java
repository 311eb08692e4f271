package dev.rehearsal.strategy;

import dev.rehearsal.config.Option;
import dev.rehearsal.nn.FeedbackVae;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.replay.FeedbackReplay;
import dev.rehearsal.replay.GenerativeReplay;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Brain-inspired replay (van de Ven, Siegelmann and Tolias 2020, Nature Communications), as
 * GMvandeVen/continual-learning runs it with {@code --brain-inspired} on MNIST (its internal replay needs
 * convolutional layers, which MNIST's networks do not have):
 * <ul>
 *   <li><b>replay through feedback</b>: the classifier is the VAE's encoder, so there is one network; the solver's
 *   last hidden layer feeds both the softmax head and the latent heads of a {@link FeedbackVae}, and every step
 *   trains both halves on one loss;</li>
 *   <li><b>conditional replay</b>: a learned Gaussian-mixture prior, one mode per class; replay draws a class seen
 *   so far and samples its mode;</li>
 *   <li><b>gating based on internal context</b>: fixed random masks (each unit off with the gating proportion)
 *   on the decoder's hidden layers, chosen by the class (class and task settings) or by the task (domain
 *   setting); replayed rows are gated by their soft target;</li>
 *   <li><b>distillation</b>: replayed rows learn the previous network's softmax at temperature 2.</li>
 * </ul>
 * The loss per row is the reference's: cross-entropy (current) or distillation (replay, without T^2), plus the
 * Bernoulli reconstruction and the mixture KL, each averaged over pixels; current rows weigh 1/t and replay
 * 1 - 1/t on the t-th task. The two halves have their own Adam of the same settings, which is one Adam over the
 * union (Adam is elementwise). {@code --si} adds synaptic intelligence over both halves, the papers' strongest
 * variant.
 */
public final class BrainInspiredReplay extends Strategy {
    /**
     * van de Ven et al., params/param_values.py: {@code dg_prop} for Split MNIST (0.1; 0 in the task setting), and
     * on a permuted scenario the file's values for experiments other than Split MNIST (0.7 class, 0 task, 0.5
     * domain; never tuned on Permuted MNIST there: all_results.sh runs its comparisons with --no-bir).
     */
    public static final Option GATE_PROPORTION = Option.number("gate-proportion", 0.1, 0, false, 0.99,
            "BI-R: chance of each decoder unit to be gated off per context; the defaults are van de Ven et al.'s "
                    + "(params/param_values.py) for Split MNIST, and for other experiments on a permuted scenario "
                    + "(0 turns the gates off)")
            .withSettingDefaults(Map.of("class", 0.1, "task", 0.0, "domain", 0.1))
            .withScenarioDefaults("permuted", Map.of("class", 0.7, "task", 0.0, "domain", 0.5));
    public static final Option SI = Option.flag("si", false,
            "BI-R: add synaptic intelligence over the whole network (--si-c, --si-epsilon)");
    public static final StrategyType TYPE = new StrategyType("bir",
            "Brain-inspired replay: one classifier-VAE network, a class-mode prior, gated decoder and distillation.",
            List.of(GATE_PROPORTION, SI, SynapticIntelligence.C, SynapticIntelligence.EPSILON),
            BrainInspiredReplay::new)
            .reading("replay-ratio", "weighting", "temperature");

    private final FeedbackVae vae;
    private final FeedbackReplay source;
    private final ReplayScheduler scheduler;
    private final PathIntegral solverPath;
    private final PathIntegral vaePath;
    private final float c;
    private final float xi;
    private final int pixels;

    public BrainInspiredReplay(Context ctx) {
        super(ctx, ExperienceReplay.replayRows(ctx));
        int replay = Math.max(1, ExperienceReplay.replayRows(ctx));
        int[] hidden = ctx.preset().mlp().hidden();
        int rows = ctx.config().batch + replay;
        int modes = ctx.scenario().outputCapacity();
        double proportion = ctx.config().number(GATE_PROPORTION);
        int gates = proportion == 0 ? 0
                : FeedbackReplay.gatesByTask(ctx.scenario()) ? ctx.scenario().taskCount() : modes;
        this.pixels = ctx.scenario().train().features();
        this.c = (float) ctx.config().number(SynapticIntelligence.C);
        this.xi = (float) ctx.config().number(SynapticIntelligence.EPSILON);
        try {
            this.vae = registerGenerator("generator (feedback VAE)", new FeedbackVae(ctx.backend(), "generator",
                    hidden[hidden.length - 1], hidden, ctx.preset().vae().latent(), pixels, modes, gates, proportion,
                    rows, plannedRows(ctx, rows, new int[0]), ctx.solverOptimizer(), ctx.rng().split()));
            // Distillation is part of the method: replay-targets (gr's choice) does not apply.
            this.source = new FeedbackReplay(ctx.backend(), ctx.scenario(), GenerativeReplay.Targets.SOFT,
                    (float) ctx.config().temperature, replay, vae, hidden);
            register(new PreviousModels(source, () -> source.update(solver, vae), source));
            this.scheduler = new ReplayScheduler(source, ctx.config().replayRatio,
                    ctx.weighting(), ReplayScheduler.Mode.ON_THE_FLY, null);
            if (ctx.config().flag(SI)) {
                solverPath = new PathIntegral(ctx.backend(), solver,
                        register(new ParameterState(ctx.backend(), "si", "si state (classifier)", solver)));
                vaePath = new PathIntegral(ctx.backend(), vae,
                        register(new ParameterState(ctx.backend(), "si_generator", "si state (generator)", vae)));
            } else {
                solverPath = null;
                vaePath = null;
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    public FeedbackVae generator() {
        return vae;
    }

    public FeedbackReplay source() {
        return source;
    }

    @Override
    public void beforeTask(Task task) {
        super.beforeTask(task);
        if (solverPath != null) {
            solverPath.beginTask();
            vaePath.beginTask();
        }
    }

    /**
     * The VAE half trains inside the solver's steps (one network), never for the generator's epochs or
     * iterations, which bir does not read.
     */
    @Override
    protected boolean generatorTrainsApart() {
        return false;
    }

    @Override
    public void train(Task task) {
        int number = task.index() + 1;
        int bc = Math.min(ctx.config().batch, task.trainSize());
        vae.prepare(scheduler.plan(number, bc).rows());
        learner.trainSolver(solver, List.of(task), number, scheduler, null);
    }

    /**
     * The VAE half's step on this batch: the current rows' mode (and gate) weights from their labels, forward
     * from the solver's last hidden layer, reconstruction and mixture KL of every row, and its backward, whose
     * gradient for the shared layers {@link #featureGradient} hands to the solver's backward.
     */
    @Override
    public double logitLoss(Mlp s, int rows, int current, int taskNumber) {
        Tensor modes = vae.modeWeights(rows).rows(0, current);
        ctx.backend().oneHot(modes, batch.targets(0, current), 0);
        if (vae.gates() > 0) {
            Tensor contexts = vae.contextWeights(rows).rows(0, current);
            if (FeedbackReplay.gatesByTask(ctx.scenario())) {
                ctx.backend().fill(contexts, 0f);
                ctx.backend().fill(contexts.cols(taskNumber - 1, taskNumber), 1f);
            } else {
                ctx.backend().copy(contexts, modes);
            }
        }
        vae.sampleNoise(rows, ctx.rng());
        vae.zeroGrad();
        Tensor features = s.lastHidden(rows);
        vae.forward(features, rows);
        ReplayScheduler.Step step = scheduler.plan(taskNumber, current);
        Tensor images = s.input(rows);
        float wc = step.currentWeight() / current / pixels;
        double loss = vae.loss(0, current, images.rows(0, current), wc, wc);
        int replayed = rows - current;
        if (replayed > 0) {
            float wr = step.replayWeight() / replayed / pixels;
            loss += vae.loss(current, rows, images.rows(current, rows), wr, wr);
        }
        vae.backward(features, rows);
        return loss;
    }

    @Override
    public Tensor featureGradient(Mlp s, int rows) {
        return vae.featuresGrad(rows);
    }

    @Override
    public double parameterPenalty(Mlp s, int taskNumber) {
        return solverPath == null ? 0 : solverPath.penalty(c) + vaePath.penalty(c);
    }

    /** The VAE half's optimiser step (the solver's ran just before), then SI's path integrals. */
    @Override
    public void afterOptimizerStep(Mlp s, int taskNumber) {
        vae.optimizer().step();
        if (solverPath != null) {
            solverPath.step();
            vaePath.step();
        }
    }

    @Override
    public void afterTask(Task task) {
        source.update(solver, vae);
        if (solverPath != null) {
            solverPath.consolidate(xi);
            vaePath.consolidate(xi);
        }
    }

    /**
     * Replay memory: the VAE half (parameters and gate masks), the frozen network (classifier and VAE half)
     * and, with {@code --si}, SI's importance and anchors. The shared encoder is the solver itself, which is not
     * replay memory.
     */
    @Override
    public long replayMemoryBytes() {
        long n = vae.keptBytes() + source.keptBytes();
        if (solverPath != null) {
            n += solverPath.rememberedBytes() + vaePath.rememberedBytes();
        }
        return n;
    }

    /** Samples of every class seen so far (domain setting: every class of every task's gates), grouped by class. */
    @Override
    public Samples replaySamples(int n, dev.rehearsal.random.Rng rng) {
        boolean byTask = FeedbackReplay.gatesByTask(ctx.scenario()) && vae.gates() > 0;
        int classes = ctx.scenario().setting() == Setting.DOMAIN ? vae.modes()
                : dev.rehearsal.replay.ConditionalReplay.classesSeen(ctx.scenario(), Math.max(1, source.tasksSeen()));
        int contexts = byTask ? Math.max(1, source.tasksSeen()) : 1;
        int groups = classes * contexts;
        int per = Math.max(1, Math.min(n, vae.maxBatch()) / groups);
        int count = Math.min(vae.maxBatch(), per * groups);
        int[] modeOf = new int[count];
        int[] contextOf = new int[count];
        for (int i = 0; i < count; i++) {
            int g = i / per;
            modeOf[i] = g % classes;
            contextOf[i] = byTask ? g / classes : modeOf[i];
        }
        Tensor x = vae.generate(count, rng, modeOf, contextOf);
        Samples s = square("generated_conditional", x.toFloatArray(), count, x.cols());
        return new Samples(s.kind(), s.pixels(), s.count(), s.rows(), s.cols(), per);
    }
}
