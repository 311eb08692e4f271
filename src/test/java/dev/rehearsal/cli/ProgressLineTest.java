package dev.rehearsal.cli;

import dev.rehearsal.metrics.Eta;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.strategy.Progress;
import org.junit.jupiter.api.Test;

/** The progress display's text: rates, the fixed-width line, the final state, the overall estimate. */
class ProgressLineTest {
    @Test
    void ratesAreReadableAtEverySpeed() {
        assertEquals("12.3 steps/s", ProgressLine.rate(123, 10));
        assertEquals("1.5 steps/s", ProgressLine.rate(3, 2));
        assertEquals("250 steps/s", ProgressLine.rate(500, 2));
        assertEquals("2.5 s/step", ProgressLine.rate(2, 5));
        assertEquals("150 s/step", ProgressLine.rate(2, 300));
        assertEquals("12k steps/s", ProgressLine.rate(120_000, 10));
        assertEquals("- steps/s", ProgressLine.rate(0, 1));
    }

    @Test
    void durationsAreShort() {
        assertEquals("0.2s", Progress.duration(0.2));
        assertEquals("9.9s", Progress.duration(9.9));
        assertEquals("10s", Progress.duration(9.97));
        assertEquals("42s", Progress.duration(42));
        assertEquals("3m05s", Progress.duration(185));
        assertEquals("2h07m", Progress.duration(2 * 3600 + 7 * 60 + 30));
    }

    @Test
    void everyLineHasTheSameWidthWithinEightyColumns() {
        String[] labels = {"task 1 solver", "task 10 generator", "task 1000 generator (a long label)"};
        long[][] counts = {{0, 100}, {1, 100}, {47, 100}, {100, 100}, {3, 50_000}};
        double[] seconds = {0.001, 1.7, 600, 90_000};
        double[] losses = {0.2345, 1.234e-5, 12345.6, Double.NaN};
        for (String label : labels) {
            for (long[] c : counts) {
                for (double s : seconds) {
                    for (double loss : losses) {
                        String live = ProgressLine.live(label, c[0], c[1], s, 3, loss);
                        String done = ProgressLine.finished(label, c[0], c[1], s, 3, loss);
                        assertEquals(ProgressLine.WIDTH, live.length(), "'" + live + "'");
                        assertEquals(ProgressLine.WIDTH, done.length(), "'" + done + "'");
                        assertTrue(ProgressLine.WIDTH <= 80);
                    }
                }
            }
        }
    }

    @Test
    void theLossIsPastTheBarAndTheEtaFollowsTheRate() {
        String line = ProgressLine.live("task 2 solver", 47, 100, 4.7, 1, 0.2345);
        assertTrue(line.startsWith("task 2 solver      [####      ]"), line);
        assertTrue(line.contains("10.0 steps/s ETA 5.3s"), "53 steps left at 10 a second: " + line);
        int bar = line.indexOf(']');
        int separator = line.indexOf(" | ");
        assertTrue(bar < separator && separator < line.indexOf("loss 0.2345"), line);
    }

    @Test
    void theFinalStateShowsTheLastStepsEpochAndAFullBar() {
        String line = ProgressLine.finished("task 1 solver", 94, 94, 2.35, 2, 0.1234);
        assertTrue(line.contains("[##########]"), line);
        assertTrue(line.contains("| ep 2 "), "the last step's epoch: " + line);
        assertTrue(line.contains("in 2.4s"), line);
        assertTrue(ProgressLine.summary("task 1 solver", 94, 2.35, 2, 0.1234)
                .equals("  task 1 solver: 94 steps in 2.4 s, 40.0 steps/s | epoch 2, loss 0.1234"));
        // the plain-output progress reports the steps done and the epoch of the last advance
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        ConsoleProgress p = new ConsoleProgress(new java.io.PrintStream(bytes, true), false);
        p.begin("task 1 solver", 94);
        for (long s = 0; s < 94; s++) {
            p.advance(s + 1, s / 47 + 1, 0.5);
        }
        p.end();
        assertTrue(bytes.toString().startsWith("  task 1 solver: 94 steps in "), bytes.toString());
        assertTrue(bytes.toString().contains("| epoch 2, loss 0.5"), bytes.toString());
    }

    /**
     * The overall estimate, by hand: the work left (the rest of the current run, as its strategy planned it, and
     * the runs to come) at the pace so far, a strategy's own once one of its runs has made progress.
     */
    @Test
    void multiRunCommandsEstimateTheTimeLeftFromTheWorkLeft() {
        ProgressLine.Runs single = new ProgressLine.Runs();
        single.started("er seed 1", 1, 1, "er", List.of(), 0);
        assertNull(single.planned(new Eta.Work(100, 0, 0)), "one run: no line of its own");
        assertEquals("er seed 1 task 1/2: ..., about 1.0s left", single.taskDone("er seed 1 task 1/2: ...",
                new Eta.Work(50, 0, 0), 1_000_000_000L), "50 of 100 steps in 1 s: 50 more");
        assertEquals("er seed 1 task 2/2: ...", single.taskDone("er seed 1 task 2/2: ...", new Eta.Work(100, 0, 0),
                2_000_000_000L), "nothing left: nothing to say");
        assertEquals("outside a command's runs", new ProgressLine.Runs().taskDone("outside a command's runs",
                new Eta.Work(1, 0, 0), 1), "scale and profile run experiments one by one: nothing to add");

        ProgressLine.Runs runs = new ProgressLine.Runs();
        // run 1 was kept from an earlier command; naive seed 1 to come after er, then gr (estimated from its config).
        List<Eta.Run> after = List.of(new Eta.Run("gr", new Eta.Work(1_000, 2_000, 0)),
                new Eta.Run("er", new Eta.Work(900, 0, 0)));
        runs.started("er seed 1", 2, 4, "er", after, 0);
        assertEquals("run 2/4 (er seed 1): the time left is estimated once its first task has finished",
                runs.planned(new Eta.Work(1_000, 0, 0)));
        // 250 steps in 2 s: 0.008 s a step for er, and for gr, not seen yet. Left: 750 + 3,000 + 1,000 (er's own
        // plan replaces the estimate of its second run) = 4,750 steps, 38 s.
        assertEquals("er task: ..., about 38s left in all", runs.taskDone("er task: ...", new Eta.Work(250, 0, 0),
                2_000_000_000L));
        // er's run took 10 s for its 1,000 steps (0.01 s a step); gr plans 1,000 + 2,500 + 20 steps: 3,520 steps of
        // gr and 1,000 of er at 0.01 s are 45.2 s.
        runs.started("gr seed 1", 3, 4, "gr", List.of(new Eta.Run("er", new Eta.Work(900, 0, 0))), 10_000_000_000L);
        assertEquals("run 3/4 (gr seed 1): about 45s left for 2 runs (4,520 steps)",
                runs.planned(new Eta.Work(1_000, 2_500, 20)));
        // gr's first task: 704 steps in 14.08 s, 0.02 s a step of its own: 2,816 steps left of it, 56.32 s, and er's
        // 1,000 at its 0.01: 66.32 s.
        assertEquals("gr task: ..., about 1m06s left in all", runs.taskDone("gr task: ...", new Eta.Work(200, 500, 4),
                24_080_000_000L));
    }
}
