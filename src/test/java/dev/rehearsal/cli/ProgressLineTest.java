package dev.rehearsal.cli;

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

    @Test
    void multiRunCommandsEstimateTheTimeLeftFromTheirFinishedRuns() {
        ProgressLine.Runs runs = new ProgressLine.Runs();
        assertNull(new ProgressLine.Runs().started("er seed 1", 1, 1, 0), "one run: nothing to estimate");
        assertEquals("run 2/6 (er seed 1): the time left is estimated once a run has finished",
                runs.started("er seed 1", 2, 6, 0), "run 1 was kept from an earlier command");
        assertEquals("run 3/6 (gr seed 1): about 40s left for 4 runs (10s per run so far)",
                runs.started("gr seed 1", 3, 6, 10_000_000_000L));
        assertEquals("run 4/6 (naive seed 2): about 45s left for 3 runs (15s per run so far)",
                runs.started("naive seed 2", 4, 6, 30_000_000_000L));
    }
}
