package dev.rehearsal.strategy;

import dev.rehearsal.config.ReplayTargets;

import dev.rehearsal.config.BackendType;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * cgr as a strategy, on the synthetic classes (class c lights pixel rows r with r % 10 == c) with batches of 16
 * current rows plus 16 replayed: the generator's label columns hold each current row's own label and each
 * replayed row's drawn label (the one its image was generated from), the replay memory is exactly the generator
 * and its frozen copy (plus the frozen solver only with soft targets), and the report samples are an equal
 * number per seen class, in class order, one class per grid row.
 */
class ConditionalGenerativeReplayTest {
    /** The seed preset's VAE conditional on 10 classes: enc1 (784 + 10) -> 128, heads 2 x 8, dec1 (8 + 10) -> 128. */
    private static final long GENERATOR_PARAMS = 794 * 128 + 128 + 2 * (8 * 128 + 8) + 18 * 128 + 128 + 128 * 784 + 784;
    /** The seed solver with its whole head: 784-50-50-50-10. */
    private static final long SOLVER_PARAMS = 784 * 50 + 50 + 50 * 50 + 50 + 50 * 50 + 50 + 50 * 10 + 10;

    private static ExperimentConfig config(String targets) {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = "cgr";
        c.backend = BackendType.NATIVE;
        c.batch = 16;
        c.iterations = 1;
        c.vaeIterations = 1;
        c.replayTargets = ReplayTargets.of(targets);
        c.threads = Backends.THREADS;
        return c.validate();
    }

    /** Makes {@code vae}'s decoder depend on the label alone: label k lights pixel k (sigmoid 10), nothing else. */
    private static void labelOnlyDecoder(Backend be, Vae vae) {
        Map<String, Tensor> p = vae.namedParameters();
        for (String name : new String[] {"dec1.weight", "dec1.bias", "out.weight"}) {
            be.fill(p.get(name), 0f);
        }
        be.fill(p.get("out.bias"), -10f);
        for (int k = 0; k < 10; k++) {
            p.get("dec1.weight").set(k, 8 + k, 1f);
            p.get("out.weight").set(k, k, 20f);
        }
    }

    /** The class of a synthetic image: the pixel row band that is lit (first pixel of rows 0..9). */
    private static int bandOf(Tensor image, int r) {
        int best = 0;
        for (int c = 1; c < 10; c++) {
            if (image.get(r, c * 28) > image.get(r, best * 28)) {
                best = c;
            }
        }
        return best;
    }

    private static int labelOf(Tensor labels, int r) {
        int k = -1;
        for (int c = 0; c < labels.cols(); c++) {
            float v = labels.get(r, c);
            assertTrue(v == 0f || v == 1f, "one-hot, row " + r + ": " + v);
            if (v == 1f) {
                assertEquals(-1, k, "one label per row " + r);
                k = c;
            }
        }
        assertTrue(k >= 0, "row " + r + " has a label");
        return k;
    }

    @Test
    void theGeneratorIsConditionedOnEveryRowsLabel() {
        Backend be = Backends.nativ();
        ExperimentConfig c = config("hard");
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 40, 31);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 10, 32);
                Scenario sc = Experiment.scenario(c, be, train, test);
                ConditionalGenerativeReplay s = new ConditionalGenerativeReplay(
                        new Context(be, sc, c, new Rng(c.seed), new Ledger(be::macs), Progress.NONE))) {
            Vae g = s.generator();
            assertEquals(10, g.spec().classes(), "conditional on the head's 10 classes");
            s.beforeTask(sc.tasks().get(0));
            s.train(sc.tasks().get(0));
            // Task 1's last generator step: 16 current rows, their own labels (classes 0 and 1).
            for (int r = 0; r < 16; r++) {
                int k = labelOf(g.labelInput(16), r);
                assertTrue(k < 2, "task 1's classes: " + k);
                assertEquals(bandOf(g.image(16), r), k, "row " + r + " is conditioned on its own class");
            }
            s.afterTask(sc.tasks().get(0));
            assertNull(s.source().previousSolver(), "hard targets: no frozen solver");
            assertEquals(2 * 4 * GENERATOR_PARAMS, s.replayMemoryBytes(), "the generator and its frozen copy");
            for (MemoryItem i : s.footprint()) {
                assertTrue(!i.component().contains("solver (frozen)"), "no frozen solver listed: " + i);
            }
            labelOnlyDecoder(be, s.source().previousGenerator());
            s.beforeTask(sc.tasks().get(1));
            s.train(sc.tasks().get(1));
            // Task 2's last generator step: 16 current rows of classes 2 and 3 with their own labels, then 16
            // replayed rows, each the frozen generator's image of the label in its label columns.
            Tensor labels = g.labelInput(32);
            Tensor images = g.image(32);
            for (int r = 0; r < 16; r++) {
                int k = labelOf(labels, r);
                assertTrue(k == 2 || k == 3, "task 2's classes: " + k);
                assertEquals(bandOf(images, r), k, "current row " + r);
            }
            for (int r = 16; r < 32; r++) {
                int k = labelOf(labels, r);
                assertTrue(k < 2, "replayed rows are of the classes seen before: " + k);
                for (int j = 0; j < 784; j++) {
                    assertEquals(j == k ? 1f : 0f, images.get(r, j), 1e-3f, "replayed row " + r + " pixel " + j);
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hard", "soft"})
    void replayMemoryIsTheGeneratorAndItsFrozenCopies(String targets) {
        Backend be = Backends.nativ();
        ExperimentConfig c = config(targets);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 40, 31);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 10, 32);
                Scenario sc = Experiment.scenario(c, be, train, test);
                ConditionalGenerativeReplay s = new ConditionalGenerativeReplay(
                        new Context(be, sc, c, new Rng(c.seed), new Ledger(be::macs), Progress.NONE))) {
            assertNull(s.replaySamples(64, new Rng(1)), "nothing is replayed before a task ends");
            assertEquals(4 * GENERATOR_PARAMS, s.replayMemoryBytes(), "the generator alone before a task ends");
            for (int t = 0; t < 2; t++) {
                s.beforeTask(sc.tasks().get(t));
                s.train(sc.tasks().get(t));
                s.afterTask(sc.tasks().get(t));
            }
            boolean soft = targets.equals("soft");
            assertEquals(4 * (2 * GENERATOR_PARAMS + (soft ? SOLVER_PARAMS : 0)), s.replayMemoryBytes());
            long frozen = 0;
            long workspace = 0;
            for (MemoryItem i : s.footprint()) {
                if (i.component().endsWith("(frozen)")) {
                    frozen += i.workspace() ? 0 : i.bytes();
                    workspace += i.workspace() ? i.bytes() : 0;
                }
            }
            assertEquals(s.memory().get("previous_models"), frozen, "the frozen models are the component");
            assertEquals(s.source().bytes(), frozen + workspace, "the source's arenas, workspace included");
            // Report samples from the generator trained on 4 classes, made label-only: at most a batch (32)
            // of images, 8 per class in class order, a grid row each.
            labelOnlyDecoder(be, s.generator());
            Strategy.Samples shown = s.replaySamples(64, new Rng(1));
            assertEquals("generated_conditional", shown.kind());
            assertEquals(32, shown.count());
            assertEquals(8, shown.perRow());
            for (int i = 0; i < 32; i++) {
                for (int j = 0; j < 784; j++) {
                    assertEquals(j == i / 8 ? 1f : 0f, shown.pixels()[i * 784 + j], 1e-3f, "image " + i + " pixel "
                            + j);
                }
            }
        }
    }
}
