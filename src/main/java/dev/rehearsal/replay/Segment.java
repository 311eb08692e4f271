package dev.rehearsal.replay;

/**
 * Rows [from, to) of a batch that share a loss over output units [lo, hi), with {@code weightPerRow} (a loss
 * weight divided by the number of rows it averages over). The {@link Loss} says what the rows are compared
 * with: the batch's integer targets, its soft targets, or logits stored in its soft-target rows.
 */
public record Segment(int from, int to, int lo, int hi, float weightPerRow, Loss loss) {
    /** What a segment's rows are compared with, and how (the loss the training loop applies to them). */
    public enum Loss {
        /** Cross-entropy against the batch's integer targets ({@code Backend.crossEntropy}). */
        HARD,
        /**
         * Distillation against the batch's soft targets {@code [rows, hi-lo]} at the configured temperature
         * ({@code Backend.softCrossEntropy}).
         */
        SOFT,
        /**
         * Squared error against target logits held in the batch's soft-target rows {@code [rows, hi-lo]}
         * (DER++'s logit matching, {@code Backend.mseLoss}); {@code weightPerRow} already includes the
         * division by the {@code hi - lo} units a mean over elements needs.
         */
        LOGITS
    }

    /** A segment with hard ({@code soft == false}) or soft targets: what every source before DER++ builds. */
    public Segment(int from, int to, int lo, int hi, float weightPerRow, boolean soft) {
        this(from, to, lo, hi, weightPerRow, soft ? Loss.SOFT : Loss.HARD);
    }

    public int rows() {
        return to - from;
    }

    /** Whether the rows are distilled from soft targets ({@link Loss#SOFT}). */
    public boolean soft() {
        return loss == Loss.SOFT;
    }

    /** The same rows and loss with another weight per row. */
    public Segment withWeight(float w) {
        return new Segment(from, to, lo, hi, w, loss);
    }
}
