package dev.rehearsal.backend.nativ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.backend.nativ.NativeRuntime.OmpWait;
import org.junit.jupiter.api.Test;

/** What {@code --omp-wait auto} decides, by hand, and the measurement it decides from. */
class WaitPolicyTest {

    @Test
    void spinsOnlyWhenEveryThreadHasAFreeCore() {
        assertEquals(OmpWait.PASSIVE, NativeRuntime.decide(1, 8.0), "one thread never waits for a team");
        assertEquals(OmpWait.BRIEF, NativeRuntime.decide(2, 2.0));
        assertEquals(OmpWait.BRIEF, NativeRuntime.decide(2, 1.8), "a little noise from other processes is allowed");
        assertEquals(OmpWait.PASSIVE, NativeRuntime.decide(2, 1.7));
        assertEquals(OmpWait.PASSIVE, NativeRuntime.decide(2, 1.0), "another process holds a core");
        assertEquals(OmpWait.PASSIVE, NativeRuntime.decide(4, 3.7));
        assertEquals(OmpWait.BRIEF, NativeRuntime.decide(4, 3.9));
        assertEquals(OmpWait.PASSIVE, NativeRuntime.decide(2, Double.NaN), "unknown: the safe choice");
    }

    @Test
    void freeCoresAreAMeasurementWithinTheMachine() {
        double free = NativeRuntime.freeCpus(50);
        assertTrue(Double.isNaN(free) || (free >= 0 && free <= Runtime.getRuntime().availableProcessors()),
                "free cores " + free);
    }
}
