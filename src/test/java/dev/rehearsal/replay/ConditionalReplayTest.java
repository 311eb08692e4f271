package dev.rehearsal.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Class-conditional replay with a hand-set decoder whose image depends on the label columns alone (label k
 * lights pixel k and nothing else, whatever the noise): replayed labels are balanced over the classes seen so
 * far, each image is decoded from its row's label, and with hard targets the target is that label, with no
 * previous solver kept or run.
 */
class ConditionalReplayTest {
    private static final int[] ORDER = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    /** Rows per draw, and draws per test: 6000 labels, so a class of 1/6 expects 1000 (sd about 29). */
    private static final int N = 600;
    private static final int DRAWS = 10;
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void data() {
        train = Synthetic.dataset(Backends.nativ(), "syn-train", 10, 20, 1);
        test = Synthetic.dataset(Backends.nativ(), "syn-test", 10, 5, 2);
    }

    @AfterAll
    static void close() {
        train.close();
        test.close();
    }

    /**
     * A conditional VAE (784-16-z4, {@code classes} labels) whose decoder ignores z: dec1 copies label k into
     * hidden unit k, and out gives pixel k the logit 20 - 10 from that unit and every pixel a bias of -10, so the
     * generated image of label k is pixel k at sigmoid(10) and every other pixel at sigmoid(-10).
     */
    static Vae labelOnlyDecoder(Backend be, int classes) {
        Vae vae = new Vae(be, "v", new VaeSpec(784, new int[] {16}, 4, classes), N, OptimizerConfig.adam(1e-3),
                new Rng(2));
        Map<String, Tensor> p = vae.namedParameters();
        for (Tensor t : p.values()) {
            be.fill(t, 0f);
        }
        Tensor dec1 = p.get("dec1.weight");
        Tensor out = p.get("out.weight");
        Tensor outBias = p.get("out.bias");
        for (int k = 0; k < classes; k++) {
            dec1.set(k, 4 + k, 1f);
            out.set(k, k, 20f);
        }
        for (int j = 0; j < 784; j++) {
            outBias.set(0, j, -10f);
        }
        return vae;
    }

    /** Checks that row r of {@code images} is the label-only decoder's image of {@code labels[r]}. */
    private static void assertDecodedFrom(Tensor images, int[] labels) {
        for (int r = 0; r < labels.length; r++) {
            for (int j = 0; j < 784; j++) {
                float v = images.get(r, j);
                if (j == labels[r]) {
                    assertTrue(v > 0.999f, "row " + r + ": label " + labels[r] + " lights its pixel, got " + v);
                } else {
                    assertTrue(v < 0.001f, "row " + r + " (label " + labels[r] + "): pixel " + j + " is " + v);
                }
            }
        }
    }

