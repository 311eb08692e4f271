package dev.rehearsal.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Prototypes plus a small generator: its fit, its exact memory, and what a draw writes, by hand. */
class PrototypeReplayTest {
    private static final int[] ORDER = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    private static final int N = 12;

    /**
     * Four points +-3 e1 and +-1 e2 (centred): the top direction is e1 with standard deviation
     * sqrt((9 + 9) / 4) = 2.1213, the next e2 with sqrt(2 / 4) = 0.7071, the third is zero (no variance left).
     */
    @Test
    void principalDirectionsByHand() {
        double[][] x = {{3, 0, 0, 0, 0}, {-3, 0, 0, 0, 0}, {0, 1, 0, 0, 0}, {0, -1, 0, 0, 0}};
        double[][] v = PrototypeReplay.principalDirections(x, 3, new Rng(3));
        assertEquals(Math.sqrt(4.5), Math.abs(v[0][0]), 1e-9);
        assertEquals(Math.sqrt(0.5), Math.abs(v[1][1]), 1e-9);
        for (int j = 0; j < 5; j++) {
            assertEquals(0, v[2][j], 1e-9, "no variance left for a third direction");
            if (j != 0) {
                assertEquals(0, v[0][j], 1e-9);
            }
            if (j != 1) {
                assertEquals(0, v[1][j], 1e-9);
            }
        }
    }

    /**
     * Replay memory by hand: 3 prototypes per class in binary (98 bytes each) for the 4 classes of two
     * tasks, and 2 directions per fitted class at 784 int8 codes and one float scale each (2 x 788 bytes).
     * A draw's noise is one GEMM of N rows x (10 groups x 2) x 784 MACs, counted under generation.
     */
    @ParameterizedTest
    @ValueSource(strings = {"native", "jvm"})
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void memoryAndGenerationCostByHand(String backend) {
        Backend be = Backends.named(backend);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 30, 5);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 5, 6);
                Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                ReplayBuffer buf = new ReplayBuffer(be, sc, 3, ReplayBuffer.Selection.RANDOM, Storage.BINARY, N);
                PrototypeReplay src = new PrototypeReplay(be, sc, buf, 2, 1, N);
                Arena arena = be.newArena("t");
                Batch batch = new Batch(be, "b", N, 10)) {
            Rng rng = new Rng(7);
            for (Task t : sc.tasks().subList(0, 2)) {
                buf.addTask(t, rng);
                src.fit(t, rng);
            }
            assertEquals(3 * 4 * 98 + 4 * 2 * (784 + 4), src.keptBytes());
            assertEquals(10L * 2 * 784 + 10 * 2 * 4, src.generatorBlocks().stream().mapToLong(b -> b.bytes()).sum(),
                    "codes and scales allocated for all 10 classes, kept only for the fitted ones");
            Ledger ledger = new Ledger(be::macs);
            Tensor input = Tensor.of(arena.allocate("in", DType.F32, (long) N * 784), N, 784);
            src.prepare(N);
            try (var t = ledger.time(Phase.GENERATION)) {
                src.draw(input, batch, 0, N, 4, new Rng(9), ledger);
            }
            assertEquals((long) N * 10 * 2 * 784, ledger.macs(Phase.GENERATION));
            assertEquals(N, ledger.samples(Phase.GENERATION));
        }
    }

    /**
     * A draw is, row by row, a stored prototype translated by at most one pixel plus a multiple of its own
     * class's directions: with rank 1 and no shift, row - prototype is z u_g for the row's group g; with shift
     * and no noise, the row is the prototype translated by some (dx, dy) in [-1, 1]^2. Both backends agree.
     */
    @Test
    void drawsArePrototypesTranslatedPlusTheirClassNoise() {
        float[][] noisy = new float[2][];
        int k = 0;
        for (Backend be : new Backend[] {Backends.jvm(), Backends.nativ()}) {
            try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 30, 5);
                    Dataset test = Synthetic.dataset(be, "syn-test", 10, 5, 6);
                    Scenario sc = Scenario.split(train, test, ORDER, 2, Setting.CLASS, true, 0, 1);
                    ReplayBuffer buf = new ReplayBuffer(be, sc, 3, ReplayBuffer.Selection.RANDOM, Storage.U4, N);
                    PrototypeReplay noise = new PrototypeReplay(be, sc, buf, 1, 0, N);
                    PrototypeReplay shift = new PrototypeReplay(be, sc, buf, 0, 1, N);
                    Arena arena = be.newArena("t");
                    Batch batch = new Batch(be, "b", N, 10)) {
                Rng rng = new Rng(7);
                for (Task t : sc.tasks().subList(0, 2)) {
                    buf.addTask(t, rng);
                    noise.fit(t, rng);
                    shift.fit(t, rng);
                }
                Tensor input = Tensor.of(arena.allocate("in", DType.F32, (long) N * 784), N, 784);
                noise.draw(input, batch, 0, N, 4, new Rng(11), new Ledger());
                int[] slots = batch.indices(0, N).toIntArray();
                float[] got = input.toFloatArray();
                for (int r = 0; r < N; r++) {
                    float[] p = buf.pixels(slots[r]);
                    float[] u = noise.direction(buf.groupOfSlot(slots[r]), 0);
                    double dot = 0;
                    double uu = 0;
                    for (int j = 0; j < 784; j++) {
                        dot += (got[r * 784 + j] - p[j]) * u[j];
                        uu += u[j] * u[j];
                    }
                    assertTrue(uu > 0, "fitted classes have a direction");
                    double zr = dot / uu;
                    for (int j = 0; j < 784; j++) {
                        assertEquals(p[j] + zr * u[j], got[r * 784 + j], 1e-5, "row " + r + " pixel " + j);
                    }
                }
                noisy[k++] = got;
                shift.draw(input, batch, 0, N, 4, new Rng(12), new Ledger());
                slots = batch.indices(0, N).toIntArray();
                got = input.toFloatArray();
                for (int r = 0; r < N; r++) {
                    float[] p = buf.pixels(slots[r]);
                    boolean found = false;
                    for (int dy = -1; dy <= 1 && !found; dy++) {
                        for (int dx = -1; dx <= 1 && !found; dx++) {
                            boolean same = true;
                            for (int i = 0; i < 28 && same; i++) {
                                for (int j = 0; j < 28 && same; j++) {
                                    int si = i - dy;
                                    int sj = j - dx;
                                    float want = si >= 0 && si < 28 && sj >= 0 && sj < 28 ? p[si * 28 + sj] : 0f;
                                    same = want == got[r * 784 + i * 28 + j];
                                }
                            }
                            found = same;
                        }
                    }
                    assertTrue(found, "row " + r + " is its prototype translated by at most one pixel");
                }
            }
        }
        assertArrayEquals(noisy[0], noisy[1], 1e-5f, "native and jvm draw the same rows");
    }
}
