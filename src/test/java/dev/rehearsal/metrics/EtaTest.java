package dev.rehearsal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The estimate of the time left, by hand: work in steps, paces in seconds per step, no clock. */
class EtaTest {
    private static Eta.Work steps(long solver, long generator, double evaluation) {
        return new Eta.Work(solver, generator, evaluation);
    }

    @Test
    void workIsCountedInStepsWithEvaluationAsAThirdOfATrainingRow() {
        // 3,840 test samples at batch 128: 3,840 / (3 x 128) = 10 steps.
        assertEquals(10.0, Eta.Work.evaluation(3_840, 128), 1e-12);
        assertEquals(940 + 2_345 + 10, steps(940, 2_345, 10).units(), 1e-12);
        assertEquals(steps(752, 0, 8), steps(940, 0, 10).minus(steps(188, 0, 2)));
        assertEquals(steps(0, 0, 0), steps(10, 0, 1).minus(steps(20, 5, 2)), "never below none");
        assertEquals(steps(1_128, 5, 12), steps(940, 0, 10).plus(steps(188, 5, 2)));
    }

    /**
     * compare naive, joint, er, gr on the seed preset: the three first took 0.6, 1.5 and 1.0 s for 1,000, 2,880
     * and 1,000 steps of work. A count of runs said 1.0 s for gr (3.1 s / 3 runs x 1 run), whatever its work.
     */
    @Test
    void theWorkLeftAtThePaceSoFarOwnOnceAStrategyHasRun() {
        Eta.Pace pace = new Eta.Pace().add("naive", steps(940, 0, 60), 0.6).add("joint", steps(2_820, 0, 60), 1.5)
                .add("er", steps(940, 0, 60), 1.0);
        // Not seen yet: every run's pace, 3.1 s / 4,880 steps. gr's 940 + 2,345 + 60 = 3,345 steps take
        // 3,345 x 3.1 / 4,880 = 2.1249 s.
        assertEquals(3_345 * 3.1 / 4_880, Eta.secondsLeft(pace, List.of(new Eta.Run("gr", steps(940, 2_345, 60)))),
                1e-9);
        // gr after its first task: 188 + 469 + 12 = 669 steps in 2.0 s, its own pace from then on: the 2,676
        // steps left of it take 2,676 x 2.0 / 669 = 8.0 s, and a second naive run its own 1,000 x 0.6 / 1,000.
        Eta.Pace now = pace.copy().add("gr", steps(188, 469, 12), 2.0);
        double left = Eta.secondsLeft(now, List.of(new Eta.Run("gr", steps(752, 1_876, 48)),
                new Eta.Run("naive", steps(940, 0, 60))));
        assertEquals(2_676 * 2.0 / 669 + 0.6, left, 1e-9);
        assertEquals(3.1, pace.seconds(), 1e-12, "the copy took gr's progress, not the pace it was made from");
    }

    @Test
    void nothingToSayBeforeAnyWorkAndNothingLeftAtTheEnd() {
        assertTrue(Double.isNaN(Eta.secondsLeft(new Eta.Pace(), List.of(new Eta.Run("er", steps(10, 0, 0))))));
        assertEquals(0.0, Eta.secondsLeft(new Eta.Pace(), List.of()));
        assertTrue(Double.isNaN(Eta.wallSecondsLeft(new Eta.Pace(), List.of(new Eta.Run("er", steps(10, 0, 0))),
                5)));
    }

    /**
     * A sweep running experiments two at a time: 40 s of work (per the records) finished in 20 s of wall time, so
     * the 100 s of work left take about 50 s.
     */
    @Test
    void runsAtOnceShareTheWallTimeAsTheyDidSoFar() {
        Eta.Pace pace = new Eta.Pace().add("er", steps(1_000, 0, 0), 10).add("gr", steps(1_000, 1_000, 0), 30);
        // er at 0.01 s a step, gr at 0.015: 5,000 er steps take 50 s and 2,000 gr steps 30 s; 1,000 naive steps at
        // every run's pace, 40 s / 3,000 steps, 13.33 s. In all 93.33 s of work, in 93.33 x 20 / 40 s of wall time.
        List<Eta.Run> left = List.of(new Eta.Run("er", steps(5_000, 0, 0)), new Eta.Run("gr", steps(1_000, 1_000, 0)),
                new Eta.Run("naive", steps(1_000, 0, 0)));
        double work = 50 + 30 + 1_000 * 40.0 / 3_000;
        assertEquals(work, Eta.secondsLeft(pace, left), 1e-9);
        assertEquals(work * 20 / 40, Eta.wallSecondsLeft(pace, left, 20), 1e-9);
    }
}
