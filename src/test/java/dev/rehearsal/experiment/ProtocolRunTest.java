package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.Backends;
import dev.rehearsal.SchemaCheck;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ClassOrder;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run under the protocol records the class order it drew and its validation accuracy matrix; the order is
 * what ran (an explicit run of the recorded order gives the same results bit for bit, so a random order changes
 * nothing else the seed decides); both survive a resume; the records validate against the shipped schema.
 */
class ProtocolRunTest {
    private static final Backend BE = Backends.nativ();

    private static ExperimentConfig config(String strategy, long seed) {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = strategy;
        c.seed = seed;
        c.batch = 32;
        c.epochs = 2;
        c.perClass = 10;
        c.threads = Backends.THREADS;
        return c;
    }

    @Test
    void theRecordedRandomOrderIsWhatRanAndNothingElseMoved() {
        try (Dataset train = Synthetic.dataset(BE, "syn-train", 10, 60, 41);
                Dataset test = Synthetic.dataset(BE, "syn-test", 10, 20, 42)) {
            ExperimentConfig random = config("er", 3);
            random.classOrder = ClassOrder.random();
            random.validation = 0.1;
            random.validate();
            RunResult r = Experiment.run(random, BE, train, test, Progress.NONE, null, null);
            int[] drawn = r.classOrder();
            assertNotNull(drawn);
            assertTrue(!Arrays.equals(drawn, new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}), "seed 3 draws a shuffled order");

            ExperimentConfig explicit = config("er", 3);
            explicit.classOrder = ClassOrder.of(Arrays.stream(drawn).boxed().toList());
            explicit.validation = 0.1;
            explicit.validate();
            RunResult e = Experiment.run(explicit, BE, train, test, Progress.NONE, null, null);
            assertArrayEquals(drawn, e.classOrder());
            for (int i = 0; i < 5; i++) {
                assertArrayEquals(r.accuracy().r()[i], e.accuracy().r()[i], "test row " + (i + 1));
                assertArrayEquals(r.validation().r()[i], e.validation().r()[i], "validation row " + (i + 1));
            }
            // validation is measured, and is not the test matrix under another name
            assertEquals(5, r.validation().rowsDone());
            assertTrue(r.validationAcc() > 0.2, "er learns the synthetic tasks: validation " + r.validationAcc()
                    + ", test " + r.acc());
            // evaluated on its own samples: 6 evaluations (the random model and after each of 5 tasks) of every
            // task's 40 test samples (20 a class) and 12 validation samples (round(0.1 x 60) = 6 a class)
            assertEquals(6L * 5 * (40 + 12), r.ledger().samples(dev.rehearsal.metrics.Phase.EVALUATION));
            // the run's own JSON carries both and reads back
            RunResult back = RunResult.fromJson(r.toJson());
            assertArrayEquals(drawn, back.classOrder());
            assertArrayEquals(r.validation().r()[4], back.validation().r()[4]);

            ExperimentConfig plain = config("er", 3);
            plain.validate();
            RunResult p = Experiment.run(plain, BE, train, test, Progress.NONE, null, null);
            assertNull(p.validation());
            assertEquals(6L * 5 * 40, p.ledger().samples(dev.rehearsal.metrics.Phase.EVALUATION));
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, p.classOrder());
        }
    }

    @Test
    void aResumedRunKeepsItsOrderAndValidationMatrix(@TempDir Path dir) {
        try (Dataset train = Synthetic.dataset(BE, "syn-train", 10, 60, 41);
                Dataset test = Synthetic.dataset(BE, "syn-test", 10, 20, 42)) {
            ExperimentConfig c = config("naive", 5);
            c.classOrder = ClassOrder.random();
            c.validation = 0.2;
            c.validate();
            try (Scenario sc = Experiment.scenario(c, BE, train, test)) {
                RunResult straight = Experiment.run(c, BE, sc, Progress.NONE, null, null);
                RunCheckpoint checkpoint = new RunCheckpoint(dir);
                class Stop extends RuntimeException {
                    private static final long serialVersionUID = 1L;
                }
                assertThrows(Stop.class, () -> Experiment.run(c, BE, sc, Progress.NONE, checkpoint, new Experiment.Listener() {
                    @Override
                    public void taskFinished(RunResult soFar) {
                        if (soFar.accuracy().rowsDone() == 2) {
                            throw new Stop();
                        }
                    }
                }));
                JsonNode state = SchemaCheck.assertValid(dir.resolve(RunCheckpoint.STATE));
                assertTrue(state.path("validation").isObject(), "the checkpoint holds the validation rows");
                RunResult resumed = Experiment.run(c, BE, sc, Progress.NONE, checkpoint, null);
                assertArrayEquals(straight.classOrder(), resumed.classOrder());
                for (int i = 0; i < 5; i++) {
                    assertArrayEquals(straight.validation().r()[i], resumed.validation().r()[i], "row " + (i + 1));
                    assertArrayEquals(straight.accuracy().r()[i], resumed.accuracy().r()[i], "row " + (i + 1));
                }
            }
        }
    }

    @Test
    void runRecordsValidateAgainstTheSchema(@TempDir Path dir) throws Exception {
        try (Dataset train = Synthetic.dataset(BE, "syn-train", 10, 40, 41);
                Dataset test = Synthetic.dataset(BE, "syn-test", 10, 10, 42)) {
            ExperimentConfig c = config("naive", 2);
            c.classOrder = ClassOrder.random();
            c.validation = 0.25;
            c.epochs = 1;
            c.validate();
            RunResult r = Experiment.run(c, BE, train, test, Progress.NONE, null, null);
            Path file = dir.resolve("run.json");
            Files.writeString(file, Json.write(Experiment.record(c, r)));
            JsonNode o = SchemaCheck.assertValid(file);
            assertEquals("random", o.path("config").path("class_order").asText());
            assertEquals(10, o.path("class_order").size());
            assertEquals(5, o.path("validation").path("accuracy_matrix").size());
        }
    }
}
