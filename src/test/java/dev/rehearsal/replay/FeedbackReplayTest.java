package dev.rehearsal.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.FeedbackVae;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.MlpSpec;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Brain-inspired replay's source with a hand-set generator whose image shows which prior mode it was drawn from
 * (mode k's mean is 8 e_k with a negligible spread, the decoder copies latent unit k to pixel k): modes are drawn
 * uniformly over the classes seen so far only (also when the head already has units for unseen ones), the
 * previous classifier's soft targets at T become the replayed rows' mode weights (zero beyond its units) and
 * their gate weights, the distillation drops T^2, and generation costs the decoder and the previous classifier.
 */
class FeedbackReplayTest {
    private static final int[] ORDER = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final int N = 400;
    private static final int DRAWS = 15;
    private static final int H = 12;
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
     * Classifier features H = 12, latent 10, decoder 10-12-12-784, 10 modes; with {@code gated}, 10 class gates
     * whose masks are then opened by hand (all ones), so that the image depends on the drawn mode alone: pixel k
     * is sigmoid(16) for mode k and sigmoid(-16) otherwise.
     */
    private static FeedbackVae modeDecoder(Backend be, boolean gated) {
        FeedbackVae vae = new FeedbackVae(be, "g", H, new int[] {H, H}, 10, 784, 10, gated ? 10 : 0, gated ? 0.5 : 0,
                2 * N, new int[0], OptimizerConfig.adam(1e-3), new Rng(4));
        Map<String, Tensor> p = vae.namedParameters();
        for (Tensor t : p.values()) {
            be.fill(t, 0f);
        }
        be.fill(p.get("prior.logvars"), -40f);
        for (int k = 0; k < 10; k++) {
            p.get("prior.means").set(k, k, 8f);
            p.get("dec1.weight").set(k, k, 1f);
            p.get("dec2.weight").set(k, k, 1f);
            p.get("out.weight").set(k, k, 4f);
        }
        be.fill(p.get("out.bias"), -16f);
        if (gated) {
            be.fill(vae.gateMask(1), 1f);
            be.fill(vae.gateMask(2), 1f);
        }
        return vae;
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void classSettingDrawsSeenClassesAndDistilsIntoModeAndGateWeights(boolean fixedHead) {
        Backend be = Backends.nativ();
        int outputs = fixedHead ? 10 : 6;
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                Mlp solver = new Mlp(be, "s", new MlpSpec(784, new int[] {H, H}, 10, outputs), 2 * N,
                        OptimizerConfig.adam(1e-3), new Rng(1));
                FeedbackVae vae = modeDecoder(be, true);
                FeedbackReplay fr = new FeedbackReplay(be, sc, GenerativeReplay.Targets.SOFT, 2f, N, vae,
                        new int[] {H, H});
                Batch batch = new Batch(be, "b", 2 * N, 10)) {
            for (int t = 0; t < 3; t++) {
                fr.update(solver, vae);
            }
            assertEquals(0.25f, fr.lossScale(), "the reference distils without T^2 = 4");
            if (!fixedHead) {
                solver.growHead(8, new Rng(3));
            }
            fr.prepare(N);
            Ledger ledger = new Ledger(be::macs);
            int[] perClass = new int[10];
            int units = solver.outputs();
            for (int d = 0; d < DRAWS; d++) {
                List<Segment> segs;
                try (var t = ledger.time(Phase.GENERATION)) {
                    segs = fr.draw(solver.input(2 * N), batch, N, N, units, new Rng(10 + d), ledger);
                }
                assertEquals(List.of(new Segment(N, 2 * N, 0, units, 0f, true)), segs);
                Tensor images = solver.input(2 * N).rows(N, 2 * N);
                Tensor modes = vae.modeWeights(2 * N).rows(N, 2 * N);
                Tensor gates = vae.contextWeights(2 * N).rows(N, 2 * N);
                Tensor soft = batch.softTargets(N, 2 * N, units);
                for (int r = 0; r < N; r++) {
                    int lit = -1;
                    for (int k = 0; k < 10; k++) {
                        if (images.get(r, k) > 0.99f) {
                            assertEquals(-1, lit, "row " + r + " shows one mode");
                            lit = k;
                        } else {
                            assertTrue(images.get(r, k) < 0.01f, "row " + r + " pixel " + k);
                        }
                    }
                    assertTrue(lit >= 0, "row " + r + " shows its mode");
                    perClass[lit]++;
                    double sum = 0;
                    for (int c = 0; c < 10; c++) {
                        float expected = c < units ? soft.get(r, c) : 0f;
                        assertEquals(expected, modes.get(r, c), "row " + r + " mode weight " + c);
                        assertEquals(expected, gates.get(r, c), "row " + r + " gate weight " + c);
                        sum += modes.get(r, c);
                    }
                    assertEquals(1.0, sum, 1e-5, "the previous classifier's softmax over its units");
                }
            }
            // The 6 classes of the 3 tasks seen; never the units 6..9 the head may already have.
            for (int c = 0; c < 10; c++) {
                if (c < 6) {
                    assertTrue(Math.abs(perClass[c] - 1000) < 150, "class " + c + ": " + perClass[c] + " of 6000");
                } else {
                    assertEquals(0, perClass[c], "class " + c + " was never seen");
                }
            }
            // Per row: the gated decoder (10 -> 12 -> 12 -> 784, two gate products of 10 x 12) and the frozen
            // classifier (784 -> 12 -> 12 -> its units).
            long decoder = 10 * 12 + 12 * 12 + 12 * 784 + 2 * 10 * 12;
            long classifier = 784 * 12 + 12 * 12 + 12L * outputs;
            assertEquals((long) DRAWS * N * (decoder + classifier), ledger.macs(Phase.GENERATION));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void domainSettingGatesByTaskAndTaskSettingStaysInTheTask(boolean domain) {
        Backend be = Backends.nativ();
        Setting setting = domain ? Setting.DOMAIN : Setting.TASK;
        try (Scenario sc = Scenario.split(train, test, ORDER, 2, setting, true, 0, 1);
                Mlp solver = new Mlp(be, "s", new MlpSpec(784, new int[] {H, H}, sc.outputCapacity(),
                        sc.outputCapacity()), 2 * N, OptimizerConfig.adam(1e-3), new Rng(1));
                FeedbackVae vae = domain ? modeDecoderDomain(be) : modeDecoder(be, false);
                FeedbackReplay fr = new FeedbackReplay(be, sc, GenerativeReplay.Targets.SOFT, 2f, N, vae,
                        new int[] {H, H});
                Batch batch = new Batch(be, "b", 2 * N, 10)) {
            for (int t = 0; t < 3; t++) {
                fr.update(solver, vae);
            }
            fr.prepare(N);
            Ledger ledger = new Ledger(be::macs);
            int[] perTask = new int[5];
            for (int d = 0; d < 5; d++) {
                List<Segment> segs = fr.draw(solver.input(2 * N), batch, N, N, solver.outputs(), new Rng(30 + d),
                        ledger);
                assertEquals(3, segs.size(), "a segment per previous task: " + segs);
                Tensor images = solver.input(2 * N);
                for (int k = 0; k < 3; k++) {
                    Segment g = segs.get(k);
                    perTask[k] += g.rows();
                    for (int r = g.from(); r < g.to(); r++) {
                        if (domain) {
                            // Gates: one-hot of the task the row replays; the modes: the 2 shared labels.
                            for (int c = 0; c < 5; c++) {
                                assertEquals(c == k ? 1f : 0f, vae.contextWeights(2 * N).get(r, c), "row " + r);
                            }
                            assertEquals(List.of(0, 2), List.of(g.lo(), g.hi()));
                        } else {
                            // The task's own two classes, drawn from their modes, distilled within its units.
                            assertEquals(List.of(2 * k, 2 * k + 2), List.of(g.lo(), g.hi()));
                            int lit = -1;
                            for (int c = 0; c < 10; c++) {
                                if (images.get(r, c) > 0.99f) {
                                    lit = c;
                                }
                            }
                            assertTrue(lit == 2 * k || lit == 2 * k + 1, "row " + r + " of task " + (k + 1)
                                    + " shows class " + lit);
                        }
                    }
                }
            }
            for (int k = 0; k < 3; k++) {
                assertTrue(Math.abs(perTask[k] - 5 * N / 3) < 150, "task " + (k + 1) + ": " + perTask[k]);
            }
            assertEquals(0, perTask[3] + perTask[4], "tasks not seen are never replayed");
        }
    }

    /** The mode decoder for the domain setting: 2 modes (the shared labels), 5 task gates opened by hand. */
    private static FeedbackVae modeDecoderDomain(Backend be) {
        FeedbackVae vae = new FeedbackVae(be, "g", H, new int[] {H, H}, 10, 784, 2, 5, 0.5, 2 * N, new int[0],
                OptimizerConfig.adam(1e-3), new Rng(4));
        Map<String, Tensor> p = vae.namedParameters();
        for (Tensor t : p.values()) {
            be.fill(t, 0f);
        }
        be.fill(p.get("prior.logvars"), -40f);
        be.fill(vae.gateMask(1), 1f);
        be.fill(vae.gateMask(2), 1f);
        return vae;
    }
}
