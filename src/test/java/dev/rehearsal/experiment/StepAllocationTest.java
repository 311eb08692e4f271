package dev.rehearsal.experiment;

import dev.rehearsal.config.Generation;

import dev.rehearsal.config.ExperimentConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Progress;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * "A training step allocates no native memory and creates no primitive", checked on whole runs: between the
 * start of a task's solver or generator training and the end of each of its steps, JavaCPP's byte counter
 * and the backend's primitive count do not move. The runs cover the first step of every task after its head
 * grew, steps that straddle two epochs (240 samples a task in batches of 50), replay rows from a buffer and
 * from a generator (decoder and labelling solver), a step whose batch is the whole, smaller task, and the
 * penalty and path-integral hooks of EWC and SI (whose end-of-task Fisher runs outside the steps), and genc's class
 * VAEs (each class's its own steps, a class smaller than a batch trained in one).
 */
class StepAllocationTest {

    /** Records, at the start of each unit of steps, the counters, and every step that moved them. */
    private static final class Watch implements Progress {
        private final NativeBackend be;
        final List<String> moved = new ArrayList<>();
        long steps;
        private String label;
        private long bytes;
        private int primitives;

        Watch(NativeBackend be) {
            this.be = be;
        }

        @Override
        public void begin(String label, long total) {
            this.label = label;
            this.bytes = Pointer.totalBytes();
            this.primitives = be.primitiveCount();
        }

        @Override
        public void advance(long done, long epoch, double loss) {
            steps++;
            long b = Pointer.totalBytes();
            int p = be.primitiveCount();
            if (b != bytes || p != primitives) {
                moved.add(label + " step " + done + ": +" + (b - bytes) + " bytes, +" + (p - primitives)
                        + " primitives");
            }
        }

        @Override
        public void end() {
        }

        @Override
        public void log(String line) {
        }
    }

    @ParameterizedTest
    @CsvSource({"naive, 50, on-the-fly", "er, 50, on-the-fly", "gr, 50, on-the-fly", "gr, 50, pool",
        "joint, 50, on-the-fly", "er, 512, on-the-fly", "ewc, 50, on-the-fly", "si, 50, on-the-fly",
        "agem, 50, on-the-fly", "agem, 512, on-the-fly", "icarl, 50, on-the-fly", "icarl, 512, on-the-fly",
        "lwf, 50, on-the-fly", "lwf, 512, on-the-fly", "derpp, 50, on-the-fly", "derpp, 512, on-the-fly",
        "bir, 50, on-the-fly", "bir, 512, on-the-fly",
        "cgr, 50, on-the-fly", "cgr, 512, on-the-fly", "proto/binary, 50, on-the-fly", "proto/u4, 512, on-the-fly",
        "er/binary, 50, on-the-fly", "derpp/u4, 50, on-the-fly", "icarl/binary, 50, on-the-fly",
        "genc, 50, on-the-fly", "genc, 512, on-the-fly"})
    void noStepAllocatesOrCreatesAPrimitive(String strategy, int batch, String generation) {
        NativeBackend be = Backends.nativ();
        ExperimentConfig c = new ExperimentConfig();
        String[] parts = strategy.split("/"); // strategy/storage
        c.strategy = parts[0];
        if (parts.length > 1) {
            c.set(dev.rehearsal.strategy.ReplayBudget.STORAGE, parts[1]);
        }
        c.batch = batch;
        c.epochs = 2;
        c.vaeEpochs = 1;
        c.perClass = 10;
        c.generation = Generation.of(generation);
        c.threads = Backends.THREADS;
        c.validate();
        Watch watch = new Watch(be);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 120, 21);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 30, 22);
                Scenario sc = Experiment.scenario(c, be, train, test)) {
            Experiment.run(c, be, sc, watch, null);
        }
        assertTrue(watch.steps >= 5, "the runs took steps: " + watch.steps);
        assertEquals(List.of(), watch.moved, "steps that allocated native memory or created a primitive");
    }
}
