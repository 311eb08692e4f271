package dev.rehearsal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The marker every table and sentence puts on a strategy whose runs did not all finish, and the order they take. */
class CompletionTest {
    private static final String DIVERGED = "training diverged: the solver loss is Infinity at task 2, epoch 1, step 1";

    @Test
    void aCompleteStrategyKeepsItsName() {
        Completion c = new Completion(5, 5, 3, 3, null);
        assertTrue(c.complete());
        assertEquals("er", c.label("er"));
        assertEquals("", c.marker());
        assertEquals("", c.explanation("er"));
    }

    @Test
    void aStoppedRunSaysHowFarItGotAndWhy() {
        Completion c = new Completion(1, 5, 1, 1, DIVERGED);
        assertFalse(c.complete());
        assertEquals("lwf (incomplete: 1 of 5 tasks, training diverged)", c.label("lwf"));
        assertEquals("lwf finished 1 of 5 tasks, then stopped: " + DIVERGED + "; listed after the complete "
                + "strategies and not ranked with them.", c.explanation("lwf"));
    }

    @Test
    void missingSeedsAndARunStillGoingAreIncompleteToo() {
        assertEquals("er (incomplete: 1 of 3 seeds)", new Completion(5, 5, 1, 3, null).label("er"));
        Completion running = new Completion(2, 5, 1, 1, null);
        assertEquals("gr (incomplete: 2 of 5 tasks)", running.label("gr"));
        assertTrue(running.explanation("gr").contains("(still running, or interrupted)"), running.explanation("gr"));
    }

    @Test
    void theIncompleteComeAfterTheCompleteInTheirOwnOrder() {
        record S(String name, Completion c) {
        }
        Completion done = new Completion(5, 5, 1, 1, null);
        Completion partial = new Completion(1, 5, 1, 1, DIVERGED);
        List<S> in = List.of(new S("a", partial), new S("b", done), new S("c", partial), new S("d", done));
        assertEquals(List.of("b", "d", "a", "c"), Completion.completeFirst(in, S::c).stream().map(S::name).toList());
    }

    @Test
    void aRunNotStartedIsOneLineWithItsReason() {
        assertEquals("naive (seed 1): not run; not started: the command stopped when lwf seed 1 failed",
                new Completion.NotRun("naive", List.of(1L), "not started: the command stopped when lwf seed 1 failed")
                        .line());
        assertEquals("training diverged", Completion.headline(DIVERGED));
        assertEquals("out of memory", Completion.headline("out of memory"));
    }
}
