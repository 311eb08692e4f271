package dev.rehearsal.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * The training loss of a run as the training loop computed it, per model ({@link Model#SOLVER},
 * {@link Model#GENERATOR}) and per task: the mean over consecutive windows of {@link #window()} steps (the
 * last window of a task may be shorter). One window length serves the whole run, so curves of different
 * tasks and models share a time axis; it is set ({@link #setWindow}) once the run knows how long its tasks
 * train, before the first step. {@link #begin} opens a task's curve, {@link #step} adds one step's loss,
 * {@link #end} closes the curve (the partial window becomes its last point).
 */
public final class LossCurves {
    /** The models whose losses are recorded. */
    public enum Model {
        SOLVER,
        GENERATOR
    }

    /** Points per task a window aims at: the longest task of the run gets at most this many. */
    public static final int POINTS_PER_TASK = 100;

    private int window;
    private final List<List<double[]>> curves = List.of(new ArrayList<>(), new ArrayList<>());
    private final int tasks;
    private Model open;
    private int openTask;
    private final List<Double> points = new ArrayList<>();
    private double sum;
    private int count;

    /** Curves of {@code tasks} tasks, averaged over windows of {@code window} steps. */
    public LossCurves(int tasks, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("a loss window has at least one step, got " + window);
        }
        this.tasks = tasks;
        this.window = window;
        for (List<double[]> c : curves) {
            for (int t = 0; t < tasks; t++) {
                c.add(null);
            }
        }
    }

    /** The window for a run whose longest task trains for {@code longestTaskSteps} steps (of any model). */
    public static int windowFor(long longestTaskSteps) {
        return (int) Math.max(1, (longestTaskSteps + POINTS_PER_TASK - 1) / POINTS_PER_TASK);
    }

    public int window() {
        return window;
    }

    /** Sets the window length; only before any curve was recorded. */
    public void setWindow(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("a loss window has at least one step, got " + steps);
        }
        if (open != null || curves.stream().anyMatch(c -> c.stream().anyMatch(x -> x != null))) {
            throw new IllegalStateException("the loss window is set before the first curve is recorded");
        }
        this.window = steps;
    }

    public int tasks() {
        return tasks;
    }

    /** Starts recording {@code model}'s loss on task {@code taskIndex} (0-based); a second call appends to it. */
    public void begin(Model model, int taskIndex) {
        if (open != null) {
            throw new IllegalStateException("the " + open + " curve of task " + (openTask + 1) + " is still open");
        }
        open = model;
        openTask = taskIndex;
        points.clear();
        double[] before = curves.get(model.ordinal()).get(taskIndex);
        if (before != null) {
            for (double v : before) {
                points.add(v);
            }
        }
        sum = 0;
        count = 0;
    }

    /** One training step's loss. */
    public void step(double loss) {
        sum += loss;
        if (++count == window) {
            flush();
        }
    }

    /** Closes the open curve. */
    public void end() {
        if (count > 0) {
            flush();
        }
        curves.get(open.ordinal()).set(openTask, points.stream().mapToDouble(Double::doubleValue).toArray());
        open = null;
    }

    private void flush() {
        points.add(sum / count);
        sum = 0;
        count = 0;
    }

    /**
     * The curves of the first {@code tasksDone} tasks of {@code model}: one array of window means per task
     * (empty when the model did not train on a task). The generator's is null when no generator trained on
     * any of them (strategies without one, and BI-R, whose generator learns inside the solver's steps).
     */
    public List<double[]> curves(Model model, int tasksDone) {
        List<double[]> c = curves.get(model.ordinal()).subList(0, tasksDone);
        if (model == Model.GENERATOR && c.stream().allMatch(x -> x == null)) {
            return null;
        }
        return c.stream().map(x -> x == null ? new double[0] : x.clone()).toList();
    }

    /** What a run recorded after {@code tasksDone} tasks: the window and each model's curves (null: none). */
    public record Recorded(int window, List<double[]> solver, List<double[]> generator) {
    }

    public Recorded recorded(int tasksDone) {
        return new Recorded(window, curves(Model.SOLVER, tasksDone), curves(Model.GENERATOR, tasksDone));
    }

    /** Restores recorded curves (a resumed run's finished tasks); {@code curves} null for a model without any. */
    public void restore(Model model, List<double[]> recorded) {
        if (recorded == null) {
            return;
        }
        for (int t = 0; t < recorded.size(); t++) {
            curves.get(model.ordinal()).set(t, recorded.get(t).clone());
        }
    }
}
