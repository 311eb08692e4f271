package dev.rehearsal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The metric formulas on a 3-task matrix computed by hand. */
class AccuracyMatrixTest {
    //            on task 1  task 2  task 3
    private static final double[][] R = {
        {0.90, 0.10, 0.20}, // after task 1
        {0.70, 0.95, 0.30}, // after task 2
        {0.60, 0.80, 0.99}, // after task 3
    };
    private static final double[] B = {0.10, 0.12, 0.08};

    private static AccuracyMatrix matrix(int rows) {
        AccuracyMatrix m = new AccuracyMatrix(3);
        m.setInitial(B);
        for (int i = 0; i < rows; i++) {
            m.setRow(i, R[i]);
        }
        return m;
    }

    @Test
    void formulasMatchHandComputedValues() {
        AccuracyMatrix m = matrix(3);
        assertEquals((0.60 + 0.80 + 0.99) / 3, m.acc(), 1e-12);
        // BWT = ((0.60 - 0.90) + (0.80 - 0.95)) / 2 = -0.225
        assertEquals(-0.225, m.bwt(), 1e-12);
        // FWT = ((R[1][2] - b2) + (R[2][3] - b3)) / 2 = ((0.10 - 0.12) + (0.30 - 0.08)) / 2 = 0.10
        assertEquals(0.10, m.fwt(), 1e-12);
        // forgetting: task 1 max(0.90, 0.70) - 0.60 = 0.30; task 2 max(0.95) - 0.80 = 0.15; mean 0.225
        assertEquals(0.225, m.forgetting(), 1e-12);
    }

    @Test
    void partialMatricesUseTheTasksSeenSoFar() {
        AccuracyMatrix m = matrix(2);
        assertEquals((0.70 + 0.95) / 2, m.acc(), 1e-12);
        assertEquals(0.70 - 0.90, m.bwt(), 1e-12);
        assertEquals(0.10 - 0.12, m.fwt(), 1e-12);
        AccuracyMatrix one = matrix(1);
        assertEquals(0.90, one.acc(), 1e-12);
        assertTrue(Double.isNaN(one.bwt()), "BWT of one task is undefined");
        assertTrue(Double.isNaN(one.fwt()), "FWT of one task is undefined");
        assertTrue(Double.isNaN(one.forgetting()), "forgetting of one task is undefined");
    }

    @Test
    void rowsComeInOrder() {
        AccuracyMatrix m = new AccuracyMatrix(3);
        assertThrows(IllegalStateException.class, () -> m.setRow(1, R[1]));
        assertThrows(IllegalStateException.class, m::acc);
        assertThrows(IllegalArgumentException.class, () -> m.setRow(0, new double[2]));
    }
}
