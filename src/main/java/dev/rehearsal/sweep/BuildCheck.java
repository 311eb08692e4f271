package dev.rehearsal.sweep;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.Inputs;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.strategy.ReplayBudget;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a grid's experiments would find only when their strategies are built, found before the sweep runs any of
 * them: every experiment still to run is built (scenario and strategy, {@link Experiment#check}) on the data set
 * when it is on this machine (nothing is fetched), on the jvm backend (the driver's native runtime is left to the
 * experiments, whose thread settings it fixes). A value no experiment of a point can build with (more stored
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
        Map<String, Inputs.Data> data = new LinkedHashMap<>();
        Set<String> seen = new HashSet<>();
        int built = 0;
        try (Backend backend = new JvmBackend(1, dev.rehearsal.backend.Precision.FP32)) {
            for (Grid.Point p : points) {
                ExperimentConfig c = p.config();
                if (recorded.contains(p.id())
                        || c.trainLimit == 0 && !seen.add(Experiment.apartFromSeed(c))) {
                    continue;
                }
                String key = c.dataset + "|" + c.data;
                Inputs.Data d = data.get(key);
                if (d == null) {
                    try {
                        d = Inputs.loadWithoutFetching(c, backend);
                    } catch (RehearsalException e) {
                        if (e.exitCode() != RehearsalException.DATA) {
                            throw e;
                        }
                        return "sweep: not checked before running: what depends on the data (stored samples per "
                                + "class), since " + e.getMessage();
                    }
                    data.put(key, d);
                }
                try {
                    Experiment.check(c, backend, d.train(), d.test());
                } catch (ReplayBudget.TooSmall e) {
                    // recorded as not fitting its budget when it runs
                } catch (RehearsalException e) {
                    throw new RehearsalException(e.exitCode(), "experiment " + p.id() + " "
                            + Json.MAPPER.valueToTree(p.options()) + " cannot run: " + e.getMessage());
                }
                built++;
            }
        } finally {
            data.values().forEach(Inputs.Data::close);
        }
        return "sweep: checked before running: " + built + " experiment" + (built == 1 ? "" : "s")
                + " built on the data (stored samples per class; budgets too small are recorded as not fitting)";
    }

    /**
     * Checks the experiments a sweep of {@code grid} can run, but those {@code dir} (null: none) already holds a
     * record of; returns the line saying what was checked, throws what refuses the grid.
     */
    public static String check(Grid grid, Path dir) {
        return run(grid.everyPoint(), Records.find(dir, grid).keySet());
    }
}
