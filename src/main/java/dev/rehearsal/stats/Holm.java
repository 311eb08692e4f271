package dev.rehearsal.stats;

import java.util.Arrays;

/**
 * Holm's step-down correction for the m comparisons of one table: sort the p-values, multiply the i-th smallest
 * (from 0) by m - i, carry the running maximum forward so the adjusted values keep the order, cap at 1.
 * A comparison is significant at level alpha when its adjusted p-value is at most alpha; this controls the
 * family-wise error rate without assuming the comparisons are independent.
 */
public final class Holm {
    private Holm() {
    }

    /** The adjusted p-values, in the order given. NaN p-values (an undefined test) stay NaN and do not count. */
    public static double[] adjust(double... p) {
        Integer[] order = new Integer[p.length];
        int m = 0;
        for (int i = 0; i < p.length; i++) {
            order[i] = i;
            if (!Double.isNaN(p[i])) {
                if (p[i] < 0 || p[i] > 1) {
                    throw new IllegalArgumentException("a p-value is in [0, 1], got " + p[i]);
                }
                m++;
            }
        }
        Arrays.sort(order, (i, j) -> Double.compare(key(p[i]), key(p[j])));
        double[] out = new double[p.length];
        double running = 0;
        for (int k = 0; k < p.length; k++) {
            int i = order[k];
            if (Double.isNaN(p[i])) {
                out[i] = Double.NaN;
                continue;
            }
            running = Math.max(running, Math.min(1, (m - k) * p[i]));
            out[i] = running;
        }
        return out;
    }

    private static double key(double p) {
        return Double.isNaN(p) ? Double.POSITIVE_INFINITY : p;
    }
}
