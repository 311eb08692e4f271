package dev.rehearsal.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The arithmetic behind the scaling charts (the pictures themselves are checked in HtmlReportTest). */
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
    void logAxisLabelsShowTheValueWithTwoDigits() {
        assertEquals("3.2", Figures.powerOfTen(0.5));
        assertEquals("20", Figures.powerOfTen(Math.log10(20)));
        assertEquals("100", Figures.powerOfTen(2));
        assertEquals("0.5", Figures.powerOfTen(Math.log10(0.5)));
        assertEquals("3.2e+06", Figures.powerOfTen(6.5));
    }

    @Test
    void namesBecomeSafeFileNames() {
        assertEquals("er", Figures.fileName("er"));
        assertEquals("memory_bytes", Figures.fileName("memory_bytes"));
        assertEquals("___etc_passwd", Figures.fileName("../etc/passwd"));
    }
}