    @Test
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void classSettingDrawsBalancedLabelsAndTheyAreTheTargets() {
        Backend be = Backends.nativ();
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                Mlp solver = new Mlp(be, "s", new MlpSpec(784, new int[] {16}, 10, 6), 2 * N,
                        OptimizerConfig.adam(1e-3), new Rng(1));
                Vae vae = labelOnlyDecoder(be, 10);
                ConditionalReplay cr = new ConditionalReplay(be, sc, GenerativeReplay.Targets.HARD, 2f, N);
                Batch batch = new Batch(be, "b", 2 * N, 10)) {
            assertTrue(cr.isEmpty());
            assertEquals(0, cr.bytes());
            for (int t = 0; t < 3; t++) {
                cr.update(solver, vae);
            }
            assertNull(cr.previousSolver(), "hard targets keep no previous solver");
            assertEquals(cr.previousGenerator().bytes(), cr.bytes(), "the frozen generator is all it holds");
            assertEquals(6, ConditionalReplay.classesSeen(sc, 3), "three tasks of two classes");
            solver.growHead(8, new Rng(3));
            cr.prepare(N);
            Ledger ledger = new Ledger(be::macs);
            int[] perClass = new int[10];
            for (int d = 0; d < DRAWS; d++) {
                List<Segment> segs;
                try (var t = ledger.time(Phase.GENERATION)) {
                    segs = cr.draw(solver.input(2 * N), batch, N, N, 8, new Rng(10 + d), ledger);
                }
                assertEquals(List.of(new Segment(N, 2 * N, 0, 8, 0f, false)), segs,
                        "class-IL: one hard segment over the 8 units the solver has now");
                int[] y = batch.targets(N, 2 * N).toIntArray();
                assertDecodedFrom(solver.input(2 * N).rows(N, 2 * N), y);
                for (int v : y) {
                    perClass[v]++;
                }
            }
            // Only the 6 classes seen (the 4th task's units 6 and 7 exist in the head, but were never seen).
            for (int c = 0; c < 10; c++) {
                if (c < 6) {
                    assertTrue(Math.abs(perClass[c] - 1000) < 150, "class " + c + ": " + perClass[c] + " of 6000");
                } else {
                    assertEquals(0, perClass[c], "class " + c + " was never seen");
                }
            }
            // Each row decoded once (z 4 + 10 labels -> 16 -> 784); no solver labels anything.
            assertEquals((long) DRAWS * N * ((4 + 10) * 16 + 16 * 784), ledger.macs(Phase.GENERATION));
            assertEquals((long) DRAWS * N, ledger.samples(Phase.GENERATION));
        }
    }

    @Test
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void taskSettingDrawsATaskThenAClassAndGroupsRowsByTask() {
        Backend be = Backends.nativ();
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.TASK, true, 0, 1);
                Mlp solver = new Mlp(be, "s", new MlpSpec(784, new int[] {16}, 10, 10), 2 * N,
                        OptimizerConfig.adam(1e-3), new Rng(1));
                Vae vae = labelOnlyDecoder(be, 10);
                ConditionalReplay cr = new ConditionalReplay(be, sc, GenerativeReplay.Targets.HARD, 2f, N);
                Batch batch = new Batch(be, "b", 2 * N, 10)) {
            for (int t = 0; t < 3; t++) {
                cr.update(solver, vae);
            }
            cr.prepare(N);
            Ledger ledger = new Ledger(be::macs);
            int[] perClass = new int[10];
            int[] perTask = new int[5];
            for (int d = 0; d < DRAWS; d++) {
                List<Segment> segs;
                try (var t = ledger.time(Phase.GENERATION)) {
                    segs = cr.draw(solver.input(2 * N), batch, N, N, 10, new Rng(20 + d), ledger);
                }
                int[] y = batch.targets(N, 2 * N).toIntArray();
                assertDecodedFrom(solver.input(2 * N).rows(N, 2 * N), y);
                assertEquals(3, segs.size(), "one segment per previous task: " + segs);
                int at = N;
                for (int k = 0; k < 3; k++) {
                    Segment g = segs.get(k);
                    assertEquals(at, g.from(), "segments cover the replayed rows in task order");
                    assertEquals(List.of(2 * k, 2 * k + 2), List.of(g.lo(), g.hi()), "task " + k + "'s own units");
                    for (int r = g.from(); r < g.to(); r++) {
                        int v = y[r - N];
                        assertTrue(v >= g.lo() && v < g.hi(), "row " + r + ": label " + v + " outside " + g);
                    }
                    perTask[k] += g.rows();
                    at = g.to();
                }
                assertEquals(2 * N, at);
                for (int v : y) {
                    perClass[v]++;
                }
            }
            for (int k = 0; k < 3; k++) {
                assertTrue(Math.abs(perTask[k] - 2000) < 200, "task " + k + ": " + perTask[k] + " of 6000");
            }
            for (int c = 0; c < 6; c++) {
                assertTrue(Math.abs(perClass[c] - 1000) < 150, "class " + c + ": " + perClass[c] + " of 6000");
            }
        }
    }

    @Test
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void domainSettingConditionsOnTheDomainLabel() {
        Backend be = Backends.nativ();
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.DOMAIN, true, 0, 1);
                Mlp solver = new Mlp(be, "s", new MlpSpec(784, new int[] {16}, 2, 2), 2 * N,
                        OptimizerConfig.adam(1e-3), new Rng(1));
                Vae vae = labelOnlyDecoder(be, 2);
                ConditionalReplay cr = new ConditionalReplay(be, sc, GenerativeReplay.Targets.HARD, 2f, N);
                Batch batch = new Batch(be, "b", 2 * N, 2)) {
            assertEquals(2, sc.outputCapacity());
            cr.update(solver, vae);
            cr.update(solver, vae);
            Ledger ledger = new Ledger(be::macs);
            List<Segment> segs;
            try (var t = ledger.time(Phase.GENERATION)) {
                segs = cr.draw(solver.input(2 * N), batch, N, N, 2, new Rng(5), ledger);
            }
            assertEquals(List.of(new Segment(N, 2 * N, 0, 2, 0f, false)), segs);
            int[] y = batch.targets(N, 2 * N).toIntArray();
            assertDecodedFrom(solver.input(2 * N).rows(N, 2 * N), y);
            int ones = 0;
            for (int v : y) {
                ones += v;
            }
            assertTrue(Math.abs(ones - N / 2) < 60, "the two domain labels, 300 each expected: " + ones + " ones");
        }
    }

    /**
     * Soft targets: a frozen previous solver is kept and distils the generated images, over the units it had;
     * the batch's integer targets still hold the conditions (the generator's replayed rows read them).
     */
    @ParameterizedTest
    @ValueSource(strings = {"class", "task"})
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void softTargetsDistilTheFrozenSolverOnConditionalImages(String setting) {
        Backend be = Backends.nativ();
        boolean task = setting.equals("task");
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, task ? Setting.TASK : Setting.CLASS, true, 0, 1);
                Mlp solver = new Mlp(be, "s", new MlpSpec(784, new int[] {16}, 10, task ? 10 : 4), 64,
                        OptimizerConfig.adam(1e-3), new Rng(1));
                Vae vae = labelOnlyDecoder(be, 10);
                ConditionalReplay cr = new ConditionalReplay(be, sc, GenerativeReplay.Targets.SOFT, 2f, 32);
                Batch batch = new Batch(be, "b", 64, 10)) {
            cr.update(solver, vae);
            cr.update(solver, vae);
            assertTrue(cr.previousSolver() != null && cr.previousSolver() != solver);
            assertEquals(cr.previousGenerator().bytes() + cr.previousSolver().bytes(), cr.bytes());
            if (!task) {
                solver.growHead(6, new Rng(3));
            }
            Ledger ledger = new Ledger(be::macs);
            List<Segment> segs;
            try (var t = ledger.time(Phase.GENERATION)) {
                segs = cr.draw(solver.input(64), batch, 32, 32, solver.outputs(), new Rng(4), ledger);
            }
            int[] y = batch.targets(32, 64).toIntArray();
            assertDecodedFrom(solver.input(64).rows(32, 64), y);
            // 32 rows decoded and labelled by the frozen solver (784 -> 16 -> its 4 or 10 outputs).
            int teacherOutputs = task ? 10 : 4;
            assertEquals(32L * (((4 + 10) * 16 + 16 * 784) + (784 * 16 + 16L * teacherOutputs)),
                    ledger.macs(Phase.GENERATION));
            Mlp prev = cr.previousSolver();
            be.copy(prev.input(32), solver.input(64).rows(32, 64));
            prev.forward(32);
            Tensor logits = prev.logits(32);
            for (Segment g : segs) {
                assertTrue(g.soft());
                Tensor q = batch.softTargets(g.from(), g.to(), g.hi() - g.lo());
                for (int r = g.from(); r < g.to(); r++) {
                    // softmax(z / 2) over the teacher's units of this row's task, in double.
                    int lo = task ? g.lo() : 0;
                    int hi = task ? g.hi() : 4;
                    double sum = 0;
                    for (int c = lo; c < hi; c++) {
                        sum += Math.exp(logits.get(r - 32, c) / 2.0);
                    }
                    for (int c = g.lo(); c < g.hi(); c++) {
                        double want = c < hi ? Math.exp(logits.get(r - 32, c) / 2.0) / sum : 0;
                        assertEquals(want, q.get(r - g.from(), c - g.lo()), 1e-5, "row " + r + " unit " + c);
                    }
                }
            }
        }
    }
}
