package dev.rehearsal.replay;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Deep generative replay (Shin et al. 2017): samples drawn from a frozen copy of the generator as it was
 * after the previous task, labelled by a frozen copy of the previous classifier, with hard labels (argmax)
 * or soft targets at temperature T for distillation (van de Ven et al. 2020). In the task setting each
 * replayed sample is attributed to a uniformly drawn previous task and labelled within that task's units.
 *
 * <p>The frozen copies are allocated once, at the end of the first task, and overwritten after each later
 * task, so their memory does not grow with the number of tasks.
 */
public final class GenerativeReplay extends FrozenReplaySource<Vae> {
    /** Hard labels or soft targets. */
    public enum Targets {
        HARD,
        SOFT
    }

    private final Backend backend;
    private final Targets targets;
    private final float temperature;
    private final int[] counts;

    public GenerativeReplay(Backend backend, Scenario scenario, Targets targets, float temperature, int maxDraw) {
        super(scenario, maxDraw);
        this.backend = backend;
        this.targets = targets;
        this.temperature = temperature;
        this.counts = new int[scenario.taskCount()];
    }

    public Targets targets() {
        return targets;
    }

    /** Takes frozen copies of the solver and generator at the end of a task. */
    public void update(Mlp solver, Vae generator) {
        freeze(solver, generator, g -> g.frozenCopy("previous_generator", maxDraw));
    }

    public Tensor drawImages(Tensor input, int from, int n, Rng rng, Ledger ledger) {
        Tensor generated = previousGenerator().generate(n, rng, null, 0);
        ledger.addSamples(Phase.GENERATION, n);
        backend.copy(input.rows(from, from + n).cols(0, generated.cols()), generated);
        return generated;
    }

    @Override
    public List<Segment> draw(Tensor input, Batch batch, int from, int n, int outputs, Rng rng, Ledger ledger) {
        if (isEmpty()) {
            throw new IllegalStateException("no previous task to replay");
        }
        Tensor generated = drawImages(input, from, n, rng, ledger);
        backend.copy(previousSolver().input(n), generated);
        previousSolver().forward(n);
        Tensor logits = previousSolver().logits(n);

        // Which earlier task each row replays: in the task setting, drawn uniformly; otherwise irrelevant.
        java.util.Arrays.fill(counts, 0);
        if (scenario.setting() == Setting.TASK) {
            for (int i = 0; i < n; i++) {
                counts[rng.nextInt(tasksSeen())]++;
            }
        } else {
            counts[0] = n;
        }
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        for (int k = 0; k < counts.length; k++) {
            if (counts[k] == 0) {
                continue;
            }
            int end = start + counts[k];
            segments.add(labelled(backend, batch, scenario.tasks().get(k), logits.rows(start, end), outputs,
                    from + start, from + end, targets, temperature));
            start = end;
        }
        return segments;
    }

    public float temperature() {
        return temperature;
    }

}
