package dev.rehearsal.strategy;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.Option;
import dev.rehearsal.replay.ReplayBuffer;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.replay.Segment;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.List;

/**
 * Averaged gradient episodic memory (A-GEM, Chaudhry et al. 2019), as van de Ven, Tuytelaars and Tolias
 * (2022) run it: an episodic memory ({@code per-class} samples of every class, chosen by {@code --selection})
 * is not trained on, but constrains each step. After the current batch's backward pass, the reference
 * gradient {@code g_ref} of the cross-entropy on a batch drawn from the memory is computed, and if the
 * current gradient {@code g} points against it ({@code g . g_ref < 0}) it is projected:
 * {@code g <- g - (g . g_ref) / (g_ref . g_ref + eps) g_ref}, so that the step does not increase the
 * memory's loss to first order. The current gradient waits in a scratch block of the solver's gradient size.
 *
 * <pre>
 * saved_grads [1, P]   the current gradient while the gradient block holds g_ref
 * </pre>
 */
public final class AGem extends Strategy {
    /** Memory rows per step; van de Ven et al. 2022 draw min(batch, memory size) (train/train_task_based.py). */
    static final Option MEMORY_BATCH = Option.integer("agem-batch", 0, 0, 65536, "A-GEM: memory samples per step "
            + "for the reference gradient; 0: as many as --batch, as van de Ven et al. 2022 draw (128 on Split-MNIST)");
    /** van de Ven et al. 2022, {@code --eps-agem} (params/options.py). */
    static final Option EPS = Option.number("agem-eps", 1e-7, 0, false, 1, "A-GEM: added to g_ref . g_ref in the "
            + "projection, for numerical stability (van de Ven et al. 2022, --eps-agem)");

    public static final StrategyType TYPE = new StrategyType("agem",
            "A-GEM: project the gradient so it does not increase the loss on an episodic memory (--per-class, "
                    + "--selection, --agem-batch).", List.of(MEMORY_BATCH, EPS, ReplayBudget.BYTES, ReplayBudget.STORAGE), AGem::new)
            .reading("per-class", "selection");

    private final ReplayBuffer buffer;
    private final Exemplars exemplars;
    private final ReplayScheduler none = ReplayScheduler.none();
    private final int memoryBatch;
    private final float eps;
    private final Tensor saved;
    private int rows;
    private long steps;
    private long projections;

    public AGem(Context ctx) {
        super(ctx, Math.max(0, memoryBatch(ctx) - ctx.config().batch), memoryRows(ctx));
        this.memoryBatch = memoryBatch(ctx);
        this.eps = (float) ctx.config().number(EPS);
        try {
            Exemplars.checkClassSizes(ctx, Exemplars.perClass(ctx));
            this.buffer = new ReplayBuffer(ctx.backend(), ctx.scenario(), Exemplars.perClass(ctx),
                    ctx.selection(), ReplayBudget.storage(ctx), memoryBatch);
            register(Exemplars.bufferComponent("episodic memory", buffer));
            Arena a = ctx.backend().newArena("agem");
            register(Component.of("gradient_scratch", () -> Component.items("gradient scratch", a.blocks()), a));
            this.saved = Tensor.of(a.allocate("saved_grads", DType.F32, solver.gradientBlock().numel()), 1,
                    Math.toIntExact(solver.gradientBlock().numel()));
            this.exemplars = new Exemplars(ctx, buffer, false);
            Component herding = exemplars.herdingComponent();
            if (herding != null) {
                register(herding);
            }
        } catch (RuntimeException | Error err) {
            close();
            throw err;
        }
    }

    /** The memory batch of each task: as many rows as asked, at most what the earlier tasks stored. */
    private static int[] memoryRows(Context ctx) {
        long[] stored = Exemplars.storedBefore(ctx, Exemplars.perClass(ctx));
        int[] rows = new int[stored.length];
        for (int t = 0; t < rows.length; t++) {
            rows[t] = (int) Math.max(1, Math.min(memoryBatch(ctx), stored[t]));
        }
        return rows;
    }

    private static int memoryBatch(Context ctx) {
        int m = ctx.config().integer(MEMORY_BATCH);
        return m == 0 ? ctx.config().batch : m;
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    public ReplayBuffer buffer() {
        return buffer;
    }

    /** Steps that drew a reference gradient so far (in this process). */
    public long constrainedSteps() {
        return steps;
    }

    /** Steps whose gradient was projected so far (in this process). */
    public long projections() {
        return projections;
    }

    @Override
    public void train(Task task) {
        // The memory batch of every step of this task: as many rows as asked, at most the memory's size.
        rows = buffer.isEmpty() ? 0 : Math.min(memoryBatch, buffer.size());
        if (rows > 0) {
            solver.prepare(rows);
        }
        learner.trainSolver(solver, List.of(task), task.index() + 1, none, exemplars.observer(task));
    }

    @Override
    public void afterTask(Task task) {
        exemplars.afterTask(task, solver, batch);
        rows = 0;
    }

    /**
     * The reference gradient of a memory batch, then the projection. The batch's rows and the solver's
     * activations are free again here (the current batch's backward pass is done).
     */
    @Override
    public void beforeOptimizerStep(dev.rehearsal.nn.Mlp s, int taskNumber) {
        if (rows == 0) {
            return;
        }
        Backend be = ctx.backend();
        Tensor grads = s.gradientBlock();
        be.copy(saved, grads);
        s.zeroGrad();
        List<Segment> segments = buffer.draw(s.input(rows), batch, 0, rows, s.outputs(), ctx.rng(), ctx.ledger());
        s.forward(rows);
        Tensor logits = s.logits(rows);
        Tensor dlogits = s.logitsGrad(rows);
        for (Segment g : segments) {
            be.crossEntropy(dlogits.rows(g.from(), g.to()), logits.rows(g.from(), g.to()),
                    batch.targets(g.from(), g.to()), g.lo(), g.hi(), 1f / rows);
        }
        s.backward(rows);
        if (project(be, saved, grads, eps)) {
            projections++;
        }
        steps++;
        be.copy(grads, saved);
    }

    /**
     * A-GEM's projection of {@code g} (in place) against {@code ref}: if {@code g . ref < 0},
     * {@code g <- g - (g . ref) / (ref . ref + eps) ref}; returns whether it projected.
     */
    public static boolean project(Backend be, Tensor g, Tensor ref, float eps) {
        double dot = be.dot(g, ref);
        if (!(dot < 0)) {
            return false;
        }
        double length = be.dot(ref, ref);
        be.axpby(g, ref, (float) (-dot / (length + eps)), 1f);
        return true;
    }

    /** The stored samples as stored (their labels follow from their slots). */
    @Override
    public long replayMemoryBytes() {
        return buffer.storedBytes();
    }

    @Override
    public Samples replaySamples(int n, dev.rehearsal.random.Rng rng) {
        return Exemplars.samplesOf(buffer, n, rng);
    }

    @Override
    public StoredSamples storedSamples() {
        return new StoredSamples(buffer.capacity(), buffer.storage());
    }
}
