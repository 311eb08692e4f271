package dev.rehearsal.experiment;

import dev.rehearsal.config.BackendType;

import dev.rehearsal.scenario.Setting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Diverging;
import dev.rehearsal.RehearsalException;
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
 * {@code --resume} with EWC and SI: a run stopped in its third task (a loss turning NaN, as a crash would
 * stop it: the checkpoint holds tasks 1 and 2), then continued from its checkpoint, ends with exactly the
 * accuracy matrix of an uninterrupted run; this needs the Fisher or importance and the anchor restored, and
 * SI's path to restart from the restored parameters. Both backends, the task setting.
 */
class RegularizerResumeTest {

    @ParameterizedTest
    @CsvSource({"ewc, jvm, 25", "si, jvm, 17", "ewc, native, 25", "si, native, 17"})
    void aStoppedRunResumesToTheSameMatrix(String strategy, String backendName, int failingCall, @TempDir Path dir) {
        Backend be = Backends.named(backendName);
        ExperimentConfig c = StrategyRunTest.config(strategy);
        c.backend = BackendType.of(backendName);
        c.setting = Setting.TASK;
        c.batch = 16;
        c.epochs = 2;
        // Eight steps of 16 a task: SI computes 8 cross-entropies a task, EWC 4 more for its Fisher (64 samples
        // in batches of 16), so the failing call is the first step of task 3.
        c.trainLimit = 64;
        c.testLimit = 50;
        c.validate();
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 120, 71);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 30, 72)) {
            RunCheckpoint checkpoint = new RunCheckpoint(dir.resolve("checkpoint"));
            Backend failing = Diverging.after(be, failingCall);
            RehearsalException e = assertThrows(RehearsalException.class, () -> {
                try (Scenario sc = Experiment.scenario(c, failing, train, test)) {
                    Experiment.run(c, failing, sc, Progress.NONE, checkpoint, null);
                }
            });
            assertTrue(e.getMessage().contains("at task 3"), e.getMessage());
            assertTrue(Files.exists(dir.resolve("checkpoint").resolve(RunCheckpoint.STATE)));
            RunResult resumed;
            try (Scenario sc = Experiment.scenario(c, be, train, test)) {
                resumed = Experiment.run(c, be, sc, Progress.NONE, checkpoint, null);
            }
            RunResult straight;
            try (Scenario sc = Experiment.scenario(c, be, train, test)) {
                straight = Experiment.run(c, be, sc, Progress.NONE, null, null);
            }
            for (int t = 0; t < 5; t++) {
                assertArrayEquals(straight.accuracy().r()[t], resumed.accuracy().r()[t], strategy + " row " + (t + 1));
            }
            assertEquals(straight.acc(), resumed.acc());
            for (int t = 0; t < 5; t++) {
                assertTrue(straight.accuracy().r()[t][t] >= 0.9, "task " + (t + 1) + " was learned: "
                        + straight.accuracy());
            }
        }
    }
}
