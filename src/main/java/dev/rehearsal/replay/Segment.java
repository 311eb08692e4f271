package dev.rehearsal.replay;

/**
 * Rows [from, to) of a batch that share a loss: classified over output units [lo, hi) with
 * {@code weightPerRow} (a loss weight divided by the number of rows it averages over), against the
 * batch's integer targets, or its soft targets when {@code soft}.
 */
public record Segment(int from, int to, int lo, int hi, float weightPerRow, boolean soft) {
    public int rows() {
        return to - from;
    }
}
