package dev.rehearsal.backend.nativ;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * The start-up peak's warm-up, on scripted GEMM times (seconds per product): it must outlast a core's ramp, so that
 * the timed rounds see the speed the runs will see, and stop on a steady core or a core that never settles.
 */
class PeakWarmUpTest {
    /** The products' seconds in order, then the last one forever. */
    private static DoubleSupplier times(double... seconds) {
        int[] i = {0};
        return () -> seconds[Math.min(i[0]++, seconds.length - 1)];
    }

    @Test
    void aSteadyCoreWarmsUpForTheMinimumOnly() {
        // 0.1 s a product: six reach 0.6 s.
        assertEquals(6, PeakGemm.warmUp(times(0.1), 0.6, 2.0, 0.05));
    }

    @Test
    void aCoreThatSpeedsUpAtTheMinimumIsWarmedUpUntilItHolds() {
        // A Zen 5 VM ran 1024^3 GEMMs at about 132 GFLOP/s, then 206. Here the product that ends the minimum
        // (0.25 + 0.25 + 0.15 = 0.65 s) is the first fast one: a speed-up, so one more runs, steady, and it stops.
        assertEquals(4, PeakGemm.warmUp(times(0.25, 0.25, 0.15, 0.15, 0.15), 0.6, 2.0, 0.05));
        // A speed-up after the minimum is not seen (0.2 x 3 = 0.6 s, steady): the minimum must outlast the ramp,
        // as 0.6 s did on that machine, whose ramp ended by 0.45 s.
        assertEquals(3, PeakGemm.warmUp(times(0.2, 0.2, 0.2, 0.1), 0.6, 2.0, 0.05));
    }

    @Test
    void aRampInStepsIsFollowedToItsEnd() {
        // Faster by more than 5% at every product down to 0.3 s (0.5, 0.4, 0.34, 0.3: past the minimum from the
        // second on, each a speed-up), then one steady product ends it.
        assertEquals(5, PeakGemm.warmUp(times(0.5, 0.4, 0.34, 0.3, 0.3, 0.3), 0.6, 5.0, 0.05));
        // Small drifts (3%) are not a ramp.
        assertEquals(3, PeakGemm.warmUp(times(0.3, 0.291, 0.283), 0.6, 5.0, 0.05));
    }

    @Test
    void aCoreThatNeverSettlesStopsAtTheMaximum() {
        double[] s = new double[100];
        for (int i = 0; i < s.length; i++) {
            s[i] = 0.5 * Math.pow(0.9, i);
        }
        // 0.5 + 0.45 + 0.405 + 0.3645 + 0.328 = 2.05 s: the fifth product crosses 2 s.
        assertEquals(5, PeakGemm.warmUp(times(s), 0.6, 2.0, 0.05));
    }
}
