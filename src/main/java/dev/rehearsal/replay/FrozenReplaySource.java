package dev.rehearsal.replay;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Model;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.function.UnaryOperator;

/**
 * A replay source that generates from frozen copies of the previous task's generator and, when it labels the
 * replay with it, solver: the copies are allocated once, when the first task ends, and overwritten after each
 * later one (so their memory does not grow with the number of tasks). Subclasses draw; this class keeps the
 * copies, their task count, and what preparing, counting and freeing them takes.
 *
 * @param <G> the generator's model type
 */
public abstract class FrozenReplaySource<G extends Model> implements ReplaySource, FrozenCopies {
    /** Rows a draw has at most: the copies' batch size. */
    protected final int maxDraw;
    /** The scenario the copies replay. */
    protected final Scenario scenario;
    private Mlp previousSolver;
    private G previousGenerator;
    private int tasksSeen;

    protected FrozenReplaySource(Scenario scenario, int maxDraw) {
        this.scenario = scenario;
        this.maxDraw = maxDraw;
    }

    /**
     * At the end of a task: copies {@code generator} (with {@code copy} the first time) and {@code solver} (null
     * for a source that does not label with it).
     */
    protected final void freeze(Mlp solver, G generator, UnaryOperator<G> copy) {
        if (previousGenerator == null) {
            if (solver != null) {
                previousSolver = solver.frozenCopy("previous_solver", maxDraw);
            }
            previousGenerator = copy.apply(generator);
        } else {
            previousGenerator.copyParametersFrom(generator);
            if (previousSolver != null) {
                previousSolver.copyParametersFrom(solver);
            }
        }
        tasksSeen++;
    }

    @Override
    public final boolean isEmpty() {
        return tasksSeen == 0;
    }

    @Override
    public final int tasksSeen() {
        return tasksSeen;
    }

    @Override
    public final void restoreTasksSeen(int n) {
        if (previousGenerator == null || n < 1) {
            throw new IllegalStateException("no frozen copies to restore " + n + " tasks into");
        }
        tasksSeen = n;
    }

    @Override
    public final Mlp previousSolver() {
        return previousSolver;
    }

    @Override
    public final G previousGenerator() {
        return previousGenerator;
    }

    @Override
    public final void prepare(int n) {
        if (!isEmpty()) {
            previousGenerator.prepare(n);
            if (previousSolver != null) {
                previousSolver.prepare(n);
            }
        }
    }

    /** What the frozen copies keep for replay ({@link Model#keptBytes}): 0 before the first task ends. */
    public final long keptBytes() {
        if (isEmpty()) {
            return 0;
        }
        return previousGenerator.keptBytes() + (previousSolver == null ? 0 : previousSolver.keptBytes());
    }

    @Override
    public final long bytes() {
        return (previousGenerator == null ? 0 : previousGenerator.bytes())
                + (previousSolver == null ? 0 : previousSolver.bytes());
    }

    @Override
    public final void close() {
        if (previousGenerator != null) {
            previousGenerator.close();
        }
        if (previousSolver != null) {
            previousSolver.close();
        }
    }

    /**
     * The units of the classes the frozen solver was trained on, in the class setting: those of the tasks seen so
     * far. With a growing head that is the copy's unit count; with a fixed head the copy also has units for
     * classes it has not met (trained only to be unlikely), which its soft targets and argmax must not include:
     * GMvandeVen/continual-learning, {@code train/train_task_based.py}, keeps the previous model's scores for
     * {@code classes_per_context * (context - 1)} classes before labelling or distilling, whatever the active
     * classes.
     */
    protected final int taughtClasses() {
        return ConditionalReplay.classesSeen(scenario, tasksSeen);
    }

    /**
     * Labels the batch's replayed rows [from, to), which replay {@code task}, with the frozen solver's
     * {@code teacherLogits} for them: its argmax (hard) or its softmax at T (soft), in the class setting over
     * the units of the classes it was trained on ({@link #taughtClasses}), otherwise over the replayed task's
     * units; returns their loss segment over the units the student has now ({@code outputs}), zero soft targets
     * on the units the teacher was not taught.
     */
    protected final Segment labelled(Backend backend, Batch batch, Task task, Tensor teacherLogits, int outputs,
            int from, int to, GenerativeReplay.Targets targets, float temperature) {
        // The teacher knows the classes it was taught; the student is trained over the units it has now.
        int[] teacher = scenario.setting() == Setting.CLASS ? new int[] {0, taughtClasses()}
                : scenario.classRange(task, outputs);
        int[] student = scenario.classRange(task, outputs);
        if (targets == GenerativeReplay.Targets.HARD) {
            backend.argmax(batch.targets(from, to), teacherLogits, teacher[0], teacher[1]);
            return new Segment(from, to, student[0], student[1], 0f, false);
        }
        Tensor soft = batch.softTargets(from, to, student[1] - student[0]);
        backend.fill(soft, 0f);
        backend.softmax(soft.cols(teacher[0] - student[0], teacher[1] - student[0]), teacherLogits, teacher[0],
                teacher[1], temperature);
        return new Segment(from, to, student[0], student[1], 0f, true);
    }
}
