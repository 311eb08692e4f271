package dev.rehearsal.backend.nativ;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Fixture;
import dev.rehearsal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The long elementwise passes that run on oneDNN's OpenMP team (Adam, SGD, fills): split over the team they
 * give the same bits as the same op run serially, chunk by chunk (each chunk shorter than the team's
 * threshold, so it runs on the calling thread), including the odd tail.
 */
class TeamKernelTest {
    /** Longer than the team threshold (65,536 floats) and not a multiple of 16 or of the thread count. */
    private static final int N = 300_007;
    /** Below the threshold: each call runs on the calling thread alone. */
    private static final int CHUNK = 40_000;

    @Test
    void theTeamIsOneDnnsAndHasTheRuntimesThreads() {
        Backends.nativ();
        assertEquals(Backends.THREADS, Kernels.rh_team_threads());
    }

    @Test
    void adamAndSgdSplitOverTheTeamEqualTheSerialPasses() {
        try (Fixture fx = new Fixture(Backends.nativ(), 11)) {
            float[] p0 = fx.uniform(N, 1);
            Tensor[] team = {fx.floats(1, N, 0, p0), fx.floats(1, N, 0, null), fx.floats(1, N, 0, null)};
            Tensor[] serial = {fx.floats(1, N, 0, p0), fx.floats(1, N, 0, null), fx.floats(1, N, 0, null)};
            for (int t = 1; t <= 3; t++) {
                Tensor g = fx.floats(1, N, 0, fx.uniform(N, 1));
                Backends.nativ().adamStep(team[0], g, team[1], team[2], 0.9f, 0.999f, 1e-8f, 1e-2f, 1.0005f, 1e-3f);
                for (int lo = 0; lo < N; lo += CHUNK) {
                    int hi = Math.min(N, lo + CHUNK);
                    Backends.nativ().adamStep(serial[0].cols(lo, hi), g.cols(lo, hi), serial[1].cols(lo, hi),
                            serial[2].cols(lo, hi), 0.9f, 0.999f, 1e-8f, 1e-2f, 1.0005f, 1e-3f);
                }
            }
            for (int i = 0; i < 3; i++) {
                assertArrayEquals(serial[i].toFloatArray(), team[i].toFloatArray(), "Adam block " + i);
            }
            Tensor g = fx.floats(1, N, 0, fx.uniform(N, 1));
            Backends.nativ().sgdStep(team[0], g, team[1], 0.1f, 0.9f, 1e-4f);
            for (int lo = 0; lo < N; lo += CHUNK) {
                int hi = Math.min(N, lo + CHUNK);
                Backends.nativ().sgdStep(serial[0].cols(lo, hi), g.cols(lo, hi), serial[1].cols(lo, hi), 0.1f,
                        0.9f, 1e-4f);
            }
            assertArrayEquals(serial[0].toFloatArray(), team[0].toFloatArray(), "SGD parameters");
            assertArrayEquals(serial[1].toFloatArray(), team[1].toFloatArray(), "SGD velocity");
        }
    }

    @Test
    void aLongFillReachesEveryElementAndAStridedOneOnlyItsColumns() {
        try (Fixture fx = new Fixture(Backends.nativ(), 12)) {
            Tensor x = fx.floats(1, N, 0, fx.uniform(N, 1));
            Backends.nativ().fill(x, 0.25f);
            for (float v : x.toFloatArray()) {
                assertEquals(0.25f, v);
            }
            // 700 rows of 500 with a row stride of 503: the 3 padding floats of every row keep their values.
            Tensor padded = fx.floats(700, 500, 3, null);
            Backends.nativ().fill(padded, -1f);
            Tensor whole = new Tensor(padded.block(), padded.offset(), 700, 503, 503);
            float[] all = whole.toFloatArray();
            int filled = 0;
            for (int r = 0; r < 700; r++) {
                for (int j = 0; j < 503; j++) {
                    float v = all[r * 503 + j];
                    if (j < 500) {
                        assertEquals(-1f, v);
                        filled++;
                    } else {
                        assertTrue(v != -1f, "padding at row " + r);
                    }
                }
            }
            assertEquals(700 * 500, filled);
        }
    }

    /**
     * The VAE's reconstruction loss over a batch of 128 images (100,352 logits: split over the team by rows):
     * the gradient equals, bit for bit, the two halves computed on the calling thread, and the loss their sum.
     */
    @Test
    void bceOverTheTeamEqualsItsHalvesOnOneThread() {
        int rows = 128;
        int cols = 784;
        try (Fixture fx = new Fixture(Backends.nativ(), 13)) {
            Tensor x = fx.floats(rows, cols, 2, fx.uniform(rows * cols, 6));
            float[] tf = fx.uniform(rows * cols, 0.5);
            for (int i = 0; i < tf.length; i++) {
                tf[i] += 0.5f;
            }
            Tensor t = fx.floats(rows, cols, 0, tf);
            Tensor team = fx.floats(rows, cols, 0, null);
            Tensor halves = fx.floats(rows, cols, 0, null);
            double loss = Backends.nativ().bceWithLogits(team, x, t, 1f / rows);
            double sum = 0;
            for (int lo = 0; lo < rows; lo += 64) {
                sum += Backends.nativ().bceWithLogits(halves.rows(lo, lo + 64), x.rows(lo, lo + 64),
                        t.rows(lo, lo + 64), 1f / rows);
            }
            assertArrayEquals(halves.toFloatArray(), team.toFloatArray(), "BCE gradient");
            assertEquals(sum, loss, 1e-12 * Math.abs(sum), "BCE loss");
        }
    }
}
