package dev.rehearsal.strategy;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Learning without Forgetting (Li and Hoiem 2017), as van de Ven, Tuytelaars and Tolias (2022) run it: a
 * frozen copy of the solver taken at the end of each task (the teacher) labels the current task's own inputs
 * with soft targets at temperature T (the {@code temperature} option, 2 as published), and the solver is
 * distilled towards them on those same rows, through {@link #logitLoss}. No sample is stored.
 *
 * <p>Loss on the t-th task, each term a mean over the B current rows (GMvandeVen/continual-learning,
 * {@code models/classifier.py} with {@code lwf_weighting}: current and distillation terms are summed, not
 * weighted 1/t and 1 - 1/t as replay is; {@code loss_fn_kd} is called without its T^2 factor):
 * <ul>
 *   <li>class-incremental: {@code CE(current) + KD}, one KD over the solver's active outputs ([0, C_t) with a
 *       growing head, every unit with a fixed one) against the teacher's softmax over the earlier tasks'
 *       classes [0, C_{t-1}), zero-padded on the rest;</li>
 *   <li>task-incremental: {@code CE(current) + sum_k KD_k} over every previous task k, each within that
 *       task's own head units;</li>
 *   <li>domain-incremental: {@code CE(current) + (t - 1) KD} over all outputs.</li>
 * </ul>
 * The backend's {@code softCrossEntropy} is Hinton's {@code T^2 KD}; the weights passed divide by
 * {@code T^2} so that the term is van de Ven's {@code KD}.
 *
 * <p>Memory: the teacher (parameters and forward activations for B rows, allocated once after the first
 * task and overwritten after each later one) and {@code lwf.soft_targets F32 [B, C]} and
 * {@code lwf.dlogits F32 [B, C]} (the teacher's probabilities and one KD term's gradient before it is added
 * to the solver's). Compute per step: the teacher's forward pass on the B current rows, in the
 * solver-training phase.
 */
public final class LearningWithoutForgetting extends Strategy {
    public static final StrategyType TYPE = new StrategyType("lwf",
            "Learning without Forgetting: distillation from the previous solver on current inputs (--temperature).",
            List.of(), LearningWithoutForgetting::new)
            .reading("temperature");

    private final int maxRows;
    private final Arena arena;
    /** The teacher's softmax at T, zero-padded to the student's units: {@code F32 [B, C]}. */
    private final Tensor softTargets;
    /** One distillation term's gradient, added to the solver's dlogits: {@code F32 [B, C]}. */
    private final Tensor dlogits;
    private Mlp teacher;

    public LearningWithoutForgetting(Context ctx) {
        super(ctx, 0);
        this.maxRows = ctx.config().batch;
        int c = ctx.scenario().outputCapacity();
        this.arena = ctx.backend().newArena("lwf");
        register(Component.of("distillation", () -> Component.items("distillation buffers", arena.blocks()), arena));
        register(new Teacher());
        try {
            this.softTargets = Tensor.of(arena.allocate("soft_targets", DType.F32, (long) maxRows * c), maxRows, c);
            this.dlogits = Tensor.of(arena.allocate("dlogits", DType.F32, (long) maxRows * c), maxRows, c);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /**
     * The frozen teacher ("previous_solver"): nothing before the first task ends; in checkpoints once it
     * exists, and allocated again on restore as the first {@link #afterTask} would.
     */
    private final class Teacher extends Component.Named {
        Teacher() {
            super("previous_solver");
        }

        @Override
        public List<MemoryItem> items() {
            return teacher == null ? List.of() : Component.items("frozen teacher", teacher);
        }

        @Override
        public void save(State state) {
            if (teacher != null) {
                State.saveModel(state, "lwf_teacher", teacher);
                state.values().put("lwf_teacher.outputs", teacher.outputs());
            }
        }

        @Override
        public void restore(Map<String, dev.rehearsal.checkpoint.Safetensors.Loaded> tensors,
                com.fasterxml.jackson.databind.JsonNode values) {
            if (values.has("lwf_teacher.outputs")) {
                Mlp m = new Mlp(ctx.backend(), "lwf_teacher", solver.spec(), maxRows, null, null);
                m.restoreOutputs(values.path("lwf_teacher.outputs").asInt());
                State.restoreModel(tensors, values, "lwf_teacher", m);
                teacher = m;
            }
        }

        @Override
        public void close() {
            if (teacher != null) {
                teacher.close();
            }
        }
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    /** The frozen previous solver, null before the first task ends. */
    public Mlp teacher() {
        return teacher;
    }

    @Override
    public void train(Task task) {
        if (teacher != null) {
            // The teacher runs on every step's current rows: create its primitives now, not inside a step.
            teacher.prepare(Math.min(ctx.config().batch, task.trainSize()));
        }
        learner.trainSolver(solver, List.of(task), task.index() + 1, ReplayScheduler.none(), null);
    }

    @Override
    public double logitLoss(Mlp student, int rows, int current, int taskNumber) {
        if (teacher == null) {
            return 0;
        }
        Backend be = ctx.backend();
        be.copy(teacher.input(current), student.input(current));
        teacher.forward(current);
        Scenario sc = ctx.scenario();
        float t = (float) ctx.config().temperature;
        float perRow = 1f / (current * t * t);
        Task now = sc.tasks().get(taskNumber - 1);
        double loss = 0;
        if (sc.setting() == Setting.TASK) {
            for (Task k : sc.tasks().subList(0, taskNumber - 1)) {
                loss += distill(student, current, k.lo(), k.hi(), k.lo(), k.hi(), perRow);
            }
        } else {
            int[] range = sc.classRange(now, student.outputs());
            // In the class setting the teacher is distilled over the classes it was taught (those of the earlier
            // tasks), not over every unit it has: with a fixed head it also has units for classes it has not met.
            int[] taught = sc.setting() == Setting.CLASS ? new int[] {0, now.lo()} : range;
            float weight = sc.setting() == Setting.DOMAIN ? (taskNumber - 1) * perRow : perRow;
            loss += distill(student, current, range[0], range[1], taught[0], taught[1], weight);
        }
        return loss;
    }

    /**
     * One KD term on the first {@code n} rows: the student's units [lo, hi) against the teacher's softmax at T
     * over its units [tlo, thi) (inside [lo, hi); zero targets on the rest); adds its gradient to dlogits.
     */
    private double distill(Mlp student, int n, int lo, int hi, int tlo, int thi, float weightPerRow) {
        Backend be = ctx.backend();
        float t = (float) ctx.config().temperature;
        Tensor q = softTargets.rows(0, n).cols(0, hi - lo);
        if (thi - tlo < hi - lo) {
            be.fill(q, 0f);
        }
        be.softmax(q.cols(tlo - lo, thi - lo), teacher.logits(n), tlo, thi, t);
        Tensor g = dlogits.rows(0, n).cols(0, student.outputs());
        double loss = be.softCrossEntropy(g, student.logits(n), q, lo, hi, t, weightPerRow);
        be.axpby(student.logitsGrad(n), g, 1f, 1f);
        return loss;
    }

    /** Takes (or refreshes) the frozen copy of the solver that teaches the next task. */
    @Override
    public void afterTask(Task task) {
        if (teacher == null) {
            teacher = solver.frozenCopy("lwf_teacher", maxRows);
        } else {
            teacher.copyParametersFrom(solver);
        }
    }

    /** The teacher's parameters: what LwF keeps of earlier tasks (no samples). */
    @Override
    public long replayMemoryBytes() {
        return teacher == null ? 0 : teacher.parameterBlock().numel() * DType.F32.bytes();
    }
}
