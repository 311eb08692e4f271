package dev.rehearsal.metrics;

import java.util.Arrays;

/**
 * {@code R[i][j]}: test accuracy on task j after training on tasks 0..i; {@code b[j]}: accuracy on task j
 * of the randomly initialised model. Indices are 0-based here; the formulas in the literature are 1-based.
 */
public final class AccuracyMatrix {
    private final double[][] r;
    private final double[] b;
    private int rowsDone;

    public AccuracyMatrix(int tasks) {
        if (tasks < 1) {
            throw new IllegalArgumentException("need at least one task, got " + tasks);
        }
        this.r = new double[tasks][tasks];
        this.b = new double[tasks];
    }

    /** From known values (tests, resumed runs): {@code rows} complete rows of R. */
    public AccuracyMatrix(double[][] r, double[] b, int rows) {
        this(b.length);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(r[i], 0, this.r[i], 0, b.length);
        }
        System.arraycopy(b, 0, this.b, 0, b.length);
        this.rowsDone = rows;
    }

    public int tasks() {
        return b.length;
    }

    public void setInitial(double[] accuracies) {
        check(accuracies);
        System.arraycopy(accuracies, 0, b, 0, b.length);
    }

    /** Records the row after training task {@code i}; rows come in order. */
    public void setRow(int i, double[] accuracies) {
        check(accuracies);
        if (i != rowsDone) {
            throw new IllegalStateException("row " + i + " given, row " + rowsDone + " expected next");
        }
        System.arraycopy(accuracies, 0, r[i], 0, b.length);
        rowsDone++;
    }

    private void check(double[] a) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("expected " + b.length + " accuracies, got " + a.length);
        }
    }

    public int rowsDone() {
        return rowsDone;
    }

    public boolean complete() {
        return rowsDone == b.length;
    }

    public double[][] r() {
        double[][] out = new double[b.length][];
        for (int i = 0; i < b.length; i++) {
            out[i] = r[i].clone();
        }
        return out;
    }

    public double[] b() {
        return b.clone();
    }

    private int last() {
        if (rowsDone == 0) {
            throw new IllegalStateException("no task finished yet");
        }
        return rowsDone - 1;
    }

    /** ACC = 1/T sum_j R[T][j], over the tasks seen so far (all of them once complete). */
    public double acc() {
        int t = last();
        double s = 0;
        for (int j = 0; j <= t; j++) {
            s += r[t][j];
        }
        return s / (t + 1);
    }

    /** BWT = 1/(T-1) sum_{j<T} (R[T][j] - R[j][j]); NaN (undefined) for a single task. */
    public double bwt() {
        int t = last();
        if (t == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int j = 0; j < t; j++) {
            s += r[t][j] - r[j][j];
        }
        return s / t;
    }

    /** FWT = 1/(T-1) sum_{j>=2} (R[j-1][j] - b[j]) (1-based j); NaN (undefined) for a single task. */
    public double fwt() {
        int t = last();
        if (t == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int j = 1; j <= t; j++) {
            s += r[j - 1][j] - b[j];
        }
        return s / t;
    }

    /** Average forgetting: 1/(T-1) sum_{j<T} (max_{l<T} R[l][j] - R[T][j]); NaN (undefined) for a single task. */
    public double forgetting() {
        int t = last();
        if (t == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int j = 0; j < t; j++) {
            double best = Double.NEGATIVE_INFINITY;
            for (int l = j; l < t; l++) {
                best = Math.max(best, r[l][j]);
            }
            s += best - r[t][j];
        }
        return s / t;
    }

    @Override
    public String toString() {
        return "R=" + Arrays.deepToString(r) + " b=" + Arrays.toString(b);
    }
}
