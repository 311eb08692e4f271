package dev.rehearsal.strategy;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.random.Rng;
import dev.rehearsal.replay.Batch;
import dev.rehearsal.replay.Herding;
import dev.rehearsal.replay.ReplayBuffer;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.replay.ReplaySource;
import dev.rehearsal.replay.Segment;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * iCaRL (Rebuffi et al. 2017) as van de Ven, Tuytelaars and Tolias (2022) run it ({@code --icarl}: prototypes,
 * add_buffer, bce, bce_distill, herding):
 * <ul>
 *   <li>exemplars: {@code per-class} samples of every class, chosen by herding on the solver's L2-normalised
 *       penultimate features at the end of its task ({@link Herding});</li>
 *   <li>training: the exemplars join the current task's training data, so a batch holds them in proportion to
 *       their number: {@code round(batch * M / N)} exemplar rows (M stored, N the task's samples) next to the
 *       batch's current rows;</li>
 *   <li>loss: binary cross-entropy on every row (current and exemplar alike, averaged over the rows, summed
 *       over the classes), with one-hot targets, except that in the class setting the targets of the classes
 *       of earlier tasks are the previous model's {@code sigmoid(logits / temperature)} (van de Ven's
 *       {@code KD_temp}, the {@code temperature} option); distillation applies to the class setting only, as
 *       there;</li>
 *   <li>classification: nearest mean of exemplars: the class means of the exemplars' normalised features,
 *       recomputed with the solver after every task; a test sample goes to {@code argmax_c f . mu_c -
 *       ||mu_c||^2 / 2}, one GEMM against the means (before the first task ends: the solver's head).</li>
 * </ul>
 * <pre>
 * targets [R, C]  bce_grad [R, C]   BCE targets and gradient of a step's R rows over the C outputs
 * nme: means [C, D]  bias [1, C]    class means of exemplar features, -||mu||^2 / 2 ({@link NearestMean})
 *      features [B, D]  scores [B, C]  workspace   classification of a test chunk of B rows
 * previous_solver (frozen)          the solver as it was after the previous task
 * </pre>
 */
public final class ICaRL extends Strategy {
    public static final StrategyType TYPE = new StrategyType("icarl",
            "iCaRL: herding exemplars joined to the training data, binary cross-entropy with distillation, "
                    + "nearest-mean-of-exemplars classification (--per-class, --temperature; always herding, "
                    + "whatever --selection says; --replay-budget, --storage).", List.of(ReplayBudget.BYTES,
                    ReplayBudget.STORAGE),
            ICaRL::new)
            .reading("per-class", "temperature");

    private final ReplayBuffer buffer;
    private final Exemplars exemplars;
    private final Recorder recorder;
    private final Mlp previous;
    private final Arena arena;
    private final Tensor targets;
    private final Tensor bceGrad;
    private final NearestMean nme;
    private final int chunk;
    private ReplayScheduler scheduler = ReplayScheduler.none();
    private int tasksSeen;

    public ICaRL(Context ctx) {
        super(ctx, maxExemplarRows(ctx), stepRows(ctx));
        Backend be = ctx.backend();
        Scenario sc = ctx.scenario();
        int rows = ctx.config().batch + maxExemplarRows(ctx);
        int classes = sc.outputCapacity();
        this.chunk = Math.min(solver.maxBatch(), batch.maxRows());
        try {
            Exemplars.checkClassSizes(ctx, perClass(ctx));
            int features = Exemplars.penultimate(ctx);
            this.buffer = new ReplayBuffer(be, sc, perClass(ctx), ReplayBuffer.Selection.HERDING,
                    ReplayBudget.storage(ctx), Math.max(1, maxExemplarRows(ctx)));
            register(Exemplars.bufferComponent("exemplars", buffer));
            this.previous = solver.frozenCopy("previous_solver", rows);
            register(Component.model("previous_models", "previous solver (frozen)", "previous_solver", previous));
            this.arena = be.newArena("icarl");
            register(new Means());
            this.nme = new NearestMean(be, classes, features, chunk);
            this.targets = Tensor.of(arena.allocate("targets", DType.F32, (long) rows * classes), rows, classes);
            this.bceGrad = Tensor.of(arena.allocate("bce_grad", DType.F32, (long) rows * classes), rows, classes);
            this.exemplars = new Exemplars(ctx, buffer, true);
            register(exemplars.herdingComponent());
        } catch (RuntimeException | Error err) {
            close();
            throw err;
        }
        this.recorder = new Recorder(buffer);
    }

    /**
     * iCaRL's own memory ("icarl"): BCE scratch, and the class means (with the tasks seen, in checkpoints)
     * that nearest-mean classification uses.
     */
    private final class Means extends Component.Named {
        Means() {
            super("icarl");
        }

        @Override
        public List<MemoryItem> items() {
            List<MemoryItem> out = Component.items("icarl", arena.blocks());
            out.addAll(Component.items("class means", nme.blocks()));
            return out;
        }

        @Override
        public void save(State state) {
            state.values().put("icarl.tasks_seen", tasksSeen);
            state.tensors().put("icarl.means", nme.means());
            state.tensors().put("icarl.bias", nme.bias());
        }

        @Override
        public void restore(Map<String, dev.rehearsal.checkpoint.Safetensors.Loaded> tensors,
                com.fasterxml.jackson.databind.JsonNode values) {
            tasksSeen = values.path("icarl.tasks_seen").asInt();
            State.get(tensors, "icarl.means").copyInto(nme.means());
            State.get(tensors, "icarl.bias").copyInto(nme.bias());
        }

        @Override
        public void close() {
            if (nme != null) { // null when its allocation failed
                nme.close();
            }
            arena.close();
        }
    }

    /** Exemplar rows of a step with {@code current} current rows, M stored and N samples in the task. */
    static int exemplarRows(long stored, int taskSamples, int current) {
        return stored == 0 ? 0 : Math.max(1, (int) Math.round((double) stored / taskSamples * current));
    }

    /**
     * Exemplars per class: {@code --per-class}, or what the budget holds beside what iCaRL keeps whatever the
     * budget: the frozen previous solver and the class means and biases (float32).
     */
    private static int perClass(Context ctx) {
        long classes = ctx.scenario().outputCapacity();
        long fixed = ReplayBudget.solverBytes(ctx) + 4 * (classes * Exemplars.penultimate(ctx) + classes);
        return ReplayBudget.perClass(ctx, ReplayBudget.rowBytes(ctx), fixed, "the frozen solver and the class means");
    }

    /** The most exemplar rows any task's steps will have (exemplars of all earlier tasks, as herding keeps them). */
    private static int maxExemplarRows(Context ctx) {
        int most = 0;
        int[] rows = stepRows(ctx);
        for (int t = 0; t < rows.length; t++) {
            most = Math.max(most, rows[t] - Math.min(ctx.config().batch, ctx.scenario().tasks().get(t).trainSize()));
        }
        return most;
    }

    /** The rows of each task's steps: its current rows and the exemplar rows of what earlier tasks stored. */
    private static int[] stepRows(Context ctx) {
        long[] stored = Exemplars.storedBefore(ctx, perClass(ctx));
        int[] rows = new int[stored.length];
        for (Task t : ctx.scenario().tasks()) {
            int current = Math.min(ctx.config().batch, t.trainSize());
            rows[t.index()] = current + exemplarRows(stored[t.index()], t.trainSize(), current);
        }
        return rows;
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    public ReplayBuffer buffer() {
        return buffer;
    }

    /** The class means {@code [C, D]} of the last consolidation (rows of classes without exemplars are 0). */
    public Tensor means() {
        return nme.means();
    }

    @Override
    public void train(Task task) {
        int number = task.index() + 1;
        double ratio = buffer.isEmpty() ? 0 : (double) buffer.size() / task.trainSize();
        scheduler = new ReplayScheduler(recorder, ratio, ReplayScheduler.Weighting.NONE,
                ReplayScheduler.Mode.ON_THE_FLY, null);
        int current = Math.min(ctx.config().batch, task.trainSize());
        int rows = scheduler.plan(number, current).rows();
        if (rows - current != exemplarRows(buffer.size(), task.trainSize(), current)) {
            throw new IllegalStateException("exemplar rows disagree with the scheduler's: " + (rows - current));
        }
        if (distilling(task)) {
            previous.prepare(rows);
        }
        learner.trainSolver(solver, List.of(task), number, scheduler, null);
    }

    /** Distillation targets for the classes of earlier tasks: class setting, after the first task. */
    private boolean distilling(Task task) {
        return tasksSeen > 0 && ctx.scenario().setting() == Setting.CLASS && task.lo() > 0;
    }

    @Override
    public double logitLoss(Mlp s, int rows, int current, int taskNumber) {
        Scenario sc = ctx.scenario();
        Task task = sc.tasks().get(taskNumber - 1);
        List<Segment> segments = new ArrayList<>(1 + recorder.segments.size());
        int[] range = sc.classRange(task, s.outputs());
        segments.add(new Segment(0, current, range[0], range[1], 0f, false));
        if (rows > current) {
            segments.addAll(recorder.segments);
        }
        return distillationLoss(ctx.backend(), s, distilling(task) ? previous : null, task.lo(), rows, segments,
                batch.targets(0, rows), (float) ctx.config().temperature, targets, bceGrad);
    }

    /**
     * iCaRL's loss on rows [0, rows) of {@code s}'s last forward pass, added to its logits' gradient: per
     * segment, binary cross-entropy over the segment's classes, summed over them and averaged over all rows,
     * against one-hot targets of {@code labels}; with a {@code previous} model, the targets of the first
     * {@code old} classes are {@code sigmoid(previous logits / temperature)} of the same inputs (van de Ven's
     * bce_distill). {@code targets} and {@code grad} are scratch of at least [rows, outputs]. Returns the loss.
     */
    static double distillationLoss(Backend be, Mlp s, Mlp previous, int old, int rows, List<Segment> segments,
            Tensor labels, float temperature, Tensor targets, Tensor grad) {
        int outputs = s.outputs();
        Tensor t = new Tensor(targets.block(), targets.offset(), rows, outputs, outputs);
        Tensor d = new Tensor(grad.block(), grad.offset(), rows, outputs, outputs);
        for (Segment g : segments) {
            be.oneHot(t.rows(g.from(), g.to()).cols(g.lo(), g.hi()), labels.rows(g.from(), g.to()), g.lo());
        }
        if (previous != null && old > 0) {
            be.copy(previous.input(rows), s.input(rows));
            previous.forward(rows);
            Tensor distilled = t.cols(0, old);
            be.axpby(distilled, previous.logits(rows).cols(0, old), 1f / temperature, 0f);
            be.sigmoid(distilled, distilled);
        }
        Tensor logits = s.logits(rows);
        Tensor dlogits = s.logitsGrad(rows);
        double loss = 0;
        for (Segment g : segments) {
            loss += bce(be, dlogits.rows(g.from(), g.to()).cols(g.lo(), g.hi()), d.rows(g.from(), g.to()).cols(g.lo(),
                    g.hi()), logits.rows(g.from(), g.to()).cols(g.lo(), g.hi()), t.rows(g.from(), g.to()).cols(g.lo(),
                    g.hi()), 1f / rows);
        }
        return loss;
    }

    /**
     * {@code weight * sum BCE(logits, targets)}, its gradient added to {@code dlogits} through the scratch
     * {@code grad} (losses write their gradient; hooks add theirs).
     */
    static double bce(Backend be, Tensor dlogits, Tensor grad, Tensor logits, Tensor targets, float weight) {
        double loss = be.bceWithLogits(grad, logits, targets, weight);
        be.axpby(dlogits, grad, 1f, 1f);
        return loss;
    }

    @Override
    public void afterTask(Task task) {
        exemplars.afterTask(task, solver, batch);
        previous.copyParametersFrom(solver);
        tasksSeen++;
        computeMeans();
    }

    /** Class means of the exemplars' features with the solver as it is now (van de Ven: after every task). */
    private void computeMeans() {
        Herding h = exemplars.herding();
        int classes = nme.classes();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int slot : buffer.usedSlots()) {
            byClass.get(buffer.targetOf(slot)).add(slot);
        }
        for (int c = 0; c < classes; c++) {
            List<Integer> slots = byClass.get(c);
            if (!slots.isEmpty()) {
                int[] idx = slots.stream().mapToInt(Integer::intValue).toArray();
                h.extract(solver, batch, buffer::gatherRows, idx, idx.length);
                h.mean(nme.mean(c), idx.length);
            }
            nme.sealMean(c, !slots.isEmpty());
        }
    }

    /** Nearest mean of exemplars over the task's classes (the solver's head before any exemplars exist). */
    @Override
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    public double accuracy(Task task, dev.rehearsal.scenario.Held on, dev.rehearsal.metrics.ConfusionMatrix confusion) {
        if (tasksSeen == 0) {
            return super.accuracy(task, on, confusion);
        }
        Backend be = ctx.backend();
        Scenario sc = ctx.scenario();
        Ledger ledger = ctx.ledger();
        int[] range = sc.classRange(task, solver.outputs());
        int last = solver.spec().hidden().length;
        long correct = 0;
        try (var t = ledger.time(Phase.EVALUATION)) {
            for (int from = 0; from < on.size(task); from += chunk) {
                int n = Math.min(chunk, on.size(task) - from);
                batch.setIndices(0, n, on.indices(task), from);
                batch.setTargets(0, n, on.targets(task), from);
                be.gather(solver.input(n), on.images(sc).images(), batch.indices(0, n), sc.permutation(task), 1f / 255f);
                solver.forward(n);
                be.l2NormalizeRows(nme.features(n), solver.hidden(last, n));
                if (confusion == null) {
                    correct += nme.countCorrect(n, batch.targets(0, n), range[0], range[1]);
                } else {
                    nme.classify(n, batch.indices(0, n), range[0], range[1]);
                    correct += Learner.tally(confusion, batch.indices(0, n), on.targets(task), from);
                }
            }
        }
        ledger.addSamples(Phase.EVALUATION, on.size(task));
        return (double) correct / on.size(task);
    }

    /** The buffer as a replay source that remembers the segments of its last draw (for the BCE per segment). */
    private static final class Recorder implements ReplaySource {
        private final ReplayBuffer buffer;
        private List<Segment> segments = List.of();

        Recorder(ReplayBuffer buffer) {
            this.buffer = buffer;
        }

        @Override
        public boolean isEmpty() {
            return buffer.isEmpty();
        }

        @Override
        public List<Segment> draw(Tensor input, Batch batch, int from, int n, int outputs, Rng rng, Ledger ledger) {
            segments = buffer.draw(input, batch, from, n, outputs, rng, ledger);
            return segments;
        }

        @Override
        public long bytes() {
            return buffer.bytes();
        }

        @Override
        public void close() {
        }
    }

    /** Exemplars as stored (their labels follow from their slots), the frozen previous solver's parameters, the class means and biases. */
    @Override
    public long replayMemoryBytes() {
        if (tasksSeen == 0) {
            return 0;
        }
        return buffer.storedBytes() + previous.parameterBlock().numel() * 4
                + (nme.means().numel() + nme.bias().numel()) * 4;
    }

    @Override
    public Samples replaySamples(int n, Rng rng) {
        return Exemplars.samplesOf(buffer, n, rng);
    }

    @Override
    public StoredSamples storedSamples() {
        return new StoredSamples(buffer.capacity(), buffer.storage());
    }
}
