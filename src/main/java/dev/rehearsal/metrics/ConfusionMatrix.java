package dev.rehearsal.metrics;

/**
 * Counts of (true class, predicted class) over test samples, indexed by output unit: row = the sample's
 * target, column = the unit the classifier chose. Square, one row and column per output unit of the
 * scenario.
 */
public final class ConfusionMatrix {
    private final long[][] counts;

    public ConfusionMatrix(int classes) {
        this.counts = new long[classes][classes];
    }

    public void add(int truth, int predicted) {
        counts[truth][predicted]++;
    }

    public int classes() {
        return counts.length;
    }

    /** Samples classified correctly (the diagonal). */
    public long correct() {
        long s = 0;
        for (int i = 0; i < counts.length; i++) {
            s += counts[i][i];
        }
        return s;
    }

    public long[][] counts() {
        long[][] out = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            out[i] = counts[i].clone();
        }
        return out;
    }
}
