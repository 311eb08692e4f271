package dev.rehearsal.backend;

/**
 * Multiply-accumulates of the GEMMs a backend has issued, counted where each is issued: a product of an
 * {@code [m, k]} and a {@code [k, n]} operand adds {@code m·n·k}, whether it is a forward pass, a weight
 * gradient or an input gradient. A count therefore always equals the work done: a GEMM that a model skips
 * (the first layer's input gradient) is never counted, one that a strategy adds always is.
 *
 * <p>Not thread-safe, like the backend that owns it: a backend serves one training thread (its ops keep
 * per-call state), and its internal worker threads never count.
 */
public final class MacCounter {
    private long total;

    /** Counts one {@code [m, k] x [k, n]} product. */
    public void gemm(long m, long n, long k) {
        total += m * n * k;
    }

    /** Every MAC counted since the backend was created. */
    public long total() {
        return total;
    }
}
