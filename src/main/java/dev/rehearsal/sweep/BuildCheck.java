package dev.rehearsal.sweep;

import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.PreRunCheck;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a grid's experiments would find only when their strategies are built, found before the sweep runs any of
 * them: every experiment still to run is built ({@link PreRunCheck}: scenario and strategy, on the data set when
 * it is on this machine, on the jvm backend). A value no experiment of a point can build with (more stored
 * samples per class than a class has, herding without a hidden layer) refuses the grid, naming the point. A replay
 * budget too small for the strategy is not refused: the sweep records that experiment as not fitting its budget,
 * as a budget grid expects.
 *
 * <p>Without a training subset ({@code train-limit}) what a strategy is built from does not depend on the seed (a
 * class's samples, the budget, the shapes), so one seed of each point stands for its others; with one, each
 * seed draws its own subset and every experiment is built.
 */
public final class BuildCheck {
    private BuildCheck() {
    }

    /** Checks {@code points} but those in {@code recorded}; returns the line saying what was checked. */
    static String run(List<Grid.Point> points, Set<String> recorded) {
        Set<String> seen = new HashSet<>();
        Map<ExperimentConfig, Grid.Point> pointOf = new java.util.IdentityHashMap<>();
        List<ExperimentConfig> configs = new java.util.ArrayList<>();
        for (Grid.Point p : points) {
            ExperimentConfig c = p.config();
            if (recorded.contains(p.id()) || c.trainLimit == 0 && !seen.add(Experiment.apartFromSeed(c))) {
                continue;
            }
            configs.add(c);
            pointOf.put(c, p);
        }
        PreRunCheck.Checked checked = PreRunCheck.onLocalData(configs, c -> "experiment " + pointOf.get(c).id() + " "
                + Json.MAPPER.valueToTree(pointOf.get(c).options()) + " cannot run: ", true);
        return checked.done() ? "sweep: checked before running: " + checked.built() + " experiment"
                + (checked.built() == 1 ? "" : "s") + " built on the data (stored samples per class; budgets too "
                + "small are recorded as not fitting)" : "sweep: not checked before running: what depends on the "
                + "data (stored samples per class), since " + checked.notCheckedBecause();
    }

    /**
     * Checks the experiments a sweep of {@code grid} can run, but those {@code dir} (null: none) already holds a
     * record of; returns the line saying what was checked, throws what refuses the grid.
     */
    public static String check(Grid grid, Path dir) {
        return run(grid.everyPoint(), Records.find(dir, grid).keySet());
    }
}
