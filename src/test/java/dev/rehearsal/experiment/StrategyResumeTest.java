package dev.rehearsal.experiment;

import dev.rehearsal.config.BackendType;
import dev.rehearsal.config.ReplayTargets;
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
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A run stopped after its third task (its checkpoint holds the state after the second: LwF's teacher, offline
 * EWC's two Fisher and anchor pairs,
 * DER++'s filled reservoir with its logits, cgr's generator and frozen generator, and with soft targets its frozen
 * solver) and continued from that checkpoint in a fresh strategy ends with
 * the same accuracy matrix, and the same solver parameters bit for bit, as a run that never stopped.
 */
class StrategyResumeTest {
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super("stopped on purpose", null, false, false);
        }
    }

    @ParameterizedTest
    @CsvSource({"lwf, class, native, hard", "lwf, task, jvm, hard", "derpp, class, native, hard",
        "derpp, domain, jvm, hard", "cgr, class, native, hard", "cgr, task, jvm, hard", "cgr, class, native, soft",
        "bir, class, native, soft", "bir, domain, jvm, soft", "bir, task, native, soft",
        "proto/binary, class, native, hard", "proto/u4, domain, jvm, hard", "er/binary, task, native, hard",
        "ewc:ewc-mode=offline, class, native, hard", "ewc:ewc-mode=offline, domain, jvm, hard"})
    void aResumedRunEndsWithTheSameAccuracyMatrix(String strategy, String setting, String backend, String targets,
            @TempDir Path dir) throws Exception {
        Backend be = Backends.named(backend);
        ExperimentConfig c = new ExperimentConfig();
        String[] options = strategy.split(":"); // strategy[/storage][:key=value]
        for (int i = 1; i < options.length; i++) {
            String[] kv = options[i].split("=");
            c.set(dev.rehearsal.config.StrategyCatalog.installed().allOptions().stream()
                    .filter(o -> o.key().equals(kv[0])).findFirst().orElseThrow(), kv[1]);
        }
        String[] parts = options[0].split("/"); // strategy/storage
        c.strategy = parts[0];
        if (parts.length > 1) {
            c.set(dev.rehearsal.strategy.ReplayBudget.STORAGE, parts[1]);
            c.perClass = 20;
        }
        c.replayTargets = ReplayTargets.of(targets);
        c.setting = Setting.of(setting);
        c.backend = BackendType.of(backend);
        c.batch = 32;
        c.epochs = 3;
        c.threads = Backends.THREADS;
        c.set(dev.rehearsal.strategy.DarkExperienceReplay.BUFFER, 100);
        c.validate();
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 120, 41);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 30, 42);
                Scenario sc = Experiment.scenario(c, be, train, test)) {
            float[][] params = new float[2][];
            RunResult straight = Experiment.run(c, be, sc, Progress.NONE, finalParameters(params, 0));
            RunCheckpoint checkpoint = new RunCheckpoint(dir);
            Experiment.Listener stopAfterThird = soFar -> {
                if (soFar.accuracy().rowsDone() == 3) {
                    throw new Stop();
                }
            };
            assertThrows(Stop.class, () -> Experiment.run(c, be, sc, Progress.NONE, checkpoint, stopAfterThird));
            assertTrue(Files.exists(dir.resolve(RunCheckpoint.STATE)), "the second task's checkpoint");
            RunResult resumed = Experiment.run(c, be, sc, Progress.NONE, checkpoint, finalParameters(params, 1));
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(straight.accuracy().r()[i], resumed.accuracy().r()[i], "row " + (i + 1));
            }
            assertEquals(straight.tasks().get(4).replayBytes(), resumed.tasks().get(4).replayBytes());
            // The loss curves: tasks 1-2 from the checkpoint, 3-5 trained again, all as in the run that never stopped.
            assertEquals(straight.losses().window(), resumed.losses().window());
            assertCurvesEqual(straight.losses().solver(), resumed.losses().solver(), "solver");
            assertCurvesEqual(straight.losses().generator(), resumed.losses().generator(), "generator");
            assertArrayEquals(straight.confusion(), resumed.confusion(), "the final solver's confusion matrix");
            assertArrayEquals(params[0], params[1], "the solver's parameters at the end");
        }
    }

    private static void assertCurvesEqual(java.util.List<double[]> expected, java.util.List<double[]> actual,
            String model) {
        if (expected == null) {
            assertEquals(null, actual, model + ": no curve in either run");
            return;
        }
        assertEquals(5, expected.size(), model + ": one curve per task");
        assertEquals(expected.size(), actual.size(), model);
        for (int t = 0; t < expected.size(); t++) {
            assertTrue(expected.get(t).length > 0 || model.equals("generator"), model + " task " + (t + 1));
            assertArrayEquals(expected.get(t), actual.get(t), model + " loss of task " + (t + 1));
        }
    }

    /** Keeps the solver's parameters at the end of a run in {@code into[i]}. */
    private static Experiment.Listener finalParameters(float[][] into, int i) {
        return new Experiment.Listener() {
            @Override
            public void taskFinished(RunResult soFar) {
            }

            @Override
            public void finished(dev.rehearsal.strategy.Strategy s, RunResult result) {
                into[i] = s.solver().parameterBlock().toFloatArray();
            }
        };
    }
}
