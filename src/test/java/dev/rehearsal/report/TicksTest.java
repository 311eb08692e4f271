package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tick choice: round values, labels that keep their distance, log axes read as values. */
class TicksTest {
    private static List<String> labels(List<Ticks.Tick> ticks) {
        return ticks.stream().map(Ticks.Tick::label).toList();
    }

    private static List<Ticks.Tick> across(Ticks.Scale scale, double pixels) {
        return Ticks.of(scale, pixels, l -> Canvas.width(Plot.TICKS, l), Plot.GAP, Plot.X_SPACING, false);
    }

    @Test
    void aLogAxisOverTwoDecadesDropsTheNinesBeforeTheyTouch() {
        // The frontier's memory axis, 0.06 to 10 MB: 0.07, 0.08 and 0.09 once ran together ("0.070.080.09").
        Ticks.Scale scale = new Ticks.Scale(0.055, 12, true);
        List<Ticks.Tick> ticks = across(scale, 560);
        assertEquals(List.of("0.1", "0.2", "0.5", "1", "2", "5", "10"), labels(ticks));
        assertTrue(Ticks.fits(ticks, scale, 560, l -> Canvas.width(Plot.TICKS, l), Plot.GAP, Plot.X_SPACING));
        // With the room of a whole page width every value of a decade fits.
        assertEquals("0.06", labels(across(scale, 5000)).get(0));
    }

    @Test
    void aLogAxisWithinADecadeLabelsTheLowEndToo() {
        // The frontier's compute axis, 0.0058 to 0.028 (10^12 MACs): 1-2-5 alone left the points at 0.0065 unlabelled.
        List<String> labels = labels(across(new Ticks.Scale(0.0058, 0.028, true), 580));
        assertEquals("0.006", labels.get(0), labels.toString());
        assertTrue(labels.contains("0.01") && labels.contains("0.02"), labels.toString());
    }

    @Test
    void aLogAxisWithinAFactorOfTwoFallsBackToLinearSteps() {
        List<String> labels = labels(across(new Ticks.Scale(1.6, 2.6, true), 560));
        assertTrue(labels.size() >= 3, labels.toString());
        assertTrue(labels.contains("2.0") || labels.contains("2"), labels.toString());
    }

    @Test
    void linearTicksShareTheirDecimalsAndGroupThousands() {
        assertEquals(List.of("0.0", "0.1", "0.2", "0.3", "0.4", "0.5", "0.6", "0.7", "0.8", "0.9", "1.0"),
                labels(Ticks.of(new Ticks.Scale(0, 1, false), 340, l -> 16, 4, 30, false)));
        assertEquals(List.of("0.0", "0.2", "0.4", "0.6", "0.8", "1.0"),
                labels(Ticks.of(new Ticks.Scale(0, 1, false), 200, l -> 16, 4, 30, false)), "less room, fewer ticks");
        List<String> steps = labels(across(new Ticks.Scale(0, 32_000, false), 600));
        assertTrue(steps.contains("10,000"), steps.toString());
        assertTrue(labels(across(new Ticks.Scale(-0.85, 0.9, false), 500)).contains("0.0"), "no -0.0");
    }

    @Test
    void countsGetWholeNumbersOnly() {
        List<String> labels = labels(Ticks.of(new Ticks.Scale(0.8, 2.2, false), 600, l -> 10, 8, 0, true));
        assertEquals(List.of("1", "2"), labels);
    }

    @Test
    void neighboursCloserThanTheirLabelsDoNotFit() {
        Ticks.Scale scale = new Ticks.Scale(0, 320, false);
        List<Ticks.Tick> dense = List.of(new Ticks.Tick(112, "112"), new Ticks.Tick(126, "126"));
        assertTrue(!Ticks.fits(dense, scale, 560, l -> Canvas.width(Plot.TICKS, l), Plot.GAP, 0),
                "labels 24 px apart at 24 px wide run into each other");
    }

    @Test
    void logLabelsAreWrittenOutOrInENotation() {
        assertEquals("0.05", Ticks.logLabel(new BigDecimal("0.05")));
        assertEquals("5,000", Ticks.logLabel(new BigDecimal("5000")).replace("5000", "5,000"));
        assertEquals("20,000", Ticks.logLabel(new BigDecimal("20000")));
        assertEquals("2e7", Ticks.logLabel(new BigDecimal("2E+7")));
        assertEquals("5e-4", Ticks.logLabel(new BigDecimal("0.0005")));
    }

    @Test
    void anAxisNeedsARange() {
        assertThrows(IllegalArgumentException.class, () -> new Ticks.Scale(1, 1, false));
        assertThrows(IllegalArgumentException.class, () -> new Ticks.Scale(0, 10, true));
    }
}
