package dev.rehearsal.experiment;

import dev.rehearsal.config.BackendType;
import dev.rehearsal.config.Selection;
import dev.rehearsal.scenario.Setting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.AGem;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A-GEM, iCaRL and herding selection end to end on the synthetic Split data of {@link StrategyRunTest}: they
 * beat fine-tuning where the literature says they should, count their compute exactly (by hand from the layer
 * shapes), list their blocks, and resume to the same accuracy matrix.
 */
class ReferenceMethodsTest {
    private static final int STEPS = 4;
    private static final int BATCH = 32;

    static ExperimentConfig config(String strategy, String backend) {
        ExperimentConfig c = StrategyRunTest.config(strategy);
        c.backend = BackendType.of(backend.startsWith("native") ? "native" : "jvm");
        return c;
    }

    static RunResult run(ExperimentConfig c, Backend be, Experiment.Listener listener) {
        c.validate();
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 120, 11);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 30, 12);
                Scenario sc = Experiment.scenario(c, be, train, test)) {
            return Experiment.run(c, be, sc, Progress.NONE, listener);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"native", "jvm"})
    void referenceMethodsBeatFineTuning(String backend) {
        Backend be = Backends.named(backend);
        RunResult naive = run(config("naive", backend), be, null);
        ExperimentConfig herding = config("er", backend);
        herding.selection = Selection.HERDING;
        RunResult er = run(herding, be, null);
        RunResult icarl = run(config("icarl", backend), be, null);
        assertTrue(naive.acc() < 0.35, "class-IL fine-tuning forgets: " + naive.accuracy());
        assertTrue(er.acc() > naive.acc() + 0.3, "er (herding) " + er.acc() + " vs naive " + naive.acc());
        assertTrue(icarl.acc() > naive.acc() + 0.3, "icarl " + icarl.acc() + " vs naive " + naive.acc());
        assertTrue(icarl.ledger().macs(Phase.CONSOLIDATION) > 0, "herding and class means run in consolidation");

        ExperimentConfig taskNaive = config("naive", backend);
        taskNaive.setting = Setting.TASK;
        ExperimentConfig taskAgem = config("agem", backend);
        taskAgem.setting = Setting.TASK;
        RunResult n = run(taskNaive, be, null);
        RunResult a = run(taskAgem, be, null);
        assertTrue(a.acc() > n.acc() + 0.02, "task-IL: agem " + a.acc() + " vs naive " + n.acc() + "\n"
                + a.accuracy() + "\n" + n.accuracy());
    }

    @Test
    void everySettingRuns() {
        for (String strategy : new String[] {"agem", "icarl"}) {
            for (String setting : new String[] {"task", "domain"}) {
                ExperimentConfig c = config(strategy, "native");
                c.setting = Setting.of(setting);
                RunResult r = run(c, Backends.nativ(), null);
                assertTrue(r.accuracy().complete());
                assertTrue(r.accuracy().r()[0][0] > 0.9, strategy + " " + setting + ": " + r.accuracy());
            }
        }
    }

    /** MLP forward per sample with o outputs, seed preset 784-50-50-50-o. */
    private static long forward(int outputs) {
        return 784 * 50 + 50 * 50 + 50 * 50 + 50L * outputs;
    }

    /** MLP training step per row: forward, weight gradients, input gradients of all but the first layer. */
    private static long trainRow(int outputs) {
        return 2 * forward(outputs) + 50 * 50 + 50 * 50 + 50L * outputs;
    }

    private static ExperimentConfig macsConfig(String strategy, String backend) {
        ExperimentConfig c = config(strategy, backend);
        c.iterations = STEPS;
        c.batch = BATCH;
        c.perClass = 5;
        return c;
    }

    /**
     * A-GEM's step: the current batch's forward and backward, then the memory batch's (as many rows as the
     * batch, at most what the memory holds); nothing at the end of a task with random selection.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native", "native-openblas"})
    void agemCountsTheMemoryBatchOfEveryStep(String backend) {
        Map<String, Long> seen = new HashMap<>();
        RunResult r = run(macsConfig("agem", backend), Backends.named(backend), new Experiment.Listener() {
            @Override
            public void taskFinished(RunResult soFar) {
            }

            @Override
            public void finished(Strategy s, RunResult result) {
                seen.put("steps", ((AGem) s).constrainedSteps());
                seen.put("projections", ((AGem) s).projections());
            }
        });
        long solver = 0;
        for (int t = 1; t <= 5; t++) {
            // The memory holds 5 samples of each earlier class: 10, 20, 30, 40; a memory batch is 32 at most.
            int rows = BATCH + Math.min(BATCH, 10 * (t - 1));
            solver += (long) STEPS * rows * trainRow(2 * t);
        }
        assertEquals(solver, r.ledger().macs(Phase.SOLVER_TRAINING));
        assertEquals(0, r.ledger().macs(Phase.GENERATION));
        assertEquals(0, r.ledger().macs(Phase.CONSOLIDATION));
        assertEquals(4L * STEPS, seen.get("steps"), "every step of tasks 2-5 draws a reference gradient");
        assertTrue(seen.get("projections") > 0, "class-IL gradients conflict with the memory's: " + seen);
    }

    /**
     * iCaRL by hand: a batch holds round(32 M / 240) exemplar rows (M = 10, 20, 30, 40 stored on tasks 2-5:
     * 1, 3, 4, 5 rows), the previous solver labels every row; at each task's end, herding runs over both
     * classes' 120 samples (their features, then 5 GEMVs of 120 x 50 each) and the class means over all
     * exemplars; evaluation is nearest-mean: a forward pass plus the 50 x 10 GEMM against the means.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void icarlCountsEveryPhaseExactly(String backend) {
        RunResult r = run(macsConfig("icarl", backend), Backends.named(backend), null);
        int[] exemplarRows = {0, 1, 3, 4, 5};
        long solver = 0;
        long consolidation = 0;
        long evaluation = 5L * 60 * forward(2); // the untrained model, by its head
        for (int t = 1; t <= 5; t++) {
            int rows = BATCH + exemplarRows[t - 1];
            solver += (long) STEPS * rows * trainRow(2 * t);
            if (t > 1) {
                solver += (long) STEPS * rows * forward(2 * (t - 1));
            }
            consolidation += 2 * (120 * forward(2 * t) + 5L * 120 * 50);
            consolidation += 10L * t * forward(2 * t);
            evaluation += 5L * 60 * (forward(2 * t) + 50 * 10);
        }
        assertEquals(solver, r.ledger().macs(Phase.SOLVER_TRAINING), "solver training");
        assertEquals(consolidation, r.ledger().macs(Phase.CONSOLIDATION), "consolidation");
        assertEquals(evaluation, r.ledger().macs(Phase.EVALUATION), "evaluation");
    }

    @Test
    void herdingSelectionCountsItsConsolidation() {
        ExperimentConfig c = macsConfig("er", "native");
        c.selection = Selection.HERDING;
        RunResult r = run(c, Backends.nativ(), null);
        long consolidation = 0;
        for (int t = 1; t <= 5; t++) {
            consolidation += 2 * (120 * forward(2 * t) + 5L * 120 * 50);
        }
        assertEquals(consolidation, r.ledger().macs(Phase.CONSOLIDATION));
    }

    /**
     * Every block is listed with its exact bytes, and the lists add up to what the arenas hold (the backend's
     * workspace blocks are listed too, and kept out of memory()).
     */
    @Test
    void footprintsListEveryBlock() {
        for (String s : new String[] {"agem", "icarl"}) {
            Map<String, Object> got = new HashMap<>();
            run(config(s, "native"), Backends.nativ(), new Experiment.Listener() {
                @Override
                public void taskFinished(RunResult soFar) {
                }

                @Override
                public void finished(Strategy strategy, RunResult result) {
                    List<MemoryItem> fp = strategy.footprint();
                    got.put("footprint", fp.stream().filter(m -> !m.workspace()).mapToLong(MemoryItem::bytes).sum());
                    got.put("memory", strategy.memory().values().stream().mapToLong(Long::longValue).sum());
                    got.put("names", fp.stream().map(MemoryItem::block).toList().toString());
                    got.put("replay", strategy.replayMemoryBytes());
                }
            });
            assertEquals(got.get("memory"), got.get("footprint"), s + ": " + got.get("names"));
            String names = (String) got.get("names");
            // 10 classes x 20 exemplars of 784 uint8 pixels; their labels follow from their slots.
            long samples = 10L * 20 * 784;
            if (s.equals("agem")) {
                assertTrue(names.contains("agem.saved_grads"), names);
                assertEquals(samples, got.get("replay"));
            } else {
                assertTrue(names.contains("previous_solver.params") && names.contains("nme.means")
                        && names.contains("herding.features"), names);
                long params = 784 * 50 + 50 + 50 * 50 + 50 + 50 * 50 + 50 + 10 * 50 + 10;
                assertEquals(samples + params * 4 + (10L * 50 + 10) * 4, got.get("replay"));
            }
        }
    }

    /** Stopped after the second task, resumed from its checkpoint: the same accuracy matrix as straight through. */
    @ParameterizedTest
    @ValueSource(strings = {"agem", "icarl", "er-herding"})
    void resumeGivesTheSameAccuracyMatrix(String which, @TempDir Path dir) throws Exception {
        String strategy = which.startsWith("er") ? "er" : which;
        ExperimentConfig c = config(strategy, "native");
        if (which.equals("er-herding")) {
            c.selection = Selection.HERDING;
        }
        RunResult straight = run(c.copy(), Backends.nativ(), null);
        Files.createDirectories(dir);
        RunCheckpoint checkpoint = new RunCheckpoint(dir);
        class Stop extends RuntimeException {
            private static final long serialVersionUID = 1L;
        }
        Experiment.Listener stopAfterTwo = soFar -> {
            if (soFar.accuracy().rowsDone() == 3) {
                throw new Stop();
            }
        };
        ExperimentConfig first = c.copy().validate();
        Backend be = Backends.nativ();
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 120, 11);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 30, 12);
                Scenario sc = Experiment.scenario(first, be, train, test)) {
            assertThrows(Stop.class, () -> Experiment.run(first, be, sc, Progress.NONE, checkpoint, stopAfterTwo));
            RunResult resumed = Experiment.run(first, be, sc, Progress.NONE, checkpoint, null);
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(straight.accuracy().r()[i], resumed.accuracy().r()[i], which + " row " + i);
            }
        }
    }
}
