package dev.rehearsal.strategy;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.Option;
import dev.rehearsal.nn.Linear;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Elastic weight consolidation (Kirkpatrick et al. 2017), online or offline ({@code ewc-mode}). <b>Online</b>
 * (Schwarz et al. 2018, the default): at the end of each task the diagonal Fisher information of the solver is
 * estimated from the task's training samples and folded into a running sum, {@code F = gamma F + F_task}, and
 * the parameters are stored as the anchor {@code theta*}; every later step adds the penalty
 * {@code lambda / 2 sum_i F_i (theta_i - theta*_i)^2} through {@link #parameterPenalty}. <b>Offline</b>
 * (Kirkpatrick et al.'s form, and what van de Ven et al.'s 2022 comparison runs, {@code compare.py}: EWC with
 * {@code args.offline = True}, for which the published lambdas were chosen): every earlier task k keeps its own
 * Fisher {@code F_k} and anchor {@code theta*_k}, and the penalty is {@code lambda / 2 sum_k sum_i F_k,i
 * (theta_i - theta*_k,i)^2}, one term a task, so its memory and its cost per step grow with the tasks (2 P floats
 * and one pass over P a task; the last task's pair is never needed and not computed). With one earlier task the
 * two forms are the same.
 *
 * <p><b>The Fisher.</b> {@code F_task = 1/N sum_n (d/d theta log p(y_n | x_n))^2} over N samples of the task,
 * the log-likelihood taken over the classes the task is evaluated on (its own in the task and domain settings,
 * every active one in the class setting). By {@code fisher-labels}: {@code all} (the default, as in van de Ven
 * et al.'s 2022 code, for which the published lambdas were chosen), the exact expectation over the labels,
 * {@code sum_k p(k | x_n) g_{n,k}^2}; {@code sample}, one label drawn from the model's own predictive
 * distribution (Kirkpatrick et al.'s Fisher: unbiased for {@code all}, but with a confident model only the few
 * samples that draw another label carry the expectation's scale, so most parameters' Fisher comes out near
 * {@code pred}'s); {@code pred}, the predicted label (the default of van de Ven's 2019 code); or {@code true}, the
 * true label (the empirical Fisher). On a sample the model is confident about (probability p of its prediction)
 * the predicted label's squared gradient is of order (1 - p)^2 where the expectation's is of order (1 - p), so
 * {@code pred} (and in effect {@code sample}) gives a much smaller Fisher for the same lambda: with {@code sample},
 * task-incremental Split-MNIST at the published lambda 1e5 reached 0.966 against the paper's 0.991.
 *
 * <p>Each term is a <em>per-sample</em> gradient squared, as batches of one would give; they are computed a batch
 * at a time, exactly, through the identity for a linear layer: sample n's weight gradient is the outer product
 * {@code delta_n a_n^T} of its output gradient and its input, so {@code sum_n (delta_n a_n^T)^2 =
 * (delta^2)^T (a^2)} elementwise, one GEMM per layer over squared activations ({@link #addTaskFisher}); the
 * one-sample-at-a-time version stays beside it as the reference ({@link #addTaskFisherOneByOne}). The
 * estimate is divided by the number of samples used (van de Ven's code divides by one less when it uses
 * the whole set).
 *
 * <p>{@code all} costs one backward pass per class of the range for every batch (2 in the task setting, up to
 * 10 in the class setting), with each row's output gradient scaled by {@code sqrt(p(k | x_n))} before it.
 * van de Ven's online penalty also multiplies the stored Fisher by gamma once more; here the penalty uses F as
 * stored (the same for the default gamma 1).
 */
public final class Ewc extends Strategy {
    /**
     * van de Ven et al. 2022, params/param_values.py ({@code ewc_lambda}): the published lambda per setting for
     * Split MNIST, and for Permuted MNIST on a permuted scenario (100 in every setting there: chosen on seed 1 by
     * compare_hyperParams.py for the task and domain settings, all_results.sh; the class value is the file's
     * default for experiments other than Split MNIST).
     */
    public static final Option LAMBDA = Option.number("ewc-lambda", 1e9, 0, false, 1e12,
            "EWC: strength lambda of the penalty lambda/2 sum F (theta - theta*)^2; the defaults are van de Ven "
                    + "et al.'s (params/param_values.py) for Split MNIST, and for Permuted MNIST on a permuted "
                    + "scenario")
            .withSettingDefaults(Map.of("class", 1e9, "task", 1e5, "domain", 1e10))
            .withScenarioDefaults("permuted", Map.of("class", 100.0, "task", 100.0, "domain", 100.0));
    /** van de Ven's params/options.py {@code --gamma}, default 1. */
    public static final Option GAMMA = Option.number("ewc-gamma", 1, 0, false, 1,
            "EWC: decay of earlier tasks' Fisher in the online sum F = gamma F + F_task");
    /** van de Ven's {@code --fisher-n}: unset (None) there means the whole training set of the task. */
    public static final Option SAMPLES = Option.integer("fisher-samples", 0, 0, Integer.MAX_VALUE,
            "EWC: training samples of a task the Fisher is estimated from, drawn at random; 0: all of them");
    /**
     * van de Ven et al.'s 2022 default {@code --fisher-labels all} (params/options.py of GMvandeVen/continual-learning),
     * or Kirkpatrick et al.'s sampled label, the predicted one, the true one.
     */
    public static final Option LABELS = Option.choice("fisher-labels",
            "EWC: label of each sample's log-likelihood in the Fisher: all (the expectation over every label, "
                    + "van de Ven et al.'s default, for which the published lambdas were chosen), one drawn from the "
                    + "model's prediction, the predicted one, or the true one (the empirical Fisher)", Labels.class);

    /**
     * Online (one running Fisher and one anchor; Rehearsal's default, as before the option existed) or offline
     * (one of each per earlier task: van de Ven et al. 2022's compare.py, {@code args.offline = True}, the form
     * their published lambdas were chosen for).
     */
    public static final Option MODE = Option.choice("ewc-mode",
            "EWC: online (one running Fisher sum F = gamma F + F_task and one anchor, the last task's parameters; "
                    + "Schwarz et al. 2018) or offline (a Fisher and an anchor per earlier task, one penalty each: "
                    + "Kirkpatrick et al. 2017, and van de Ven et al. 2022's compare.py, for which the published "
                    + "lambdas were chosen; its memory grows by 2 P floats a task)", Mode.class);

    /** {@code ewc-mode}: how earlier tasks are remembered. */
    public enum Mode implements dev.rehearsal.Word {
        /** One running Fisher and one anchor. */
        ONLINE,
        /** A Fisher and an anchor per earlier task. */
        OFFLINE;

        @Override
        public String id() {
            return dev.rehearsal.Word.idOf(this);
        }
    }

    /** The label of each sample's log-likelihood in the Fisher ({@code fisher-labels}). */
    public enum Labels implements dev.rehearsal.Word {
        /** Every label, weighted by its probability: the exact Fisher (van de Ven et al. 2022's default). */
        ALL,
        /** Drawn from the model's predictive distribution (Kirkpatrick et al.). */
        SAMPLE,
        /** The predicted (most likely) label. */
        PRED,
        /** The true label: the empirical Fisher. */
        TRUE;

        @Override
        public String id() {
            return dev.rehearsal.Word.idOf(this);
        }
    }
    public static final StrategyType TYPE = new StrategyType("ewc",
            "EWC: a Fisher-weighted quadratic penalty toward earlier tasks' parameters (--ewc-lambda), online or "
                    + "offline (--ewc-mode).",
            List.of(LAMBDA, GAMMA, SAMPLES, LABELS, MODE), Ewc::new);

    private final ReplayScheduler none = ReplayScheduler.none();
    private final ParameterState state;
    /**
     * {@code F [1, P]}, laid out as the solver's parameter table: online, the running Fisher diagonal (one);
     * offline, task k's Fisher at index k - 1 (one per task but the last).
     */
    private final Tensor[] fishers;
    /** {@code theta* [1, P]}: online, the parameters at the end of the last task; offline, at the end of each. */
    private final Tensor[] anchors;
    private final Mode mode;
    /** {@code p [B, C]}: the predictive distribution labels are drawn from. */
    private final Tensor probabilities;
    /** {@code a^2 [B, max IN]}, {@code delta^2 [B, max OUT]}: one layer's squared inputs and output gradients. */
    private final Tensor squaredInputs;
    private final Tensor squaredDeltas;
    /** The backend's scratch for the Fisher GEMMs, sized as the solver sizes its own. */
    private final Tensor workspace;
    private final float lambda;
    private final float gamma;
    private final int samples;
    private final Labels labels;
    private final int[] indices;
    private final int[] targets;

    public Ewc(Context ctx) {
        super(ctx, 0);
        this.lambda = (float) ctx.config().number(LAMBDA);
        this.gamma = (float) ctx.config().number(GAMMA);
        this.samples = ctx.config().integer(SAMPLES);
        this.labels = ctx.config().choice(LABELS, Labels.class);
        this.mode = ctx.config().choice(MODE, Mode.class);
        int rows = solver.maxBatch();
        int maxIn = 0;
        int maxOut = 0;
        long ws = 1;
        for (Linear l : solver.layers()) {
            maxIn = Math.max(maxIn, l.in());
            maxOut = Math.max(maxOut, l.capacity());
            ws = Math.max(ws, ctx.backend().linearWorkspace(rows, l.in(), l.capacity()));
        }
        this.state = register(new ParameterState(ctx.backend(), "ewc", "ewc state", solver));
        int pairs = mode == Mode.ONLINE ? 1 : Math.max(0, ctx.scenario().taskCount() - 1);
        this.fishers = new Tensor[pairs];
        this.anchors = new Tensor[pairs];
        for (int k = 0; k < pairs; k++) {
            String task = mode == Mode.ONLINE ? "" : "_task" + (k + 1);
            fishers[k] = state.parameterSized("fisher" + task, true);
            anchors[k] = state.parameterSized("anchor" + task, true);
        }
        this.squaredInputs = state.scratch("squared_inputs", rows, maxIn);
        this.squaredDeltas = state.scratch("squared_deltas", rows, maxOut);
        this.workspace = state.workspace("workspace", Math.toIntExact(ws));
        this.probabilities = state.scratch("probabilities", rows, solver.spec().outputCapacity());
        this.indices = new int[rows];
        this.targets = new int[rows];
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    @Override
    public void train(Task task) {
        learner.trainSolver(solver, List.of(task), task.index() + 1, none, null);
    }

    /**
     * Adds {@code lambda / 2 sum F (theta - theta*)^2} and its gradient once a task has been consolidated: the one
     * term online, a term per consolidated task offline (in task order).
     */
    @Override
    public double parameterPenalty(Mlp s, int taskNumber) {
        double penalty = 0;
        for (int k = 0; k < remembered(); k++) {
            penalty += ctx.backend().quadraticPenalty(s.gradientBlock(), s.parameterBlock(), anchors[k], fishers[k],
                    lambda);
        }
        return penalty;
    }

    /** How many Fisher and anchor pairs hold earlier tasks: online one once a task ended, offline one a task. */
    private int remembered() {
        return Math.min(state.consolidations(), fishers.length);
    }

    /**
     * Online: {@code F = gamma F + F_task} at the parameters the task ended with, which become the anchor.
     * Offline: the task's own Fisher and anchor, unless it is the last task (no later task would read them).
     */
    @Override
    public void afterTask(Task task) {
        Backend be = ctx.backend();
        int k = mode == Mode.ONLINE ? 0 : state.consolidations();
        if (k < fishers.length) {
            if (mode == Mode.ONLINE) {
                be.axpby(fishers[k], fishers[k], gamma, 0f);
            }
            addTaskFisher(task, fisherPositions(task), fishers[k]);
            be.copy(anchors[k], solver.parameterBlock());
        }
        state.consolidated();
    }

    /** Positions in the task's training set the Fisher uses: all, or {@code fisher-samples} at random. */
    int[] fisherPositions(Task task) {
        int n = task.trainSize();
        int[] all = new int[n];
        for (int i = 0; i < n; i++) {
            all[i] = i;
        }
        if (samples == 0 || samples >= n) {
            return all;
        }
        for (int i = 0; i < samples; i++) { // a partial Fisher-Yates shuffle: the first `samples` are the draw
            int j = i + ctx.rng().nextInt(n - i);
            int t = all[i];
            all[i] = all[j];
            all[j] = t;
        }
        return java.util.Arrays.copyOf(all, samples);
    }

    /**
     * {@code F += 1/N sum_n g_n^2} over the samples at {@code positions} (N of them), {@code g_n} sample n's
     * gradient of {@code -log p(y_n | x_n)}, a batch at a time: the loss is weighted {@code 1/sqrt(N)} per
     * row (so its squares carry 1/N), backward leaves every row's output gradient {@code delta} in the
     * solver's slots, and per layer {@code F_w += (delta^2)^T (a^2)}, {@code F_b += colsum(delta^2)} is one
     * weight-gradient GEMM over squared operands. Backward also accumulates the batch's summed gradient,
     * which is not used (its GEMMs are counted, as all are).
     */
    void addTaskFisher(Task task, int[] positions, Tensor fisher) {
        Backend be = ctx.backend();
        int[] range = ctx.scenario().classRange(task, solver.outputs());
        float weight = (float) (1 / Math.sqrt(positions.length));
        List<Linear> layers = solver.layers();
        for (int from = 0; from < positions.length; from += solver.maxBatch()) {
            int rows = Math.min(solver.maxBatch(), positions.length - from);
            gather(task, positions, from, rows);
            solver.zeroGrad();
            solver.forward(rows);
            if (labels == Labels.ALL) {
                float[] p = probabilities(rows, range);
                int classes = range[1] - range[0];
                for (int k = 0; k < classes; k++) {
                    java.util.Arrays.fill(targets, 0, rows, range[0] + k);
                    batch.setTargets(0, rows, targets, 0);
                    be.crossEntropy(solver.logitsGrad(rows), solver.logits(rows), batch.targets(0, rows), range[0],
                            range[1], weight);
                    scaleRows(solver.logitsGrad(rows), p, classes, k);
                    solver.backward(rows);
                    addSquares(rows, layers, fisher);
                }
                continue;
            }
            Tensor labels = label(rows, range);
            be.crossEntropy(solver.logitsGrad(rows), solver.logits(rows), labels, range[0], range[1], weight);
            solver.backward(rows);
            addSquares(rows, layers, fisher);
        }
        solver.zeroGrad();
    }

    /** Adds the rows' squared per-sample gradients, left in the solver's output-gradient slots, to F. */
    private void addSquares(int rows, List<Linear> layers, Tensor fisher) {
        Backend be = ctx.backend();
        {
            for (int l = 0; l < layers.size(); l++) {
                Linear layer = layers.get(l);
                Tensor a = l == 0 ? solver.input(rows) : solver.hidden(l, rows);
                Tensor delta = l == layers.size() - 1 ? solver.logitsGrad(rows) : solver.hiddenGrad(l + 1, rows);
                Tensor a2 = new Tensor(squaredInputs.block(), 0, rows, layer.in(), layer.in());
                Tensor delta2 = new Tensor(squaredDeltas.block(), 0, rows, layer.out(), layer.out());
                be.fill(a2, 0f);
                be.accumulateSquares(a2, a, 1f);
                be.fill(delta2, 0f);
                be.accumulateSquares(delta2, delta, 1f);
                be.linearBackward(null, false, weightSlice(fisher, layer), true, biasSlice(fisher, layer), delta2,
                        a2, layer.weight(), workspace);
            }
        }
    }

    /** The solver's probabilities over {@code range} for its first {@code rows} rows, row-major. */
    private float[] probabilities(int rows, int[] range) {
        int classes = range[1] - range[0];
        Tensor p = new Tensor(probabilities.block(), 0, rows, classes, classes);
        ctx.backend().softmax(p, solver.logits(rows), range[0], range[1], 1f);
        return p.toFloatArray();
    }

    /**
     * Multiplies row n of the output gradient by {@code sqrt(p[n][k])}, so its squared gradients carry the label's
     * probability (once per task, on the heap: no native allocation).
     */
    private static void scaleRows(Tensor logitsGrad, float[] p, int classes, int k) {
        float[] g = logitsGrad.toFloatArray();
        int cols = logitsGrad.cols();
        for (int n = 0; n < logitsGrad.rows(); n++) {
            float scale = (float) Math.sqrt(p[n * classes + k]);
            for (int j = 0; j < cols; j++) {
                g[n * cols + j] *= scale;
            }
        }
        logitsGrad.copyFrom(g);
    }

    /**
     * The simple version of {@link #addTaskFisher}, kept as its reference: one sample at a time, its whole
     * gradient from the solver's own backward pass, squared into F with weight 1/N.
     */
    void addTaskFisherOneByOne(Task task, int[] positions, Tensor fisher) {
        Backend be = ctx.backend();
        int[] range = ctx.scenario().classRange(task, solver.outputs());
        for (int from = 0; from < positions.length; from++) {
            gather(task, positions, from, 1);
            solver.zeroGrad();
            solver.forward(1);
            if (labels == Labels.ALL) {
                float[] p = probabilities(1, range);
                for (int k = 0; k < p.length; k++) {
                    targets[0] = range[0] + k;
                    batch.setTargets(0, 1, targets, 0);
                    solver.zeroGrad();
                    be.crossEntropy(solver.logitsGrad(1), solver.logits(1), batch.targets(0, 1), range[0], range[1],
                            1f);
                    solver.backward(1);
                    be.accumulateSquares(fisher, solver.gradientBlock(), p[k] / positions.length);
                }
                continue;
            }
            Tensor labels = label(1, range);
            be.crossEntropy(solver.logitsGrad(1), solver.logits(1), labels, range[0], range[1], 1f);
            solver.backward(1);
            be.accumulateSquares(fisher, solver.gradientBlock(), 1f / positions.length);
        }
        solver.zeroGrad();
    }

    /**
     * The labels of the rows in the solver's input: their true labels, the solver's predictions, or labels
     * drawn from its predictive distribution over {@code range} (one uniform number of the run's stream per row).
     */
    private Tensor label(int rows, int[] range) {
        Tensor labels = batch.targets(0, rows);
        if (this.labels == Labels.PRED) {
            ctx.backend().argmax(labels, solver.logits(rows), range[0], range[1]);
        } else if (this.labels == Labels.SAMPLE) {
            int classes = range[1] - range[0];
            Tensor p = new Tensor(probabilities.block(), 0, rows, classes, classes);
            ctx.backend().softmax(p, solver.logits(rows), range[0], range[1], 1f);
            float[] pr = p.toFloatArray();
            for (int i = 0; i < rows; i++) {
                double u = ctx.rng().nextDouble();
                int k = 0;
                double cumulative = pr[i * classes];
                while (u >= cumulative && k < classes - 1) {
                    k++;
                    cumulative += pr[i * classes + k];
                }
                targets[i] = range[0] + k;
            }
            batch.setTargets(0, rows, targets, 0);
        }
        return labels;
    }

    /** Writes samples {@code positions[from, from + rows)} of the task into the solver's input and the batch. */
    private void gather(Task task, int[] positions, int from, int rows) {
        Scenario sc = ctx.scenario();
        for (int i = 0; i < rows; i++) {
            indices[i] = task.trainIndices()[positions[from + i]];
            targets[i] = task.trainTargets()[positions[from + i]];
        }
        batch.setIndices(0, rows, indices, 0);
        batch.setTargets(0, rows, targets, 0);
        ctx.backend().gather(solver.input(rows), sc.train().images(), batch.indices(0, rows), sc.permutation(task),
                1f / 255f);
    }

    /** A layer's active weight rows {@code [OUT, IN]} in a parameter-sized block. */
    static Tensor weightSlice(Tensor flat, Linear layer) {
        return new Tensor(flat.block(), flat.offset() + layer.weightEntry().offset(), layer.out(), layer.in(),
                layer.in());
    }

    /** A layer's active bias {@code [1, OUT]} in a parameter-sized block. */
    static Tensor biasSlice(Tensor flat, Linear layer) {
        return new Tensor(flat.block(), flat.offset() + layer.biasEntry().offset(), 1, layer.out(), layer.out());
    }

    /** The Fisher diagonal {@code [1, P]}: online the running one, offline the first task's (for tests). */
    public Tensor fisher() {
        return fishers[0];
    }

    public Tensor anchor() {
        return anchors[0];
    }

    /** Offline, task {@code task}'s Fisher (1-based); online, the running one for any task. */
    public Tensor fisher(int task) {
        return fishers[mode == Mode.ONLINE ? 0 : task - 1];
    }

    public Tensor anchor(int task) {
        return anchors[mode == Mode.ONLINE ? 0 : task - 1];
    }

    /**
     * The Fisher and anchor pairs that hold earlier tasks: what EWC remembers them by (online one pair once a task
     * has ended; offline one a task, up to the last but one).
     */
    @Override
    public long replayMemoryBytes() {
        return 2L * remembered() * solver.parameterBlock().numel() * Float.BYTES;
    }
}
