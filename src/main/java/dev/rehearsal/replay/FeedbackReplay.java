package dev.rehearsal.replay;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.FeedbackVae;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Brain-inspired replay's source (van de Ven, Siegelmann and Tolias 2020; GMvandeVen/continual-learning,
 * {@code train_task_based.py} and {@code CondVAE.sample}): frozen copies of the classifier and of its feedback
 * VAE as they were after the previous task. Each replayed row picks what to generate, conditionally:
 * <ul>
 *   <li>class setting: a class uniformly among those seen, its prior mode, and that class's decoder gates;</li>
 *   <li>task setting: a previous task uniformly, then one of its classes (no gates by default);</li>
 *   <li>domain setting: a previous task uniformly for the gates (context gates) and one of the shared labels'
 *   modes.</li>
 * </ul>
 * The previous classifier labels the generated images with soft targets at temperature T (hard: its argmax).
 * For the current network's replayed rows it writes the mode weights of the mixture KL and the gates' context
 * weights: the soft target itself (class gates), or the drawn task (context gates), as the reference does. The
 * reference's distillation has no T^2 factor: {@link #lossScale} removes the one the training loop applies.
 */
public final class FeedbackReplay extends FrozenReplaySource<FeedbackVae> {
    private final Backend backend;
    private final GenerativeReplay.Targets targets;
    private final float temperature;
    private final int[] hidden;
    private final FeedbackVae current;
    private final int[] counts;
    private final int[] modeOf;
    private final int[] contextOf;
    private final float[] contextStaging;

    /**
     * @param current the network being trained: its replayed rows' mode and context weights are written here
     * @param hidden  the classifier's hidden widths (for the frozen copy's decoder)
     */
    public FeedbackReplay(Backend backend, Scenario scenario, GenerativeReplay.Targets targets, float temperature,
            int maxDraw, FeedbackVae current, int[] hidden) {
        super(scenario, maxDraw);
        this.backend = backend;
        this.targets = targets;
        this.temperature = temperature;
        this.current = current;
        this.hidden = hidden.clone();
        this.counts = new int[scenario.taskCount()];
        this.modeOf = new int[maxDraw];
        this.contextOf = new int[maxDraw];
        this.contextStaging = new float[maxDraw * Math.max(1, current.gates())];
    }

    /** Whether gates are chosen by the task (domain setting) rather than by the class. */
    public static boolean gatesByTask(Scenario scenario) {
        return scenario.setting() == Setting.DOMAIN;
    }

    /** Takes frozen copies of both halves of the network at the end of a task. */
    public void update(Mlp solver, FeedbackVae vae) {
        freeze(solver, vae, v -> v.frozenCopy("previous_generator", maxDraw, hidden));
    }

    @Override
    public float lossScale() {
        return targets == GenerativeReplay.Targets.SOFT ? 1f / (temperature * temperature) : 1f;
    }

    /**
     * Rows of each earlier task: in the task and domain settings a uniform draw per row (grouped, so that each
     * task's rows are one segment), otherwise all rows in one group.
     */
    private void drawTasks(int n, Rng rng) {
        Arrays.fill(counts, 0);
        if (scenario.setting() == Setting.CLASS) {
            counts[0] = n;
            return;
        }
        for (int i = 0; i < n; i++) {
            counts[rng.nextInt(tasksSeen())]++;
        }
    }

    @Override
    public List<Segment> draw(Tensor input, Batch batch, int from, int n, int outputs, Rng rng, Ledger ledger) {
        if (isEmpty()) {
            throw new IllegalStateException("no previous task to replay");
        }
        // The classes of the tasks seen so far (with a fixed head the solver has units for unseen ones too).
        int seenClasses = taughtClasses();
        drawTasks(n, rng);
        int row = 0;
        for (int k = 0; k < counts.length; k++) {
            Task task = scenario.tasks().get(k);
            for (int i = 0; i < counts[k]; i++, row++) {
                switch (scenario.setting()) {
                    case CLASS -> {
                        modeOf[row] = rng.nextInt(seenClasses);
                        contextOf[row] = modeOf[row];
                    }
                    case TASK -> {
                        modeOf[row] = task.lo() + rng.nextInt(task.hi() - task.lo());
                        contextOf[row] = modeOf[row];
                    }
                    case DOMAIN -> {
                        modeOf[row] = rng.nextInt(current.modes());
                        contextOf[row] = k;
                    }
                }
            }
        }
        Tensor generated = previousGenerator().generate(n, rng, modeOf, contextOf);
        ledger.addSamples(Phase.GENERATION, n);
        backend.copy(input.rows(from, from + n).cols(0, generated.cols()), generated);
        backend.copy(previousSolver().input(n), generated);
        previousSolver().forward(n);
        Tensor logits = previousSolver().logits(n);

        int rows = from + n;
        Tensor modes = current.modeWeights(rows).rows(from, rows);
        backend.fill(modes, 0f);
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] == 0) {
                continue;
            }
            int end = start + counts[k];
            Segment g = labelled(backend, batch, scenario.tasks().get(k), logits.rows(start, end), outputs,
                    from + start, from + end, targets, temperature);
            Tensor rowModes = modes.rows(start, end);
            if (g.soft()) {
                backend.copy(rowModes.cols(g.lo(), g.hi()), batch.softTargets(g.from(), g.to(), g.hi() - g.lo()));
            } else {
                backend.oneHot(rowModes, batch.targets(g.from(), g.to()), 0);
            }
            segments.add(g);
            start = end;
        }
        if (current.gates() > 0) {
            Tensor contexts = current.contextWeights(rows).rows(from, rows);
            if (gatesByTask(scenario)) {
                Arrays.fill(contextStaging, 0, n * current.gates(), 0f);
                for (int r = 0; r < n; r++) {
                    contextStaging[r * current.gates() + contextOf[r]] = 1f;
                }
                contexts.copyFrom(contextStaging, 0);
            } else {
                backend.copy(contexts, modes);
            }
        }
        return segments;
    }

    public float temperature() {
        return temperature;
    }

}
