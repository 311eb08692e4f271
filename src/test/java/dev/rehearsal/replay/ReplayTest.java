package dev.rehearsal.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.MlpSpec;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.nn.VaeSpec;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplayTest {
    private static Dataset train;
    private static Dataset test;
    private static final int[] ORDER = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};

    @BeforeAll
    static void data() {
        train = Synthetic.dataset(Backends.nativ(), "syn-train", 10, 40, 1);
        test = Synthetic.dataset(Backends.nativ(), "syn-test", 10, 5, 2);
    }

    @AfterAll
    static void close() {
        train.close();
        test.close();
    }

    @Test
    void bufferIsClassBalancedAndExactlySized() {
        Backend be = Backends.nativ();
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                ReplayBuffer buf = new ReplayBuffer(be, sc, 30, ReplayBuffer.Selection.RANDOM, 16)) {
            assertEquals(30L * 10 * 784, buf.sampleBytes(), "per class x classes x pixels, uint8");
            assertEquals(235_200, buf.bytes(), "30 x 10 x 784 bytes of samples and nothing else off-heap");
            assertTrue(buf.isEmpty());
            Rng rng = new Rng(1);
            for (Task t : sc.tasks().subList(0, 2)) {
                buf.addTask(t, rng);
            }
            assertEquals(4 * 30, buf.size());
            for (Task t : sc.tasks().subList(0, 2)) {
                for (int c = t.lo(); c < t.hi(); c++) {
                    assertEquals(30, buf.groupSize(t, c));
                }
            }
            // Stored pixels are the dataset's, and targets match them.
            for (int slot : buf.usedSlots()) {
                int target = buf.targetOf(slot);
                int bandRow = target; // Synthetic: class c lights rows r with r % 10 == c
                int bright = buf.samples().block().getByte(buf.samples().index(slot, bandRow * 28));
                assertTrue(bright >= 160, "slot " + slot + " holds an image of class " + target);
            }
        }
    }

    @Test
    void smallClassesFillWhatTheyHave() {
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 10, 1);
                ReplayBuffer buf = new ReplayBuffer(Backends.nativ(), sc, 300, ReplayBuffer.Selection.RANDOM, 4)) {
            buf.addTask(sc.tasks().get(0), new Rng(2));
            Task t = sc.tasks().get(0);
            assertEquals(t.trainSize(), buf.groupSize(t, 0) + buf.groupSize(t, 1));
        }
    }

    @Test
    void reservoirKeepsAtMostPerClassOfTheStream() {
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                ReplayBuffer buf = new ReplayBuffer(Backends.nativ(), sc, 5, ReplayBuffer.Selection.RESERVOIR, 4)) {
            Task t = sc.tasks().get(1);
            Rng rng = new Rng(3);
            for (int i = 0; i < t.trainSize(); i++) {
                buf.observe(t, i, rng);
            }
            assertEquals(5, buf.groupSize(t, 2));
            assertEquals(5, buf.groupSize(t, 3));
            assertEquals(10, buf.size());
        }
    }

    @Test
    void drawsGroupRowsByTaskInTheTaskSetting() {
        Backend be = Backends.nativ();
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.TASK, true, 0, 1);
                ReplayBuffer buf = new ReplayBuffer(be, sc, 10, ReplayBuffer.Selection.RANDOM, 64);
                Batch batch = new Batch(be, "b", 96, 10);
                Mlp mlp = new Mlp(be, "m", MlpSpec.of(784, new int[] {8}, 10), 96, null, new Rng(1))) {
            Rng rng = new Rng(4);
            for (Task t : sc.tasks().subList(0, 3)) {
                buf.addTask(t, rng);
            }
            List<Segment> segs = buf.draw(mlp.input(96), batch, 32, 64, 10, rng, new Ledger());
            assertEquals(32, segs.get(0).from());
            assertEquals(96, segs.get(segs.size() - 1).to());
            int[] targets = batch.targets(32, 96).toIntArray();
            for (Segment s : segs) {
                for (int r = s.from(); r < s.to(); r++) {
                    int y = targets[r - 32];
                    assertTrue(y >= s.lo() && y < s.hi(), "row " + r + " target " + y + " in its task's units");
                }
                assertEquals(2, s.hi() - s.lo());
            }
            float[] x = mlp.input(96).rows(32, 96).toFloatArray();
            for (float v : x) {
                assertTrue(v >= 0 && v <= 1, "replayed pixels are scaled to [0, 1]");
            }
        }
    }

    @Test
    void schedulerComposesBatchesAndWeighsByTasks() {
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                ReplayBuffer buf = new ReplayBuffer(Backends.nativ(), sc, 10, ReplayBuffer.Selection.RANDOM, 128)) {
            ReplayScheduler s = new ReplayScheduler(buf, 1.0, ReplayScheduler.Weighting.TASKS,
                    ReplayScheduler.Mode.ON_THE_FLY, null);
            assertEquals(new ReplayScheduler.Step(128, 0, 1f, 0f), s.plan(1, 128), "nothing to replay yet");
            buf.addTask(sc.tasks().get(0), new Rng(1));
            ReplayScheduler.Step step = s.plan(2, 128);
            assertEquals(128, step.replay(), "one replayed sample per current sample");
            assertEquals(0.5f, step.currentWeight());
            assertEquals(0.5f, step.replayWeight());
            ReplayScheduler.Step fifth = s.plan(5, 100);
            assertEquals(0.2f, fifth.currentWeight(), 1e-7, "current weight 1/t");
            assertEquals(0.8f, fifth.replayWeight(), 1e-7, "replay weight 1 - 1/t");
            assertEquals(100, fifth.replay());
            ReplayScheduler half = new ReplayScheduler(buf, 0.5, ReplayScheduler.Weighting.EQUAL,
                    ReplayScheduler.Mode.ON_THE_FLY, null);
            assertEquals(new ReplayScheduler.Step(128, 64, 0.5f, 0.5f), half.plan(4, 128));
            assertFalse(ReplayScheduler.none().replaying());
            assertEquals(0, ReplayScheduler.none().plan(3, 128).replay());
            assertThrows(IllegalArgumentException.class, () -> new ReplayScheduler(buf, 1, ReplayScheduler.Weighting.TASKS,
                    ReplayScheduler.Mode.POOL, null));
        }
    }

    @Test
    void schedulerFillsReplayRowsWithTheirPerRowWeight() {
        Backend be = Backends.nativ();
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                ReplayBuffer buf = new ReplayBuffer(be, sc, 10, ReplayBuffer.Selection.RANDOM, 32);
                Batch batch = new Batch(be, "b", 64, 10);
                Mlp mlp = new Mlp(be, "m", MlpSpec.of(784, new int[] {8}, 10), 64, null, new Rng(1))) {
            buf.addTask(sc.tasks().get(0), new Rng(1));
            ReplayScheduler s = new ReplayScheduler(buf, 1.0, ReplayScheduler.Weighting.TASKS,
                    ReplayScheduler.Mode.ON_THE_FLY, null);
            ReplayScheduler.Step step = s.plan(3, 32);
            List<Segment> segs = s.fillReplay(step, mlp.input(64), batch, 6, new Rng(2), new Ledger());
            assertEquals(1, segs.size());
            Segment g = segs.get(0);
            assertEquals(List.of(32, 64, 0, 6), List.of(g.from(), g.to(), g.lo(), g.hi()));
            assertEquals((2.0 / 3.0) / 32, g.weightPerRow(), 1e-8, "replay weight 1 - 1/t over the replayed rows");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hard", "soft"})
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void generativeReplayLabelsWithThePreviousSolver(String targets) {
        Backend be = Backends.nativ();
        boolean soft = targets.equals("soft");
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                Mlp solver = new Mlp(be, "s", new MlpSpec(784, new int[] {16}, 10, 4), 64,
                        OptimizerConfig.adam(1e-3), new Rng(1));
                Vae vae = new Vae(be, "v", new VaeSpec(784, new int[] {16}, 4, 0), 64, OptimizerConfig.adam(1e-3),
                        new Rng(2));
                GenerativeReplay gr = new GenerativeReplay(be, sc, soft ? GenerativeReplay.Targets.SOFT
                        : GenerativeReplay.Targets.HARD, 2f, 32);
                Batch batch = new Batch(be, "b", 64, 10)) {
            assertTrue(gr.isEmpty());
            assertEquals(0, gr.bytes(), "no frozen copies before the first task ends");
            gr.update(solver, vae);
            // Frozen copies: separate models holding the same parameters, which later training leaves alone.
            assertTrue(gr.previousSolver() != solver && gr.previousGenerator() != vae);
            float[] solverParams = solver.parameterBlock().toFloatArray();
            assertArrayEquals(solverParams, gr.previousSolver().parameterBlock().toFloatArray());
            assertArrayEquals(vae.parameterBlock().toFloatArray(), gr.previousGenerator().parameterBlock()
                    .toFloatArray());
            assertTrue(gr.bytes() > 0, "the frozen copies are counted");
            solver.growHead(6, new Rng(3));
            assertEquals(4, gr.previousSolver().outputs(), "the copy keeps the head it was taken with");
            assertArrayEquals(solverParams, gr.previousSolver().parameterBlock().toFloatArray());
            Ledger ledger = new Ledger(be::macs);
            List<Segment> segs;
            try (var t = ledger.time(Phase.GENERATION)) {
                segs = gr.draw(solver.input(64), batch, 32, 32, 6, new Rng(4), ledger);
            }
            assertEquals(List.of(new Segment(32, 64, 0, 6, 0f, soft)), segs, "class-IL: one segment over all units");
            // 32 rows, each decoded (z 4 -> 16 -> 784) and labelled by the frozen solver (784 -> 16 -> 4 outputs).
            assertEquals(32L * ((4 * 16 + 16 * 784) + (784 * 16 + 16 * 4)), ledger.macs(Phase.GENERATION),
                    "generation counts decoder and labelling MACs");
            Tensor rows = solver.input(64).rows(32, 64);
            float[] x = rows.toFloatArray();
            for (float v : x) {
                assertTrue(v > 0 && v < 1, "decoder means are probabilities");
            }
            // Labels are the previous solver's argmax over the 4 units it had.
            Mlp prev = gr.previousSolver();
            be.copy(prev.input(32), rows);
            prev.forward(32);
            Tensor logits = prev.logits(32);
            if (soft) {
                Tensor q = batch.softTargets(32, 64, 6);
                for (int r = 0; r < 32; r++) {
                    float sum = 0;
                    for (int c = 0; c < 6; c++) {
                        sum += q.get(r, c);
                    }
                    assertEquals(1f, sum, 1e-5f, "soft targets sum to one");
                    assertEquals(0f, q.get(r, 4), "new units get no teacher mass");
                    assertEquals(0f, q.get(r, 5));
                }
            } else {
                int[] y = batch.targets(32, 64).toIntArray();
                for (int r = 0; r < 32; r++) {
                    int best = 0;
                    for (int c = 1; c < 4; c++) {
                        if (logits.get(r, c) > logits.get(r, best)) {
                            best = c;
                        }
                    }
                    assertEquals(best, y[r], "row " + r);
                }
            }
        }
    }

    @Test
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void poolQuantisesGeneratedSamplesAndReplaysThem() {
        Backend be = Backends.nativ();
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                Mlp solver = new Mlp(be, "s", new MlpSpec(784, new int[] {16}, 10, 2), 64,
                        OptimizerConfig.adam(1e-3), new Rng(1));
                Vae vae = new Vae(be, "v", new VaeSpec(784, new int[] {16}, 4, 0), 64, OptimizerConfig.adam(1e-3),
                        new Rng(2));
                GenerativeReplay gr = new GenerativeReplay(be, sc, GenerativeReplay.Targets.HARD, 2f, 32);
                ReplayPool pool = new ReplayPool(be, 100, 784, 0, 32);
                Batch batch = new Batch(be, "b", 64, 10)) {
            gr.update(solver, vae);
            ReplayScheduler s = new ReplayScheduler(gr, 1.0, ReplayScheduler.Weighting.TASKS,
                    ReplayScheduler.Mode.POOL, pool);
            Ledger ledger = new Ledger(be::macs);
            try (var t = ledger.time(Phase.GENERATION)) {
                s.beginTask(2, 70, 4, new Rng(5), ledger);
            }
            assertEquals(70, pool.size());
            // 70 pooled samples, each decoded (z 4 -> 16 -> 784) and labelled (784 -> 16 -> 2 outputs).
            long pooled = 70L * ((4 * 16 + 16 * 784) + (784 * 16 + 16 * 2));
            assertEquals(pooled, ledger.macs(Phase.GENERATION), "generated once, up front");
            // 100 pooled samples x 784 uint8 pixels, a float32 staging area for 32 drawn rows x 784, and the
            // staging batch's int32 indices and targets for 32 rows (hard targets: no soft-target block).
            assertEquals(100L * 784 + 32L * 784 * 4 + 32L * 4 * 2, pool.bytes(),
                    "samples uint8, staging floats, staging batch");
            List<Segment> segs;
            try (var t = ledger.time(Phase.GENERATION)) {
                segs = s.fillReplay(s.plan(2, 32), solver.input(64), batch, 4, new Rng(6), ledger);
            }
            assertEquals(pooled, ledger.macs(Phase.GENERATION), "drawing from the pool generates nothing");
            assertEquals(32, segs.get(0).from());
            int[] y = batch.targets(32, 64).toIntArray();
            for (int v : y) {
                assertTrue(v >= 0 && v < 2, "labels over the previous solver's units");
            }
        }
    }
}
