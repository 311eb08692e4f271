package dev.rehearsal.replay;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Class-conditional generative replay (van de Ven et al. 2020, "conditional replay"): every replayed row gets a
 * label drawn uniformly over the classes seen so far, and a frozen copy of a conditional VAE, as it was after
 * the previous task, generates the image from that label. The classes seen so far are the units
 * [0, hi of the last task seen) in every setting (tasks' units are consecutive from 0; in the domain setting
 * every task has all of them). In the task setting a row first draws a previous task uniformly, then a class
 * uniformly within that task's units, and rows are grouped by task, one segment each, as {@link GenerativeReplay}
 * groups them.
 *
 * <p>With {@link GenerativeReplay.Targets#HARD} the condition is the target: the generator was asked for that
 * class, so no classifier has to name it, and no frozen solver is kept. With
 * {@link GenerativeReplay.Targets#SOFT} a frozen copy of the previous solver gives soft targets at temperature T
 * (distillation) over the units it had, as {@link GenerativeReplay} does.
 *
 * <p>The labels are written into the batch's integer targets of the replayed rows in both modes: the
 * generator's own training reads them back as the condition of its replayed rows. The frozen copies are
 * allocated once, at the end of the first task, and overwritten after each later one.
 */
public final class ConditionalReplay extends FrozenReplaySource<Vae> {
    private final Backend backend;
    private final GenerativeReplay.Targets targets;
    private final float temperature;
    /** Rows drawn per task, and where each task's rows start, for grouping a draw by task. */
    private final int[] counts;
    private final int[] starts;
    /** A draw's tasks and labels in the order drawn, then its labels grouped by task (maxDraw each). */
    private final int[] drawnTasks;
    private final int[] drawnLabels;
    private final int[] labels;

    public ConditionalReplay(Backend backend, Scenario scenario, GenerativeReplay.Targets targets, float temperature,
            int maxDraw) {
        super(scenario, maxDraw);
        this.backend = backend;
        this.targets = targets;
        this.temperature = temperature;
        this.counts = new int[scenario.taskCount()];
        this.starts = new int[scenario.taskCount()];
        this.drawnTasks = new int[maxDraw];
        this.drawnLabels = new int[maxDraw];
        this.labels = new int[maxDraw];
    }

    public GenerativeReplay.Targets targets() {
        return targets;
    }

    /** The units of the classes of the first {@code tasks} tasks: [0, this). */
    public static int classesSeen(Scenario scenario, int tasks) {
        return scenario.tasks().get(tasks - 1).hi();
    }

    /**
     * Takes a frozen copy of the generator at the end of a task, and of the solver with soft targets (hard
     * targets need none: the condition is the label).
     */
    public void update(Mlp solver, Vae generator) {
        freeze(targets == GenerativeReplay.Targets.SOFT ? solver : null, generator,
                g -> g.frozenCopy("previous_generator", maxDraw));
    }

    /**
     * Draws {@code n} labels into {@link #labels}, grouped by task in the task setting, and the rows per task
     * into {@link #counts} (all in the first entry otherwise).
     */
    private void drawLabels(int n, Rng rng) {
        Arrays.fill(counts, 0);
        if (scenario.setting() != Setting.TASK) {
            int classes = taughtClasses();
            for (int i = 0; i < n; i++) {
                labels[i] = rng.nextInt(classes);
            }
            counts[0] = n;
            return;
        }
        for (int i = 0; i < n; i++) {
            int k = rng.nextInt(tasksSeen());
            Task task = scenario.tasks().get(k);
            drawnTasks[i] = k;
            drawnLabels[i] = task.lo() + rng.nextInt(task.hi() - task.lo());
            counts[k]++;
        }
        int at = 0;
        for (int k = 0; k < counts.length; k++) {
            starts[k] = at;
            at += counts[k];
        }
        for (int i = 0; i < n; i++) {
            labels[starts[drawnTasks[i]]++] = drawnLabels[i];
        }
    }

    /**
     * Draws {@code n} labels, writes them as the batch's targets of rows [from, from + n) and the images the
     * frozen generator generates from them into the same rows of {@code input}; returns the images as the
     * frozen generator holds them.
     */
    public Tensor drawImages(Tensor input, Batch batch, int from, int n, Rng rng, Ledger ledger) {
        if (isEmpty()) {
            throw new IllegalStateException("no previous task to replay");
        }
        if (n > maxDraw) {
            throw new IllegalArgumentException("drawing " + n + " rows, at most " + maxDraw);
        }
        drawLabels(n, rng);
        batch.setTargets(from, from + n, labels, 0);
        Tensor generated = previousGenerator().generate(n, rng, labels, 0);
        ledger.addSamples(Phase.GENERATION, n);
        backend.copy(input.rows(from, from + n).cols(0, generated.cols()), generated);
        return generated;
    }

    @Override
    public List<Segment> draw(Tensor input, Batch batch, int from, int n, int outputs, Rng rng, Ledger ledger) {
        Tensor generated = drawImages(input, batch, from, n, rng, ledger);
        Tensor logits = null;
        if (targets == GenerativeReplay.Targets.SOFT) {
            backend.copy(previousSolver().input(n), generated);
            previousSolver().forward(n);
            logits = previousSolver().logits(n);
        }
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] == 0) {
                continue;
            }
            int end = start + counts[k];
            Task task = scenario.tasks().get(k);
            if (targets == GenerativeReplay.Targets.HARD) {
                // The drawn labels, already in the batch's targets, are the targets.
                int[] student = scenario.classRange(task, outputs);
                segments.add(new Segment(from + start, from + end, student[0], student[1], 0f, false));
            } else {
                segments.add(labelled(backend, batch, task, logits.rows(start, end), outputs, from + start,
                        from + end, targets, temperature));
            }
            start = end;
        }
        return segments;
    }

}
