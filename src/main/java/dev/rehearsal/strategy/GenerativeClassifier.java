package dev.rehearsal.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.PixelLikelihood;
import dev.rehearsal.checkpoint.Safetensors;
import dev.rehearsal.config.Option;
import dev.rehearsal.metrics.ConfusionMatrix;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.nn.VaeSpec;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Held;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The generative classifier (van de Ven, Li and Tolias 2021, "Class-incremental learning with generative
 * classifiers", CVPR workshops), as GMvandeVen/continual-learning runs it with {@code --gen-classifier}:
 * <ul>
 *   <li>training: one VAE per output unit (class), trained on that class's training samples and nothing else,
 *       from a fresh initialisation and a fresh Adam, one class after the other. A task's {@code iterations}
 *       are shared evenly among its classes (the reference divides {@code --iters} by the classes per context:
 *       1000 per class on Split-MNIST); with {@code epochs} instead, each class trains that many passes over its
 *       own samples. A class's VAE is never trained again, and nothing is stored or replayed;</li>
 *   <li>classification: a test image goes to the class whose VAE gives it the highest log-likelihood
 *       (a uniform class prior, so Bayes' rule is that argmax), estimated by importance sampling with
 *       {@code --genc-samples} samples from the VAE's posterior ({@link Vae#logLikelihood}), over the classes seen
 *       so far (class setting) or the task's classes (task setting). A class whose VAE is not trained yet scores
 *       minus infinity;</li>
 *   <li>cost: training a class is as cheap as one small VAE's steps, but evaluation runs every seen class's VAE
 *       on every test image: its encoder once and its decoder once per importance sample, batched so that each
 *       decoder layer is one GEMM over B images x S samples rows. Those MACs are the evaluation phase's.</li>
 * </ul>
 * The domain setting is refused: a domain task brings new images of classes already learned, while each VAE
 * learns its class from the one task that introduces it and never sees data again (van de Ven, Tuytelaars and
 * Tolias 2022 run it in the class setting only).
 * <pre>
 * class_vaes   unitU.params [P]          one per trained unit: the classifier (P parameters of a VAE)
 * trainer      params, grads [P], Adam [2P], activations for a batch   the VAE in training, reinitialised per class
 * scorer       params [P], activations for B images and B S samples   evaluation ({@link Vae#scorer})
 * evaluation   indices, targets I32 [N, 1], scores [N, U]              a task's largest held-out set N, U units
 * batch        indices, targets I32 [batch, 1]                         training batches
 * </pre>
 */
public final class GenerativeClassifier extends Strategy {
    /** van de Ven et al., params/param_values.py: {@code fc_units_gc} (85). */
    public static final Option HIDDEN = Option.integer("genc-hidden", 85, 1, 65536,
            "genc: units of each hidden layer of every class's VAE (van de Ven et al.'s fc_units_gc, "
                    + "params/param_values.py)");
    /** van de Ven et al.: {@code fc_lay_gc} = 3 on Split MNIST, fully connected layers counting the latent one. */
    public static final Option LAYERS = Option.integer("genc-layers", 2, 1, 16,
            "genc: hidden layers of every class's VAE encoder, mirrored in its decoder (van de Ven et al.'s "
                    + "fc_lay_gc = 3 on Split MNIST: two hidden layers and the latent layer)");
    /** van de Ven et al.: {@code z_dim_gc} = 5 on Split MNIST. */
    public static final Option LATENT = Option.integer("genc-latent", 5, 1, 4096,
            "genc: latent units of every class's VAE (van de Ven et al.'s z_dim_gc, 5 on Split MNIST)");
    /** van de Ven et al., params/options.py: {@code --eval-s} (50). */
    public static final Option SAMPLES = Option.integer("genc-samples", 50, 1, 100_000,
            "genc: importance samples per test image and class (van de Ven et al.'s --eval-s, params/options.py); "
                    + "genc runs in the class and task settings and refuses domain, where tasks bring new images of "
                    + "classes whose VAEs have already learned");
    /** van de Ven et al., models/vae.py {@code estimate_lls}: a unit-variance Gaussian around the decoder's mean. */
    public static final Option LIKELIHOOD = Option.choice("genc-likelihood",
            "genc: how a VAE scores a test image's pixels: gaussian, unit variance around the decoder's mean (what "
                    + "van de Ven et al.'s estimate_lls computes, models/vae.py), or bernoulli, the likelihood the "
                    + "VAEs train with", PixelLikelihood.class);
    public static final StrategyType TYPE = new StrategyType("genc",
            "Generative classifier: a VAE per class, trained on that class alone; a test image goes to the class "
                    + "whose VAE gives it the highest importance-sampled likelihood (no data stored, nothing "
                    + "replayed).", List.of(HIDDEN, LAYERS, LATENT, SAMPLES, LIKELIHOOD),
            GenerativeClassifier::new,
            Map.of(Setting.DOMAIN, "a domain task brings new images of classes already learned, while genc trains "
                    + "each class's VAE on the one task that introduces the class and never sees its data again "
                    + "(van de Ven et al. 2022 run it in the class setting only); use --setting class or task"));

    /** Rows a scorer's decoder runs on at most (images x samples), unless one image's samples are more. */
    static final int EVALUATION_ROWS = 1024;
    /** The evaluation's own random stream, apart from training's: evaluating draws nothing from the run's. */
    private static final long EVALUATION_STREAM = 0x6E5C_A55E_5EEDL;

    private final int samples;
    private final PixelLikelihood likelihood;
    private final Vae trainer;
    private final Vae scorer;
    private final Arena classArena;
    private final Arena evaluationArena;
    /** Each unit's VAE parameters {@code [1, P]} once its class has trained; null before. */
    private final Tensor[] unitParams;
    /** Units in the order their VAEs trained. */
    private final List<Integer> trained = new ArrayList<>();
    private final Tensor indices;
    private final Tensor targets;
    private final Tensor scores;
    /** Output units in play: the class setting's classes seen so far (as a solver's head grows). */
    private int outputs;

    public GenerativeClassifier(Context ctx) {
        super(ctx, new WithoutSolver(ctx.config().batch));
        Scenario sc = ctx.scenario();
        String refused = TYPE.refusal(sc.setting()); // a validated config never gets here with it
        if (refused != null) {
            close();
            throw new RehearsalException(RehearsalException.USAGE, refused);
        }
        VaeSpec spec = spec(ctx);
        this.samples = ctx.config().integer(SAMPLES);
        this.likelihood = ctx.config().choice(LIKELIHOOD, PixelLikelihood.class);
        this.outputs = sc.initialOutputs();
        int units = sc.outputCapacity();
        this.unitParams = new Tensor[units];
        int held = largestHeldSet(sc);
        int images = Math.min(held, Math.max(1, EVALUATION_ROWS / samples));
        Backend be = ctx.backend();
        try {
            this.trainer = new Vae(be, "genc_trainer", spec, ctx.config().batch, classBatches(ctx),
                    ctx.solverOptimizer(), null);
            register(Component.of("trainer", () -> Component.items("class VAE in training", trainer), trainer));
            int[] chunks = chunkSizes(sc, images);
            this.scorer = Vae.scorer(be, "genc_scorer", spec, images, samples, chunks);
            register(Component.of("scorer", () -> Component.items("likelihood scorer", scorer), scorer));
            this.classArena = be.newArena("genc");
            register(new ClassVaes());
            this.evaluationArena = be.newArena("genc_evaluation");
            register(Component.of("evaluation", () -> Component.items("evaluation", evaluationArena.blocks()),
                    evaluationArena));
            this.indices = Tensor.of(evaluationArena.allocate("indices", DType.I32, held), held, 1);
            this.targets = Tensor.of(evaluationArena.allocate("targets", DType.I32, held), held, 1);
            this.scores = Tensor.of(evaluationArena.allocate("scores", DType.F32, (long) held * units), held, units);
            // Every shape an evaluation runs, created now: evaluating allocates nothing and creates no primitive.
            scorer.prepare(images);
            for (int n : chunks) {
                scorer.prepare(n);
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** Every class's VAE: the options' hidden layers and latent units over the scenario's images. */
    static VaeSpec spec(Context ctx) {
        int[] hidden = new int[ctx.config().integer(LAYERS)];
        Arrays.fill(hidden, ctx.config().integer(HIDDEN));
        return new VaeSpec(ctx.scenario().train().features(), hidden, ctx.config().integer(LATENT), 0);
    }

    /** The most samples a task tests or validates on: what the evaluation buffers hold. */
    private static int largestHeldSet(Scenario sc) {
        int most = 1;
        for (Task t : sc.tasks()) {
            most = Math.max(most, Math.max(t.testSize(), t.validationSize()));
        }
        return most;
    }

    /** The image counts of evaluation chunks besides the largest: every held-out set's last, partial chunk. */
    private static int[] chunkSizes(Scenario sc, int images) {
        TreeSet<Integer> out = new TreeSet<>();
        for (Task t : sc.tasks()) {
            for (int n : new int[] {t.testSize(), t.validationSize()}) {
                if (n % images != 0) {
                    out.add(n % images);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The batch rows of classes with fewer training samples than a batch: the trainer's workspace serves them. */
    private static int[] classBatches(Context ctx) {
        TreeSet<Integer> out = new TreeSet<>();
        for (Task t : ctx.scenario().tasks()) {
            for (int n : unitCounts(t).values()) {
                if (n < ctx.config().batch) {
                    out.add(n);
                }
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Training samples of each output unit of a task that has any, by unit in increasing order. */
    private static java.util.SortedMap<Integer, Integer> unitCounts(Task task) {
        java.util.SortedMap<Integer, Integer> out = new java.util.TreeMap<>();
        for (int t : task.trainTargets()) {
            out.merge(t, 1, Integer::sum);
        }
        return out;
    }

    /**
     * Steps of one class's VAE in a task: the task's iterations shared evenly among its classes (at least one
     * each), or the epochs over the class's own samples.
     */
    private long classSteps(Task task, int classSamples) {
        int iterations = ctx.config().iterations;
        if (iterations > 0) {
            return Math.max(1, iterations / unitCounts(task).size());
        }
        int bc = Math.min(ctx.config().batch, classSamples);
        return Learner.steps(classSamples, bc, ctx.config().epochs, 0);
    }

    /** Steps of every class's VAE of a task together: the task's solver steps. */
    private long taskSteps(Task task) {
        long n = 0;
        for (int samplesOfUnit : unitCounts(task).values()) {
            n += classSteps(task, samplesOfUnit);
        }
        return n;
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    @Override
    public void beforeTask(Task task) {
        super.beforeTask(task);
        outputs = Math.max(outputs, ctx.scenario().outputsDuring(task.index()));
    }

    /** Trains a fresh VAE on each of the task's classes in turn and keeps its parameters as that class's VAE. */
    @Override
    public void train(Task task) {
        for (Map.Entry<Integer, Integer> e : unitCounts(task).entrySet()) {
            int unit = e.getKey();
            Tensor params = allocateUnit(unit);
            trainer.initialize(ctx.rng());
            trainer.optimizer().reset();
            learner.trainClassVae(trainer, task, unit, task.index() + 1, classSteps(task, e.getValue()));
            ctx.backend().copy(params, trainer.parameterBlock());
            trained.add(unit);
        }
    }

    /** A block for unit {@code unit}'s VAE parameters (once: a class's VAE trains on one task). */
    private Tensor allocateUnit(int unit) {
        if (unit < 0 || unit >= unitParams.length) {
            throw new IllegalArgumentException("unit " + unit + " outside the scenario's " + unitParams.length);
        }
        if (unitParams[unit] != null) {
            throw new IllegalStateException("unit " + unit + "'s VAE has trained already: genc trains a class once");
        }
        long p = trainer.parameterBlock().numel();
        unitParams[unit] = Tensor.of(classArena.allocate("unit" + unit + ".params", DType.F32, p), 1, (int) p);
        return unitParams[unit];
    }

    /**
     * The accuracy of the importance-sampled likelihoods' argmax on a task's test or validation samples: for each
     * unit in the task's class range (in turn, its parameters copied into the scorer), the log-likelihood of every
     * sample, chunk by chunk; then the argmax over the range. Its random numbers are its own, drawn from the seed,
     * the classes trained and the samples evaluated, so evaluating changes nothing of the run.
     */
    @Override
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    public double accuracy(Task task, Held on, ConfusionMatrix confusion) {
        Backend be = ctx.backend();
        Scenario sc = ctx.scenario();
        Ledger ledger = ctx.ledger();
        int n = on.size(task);
        int[] range = sc.classRange(task, outputs);
        int images = scorer.maxBatch();
        Rng rng = evaluationRng(task, on);
        long correct;
        try (var t = ledger.time(Phase.EVALUATION)) {
            Tensor all = scores.rows(0, n);
            Tensor ids = indices.rows(0, n);
            Tensor truth = targets.rows(0, n);
            ids.copyFrom(on.indices(task), 0);
            truth.copyFrom(on.targets(task), 0);
            for (int unit = range[0]; unit < range[1]; unit++) {
                Tensor column = all.cols(unit, unit + 1);
                if (unitParams[unit] == null) {
                    be.fill(column, Float.NEGATIVE_INFINITY);
                    continue;
                }
                be.copy(scorer.parameterBlock(), unitParams[unit]);
                for (int from = 0; from < n; from += images) {
                    int m = Math.min(images, n - from);
                    be.gather(scorer.image(m), on.images(sc).images(), ids.rows(from, from + m), sc.permutation(task),
                            1f / 255f);
                    scorer.logLikelihood(m, rng, likelihood, column.rows(from, from + m));
                }
            }
            if (confusion == null) {
                correct = be.countCorrect(all, truth, range[0], range[1]);
            } else {
                be.argmax(ids, all, range[0], range[1]);
                correct = Learner.tally(confusion, ids, on.targets(task), 0);
            }
        }
        ledger.addSamples(Phase.EVALUATION, n);
        return (double) correct / n;
    }

    /** The evaluation of {@code task}'s {@code on} samples after the classes trained so far: its own stream. */
    private Rng evaluationRng(Task task, Held on) {
        long s = ctx.config().seed ^ EVALUATION_STREAM;
        s = s * 1_000_003L + trained.size();
        s = s * 1_000_003L + task.index();
        s = s * 2 + on.ordinal();
        return new Rng(s).split();
    }

    /** The trained VAEs' parameters in float32 (the classifier grows by a VAE per class). */
    @Override
    public long solverParameterBytes() {
        return trained.size() * trainer.parameterBlock().numel() * 4L;
    }

    /** Classifying one sample against every unit: each VAE's encoder once and its decoder once per sample. */
    @Override
    public long solverForwardMacsPerSample() {
        return unitParams.length * (scorer.encoderMacsPerSample() + samples * scorer.decoderMacsPerSample());
    }

    @Override
    public long longestTaskSteps() {
        long most = 1;
        for (Task t : ctx.scenario().tasks()) {
            most = Math.max(most, taskSteps(t));
        }
        return most;
    }

    /** The trainer's step count restarts with every class, so no checkpointed count exceeds this. */
    @Override
    public long mostStepsThrough(int tasksDone) {
        long n = 0;
        for (Task t : ctx.scenario().tasks().subList(0, tasksDone)) {
            n += taskSteps(t);
        }
        return n;
    }

    /** The trained VAEs ("class_vaes"): their blocks, and in checkpoints their parameters and training order. */
    private final class ClassVaes extends Component.Named {
        ClassVaes() {
            super("class_vaes");
        }

        @Override
        public List<MemoryItem> items() {
            return Component.items("class VAEs", classArena.blocks());
        }

        @Override
        public void save(State state) {
            ArrayNode order = state.values().putArray("genc.trained");
            for (int unit : trained) {
                order.add(unit);
                state.tensors().put("genc.unit" + unit + ".params", unitParams[unit]);
            }
        }

        @Override
        public void restore(Map<String, Safetensors.Loaded> tensors, JsonNode values) {
            JsonNode order = values.path("genc.trained");
            if (!order.isArray()) {
                throw new IllegalArgumentException("no list of trained units (genc.trained)");
            }
            // What training writes: the units of whole tasks from the first, task by task, each task's in
            // increasing order (a forged list would have a class trained twice or a task half trained).
            List<Integer> expected = new ArrayList<>();
            for (Task t : ctx.scenario().tasks()) {
                if (expected.size() < order.size()) {
                    expected.addAll(unitCounts(t).keySet());
                }
            }
            for (int i = 0; i < Math.max(order.size(), expected.size()); i++) {
                if (i >= order.size() || i >= expected.size() || !order.get(i).isInt()
                        || order.get(i).asInt() != expected.get(i)) {
                    throw new IllegalArgumentException("genc.trained is " + order + ", not the units of the first "
                            + "tasks in the order they train (" + expected + ")");
                }
            }
            for (JsonNode u : order) {
                int unit = u.asInt();
                State.get(tensors, "genc.unit" + unit + ".params").copyInto(allocateUnit(unit));
                trained.add(unit);
            }
        }

        @Override
        public void close() {
            classArena.close();
        }
    }
}
