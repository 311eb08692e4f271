package dev.rehearsal.bench;

/**
 * What one benchmark operation computes, so that a time per operation becomes a rate: {@code items} of
 * kind {@code itemName} (samples, gaussians) and {@code flops} floating-point operations (a multiply-add
 * counts 2). Either may be 0 when it does not apply.
 */
public record Work(double items, String itemName, double flops) {

    /** {@code samples} samples and {@code flops} FLOPs per operation. */
    public static Work samples(double samples, double flops) {
        return new Work(samples, "samples", flops);
    }

    /** {@code flops} FLOPs per operation, no sample count (a bare GEMM). */
    public static Work flops(double flops) {
        return new Work(0, "", flops);
    }
}
