package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The arithmetic behind the charts (their legibility is FigureLegibilityTest's, their pages HtmlReportTest's). */
class FiguresTest {

    @Test
    void theFittedLinePassesThroughAnExactPowerLaw() {
        double[] x = {2, 5, 10, 50};
        double[] log10y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            log10y[i] = Math.log10(3 * x[i] * x[i]); // y = 3 tasks^2
        }
        double[] line = Figures.fittedLine(x, log10y, 2.0);
        assertEquals(Math.log10(12), line[0], 1e-12, "at 2 tasks");
        assertEquals(Math.log10(7500), line[1], 1e-12, "at 50 tasks");
    }

    @Test
    void aCountOfOneTakesTheSingular() {
        assertEquals("1 step", Figures.count(1, "step"));
        assertEquals("50 steps", Figures.count(50, "step"));
        assertEquals("0 figures", Figures.count(0, "figure"));
    }

    @Test
    void namesBecomeSafeFileNames() {
        assertEquals("er", Figures.fileName("er"));
        assertEquals("memory_bytes", Figures.fileName("memory_bytes"));
        assertEquals("___etc_passwd", Figures.fileName("../etc/passwd"));
    }
}
