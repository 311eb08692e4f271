package dev.rehearsal.backend.nativ;

/** Which library runs the linear layers' GEMMs (chosen by measurement: see the README's benchmarks). */
public enum GemmEngine {
    /** oneDNN matmul primitives, bias and ReLU fused as post-ops, accumulation as a sum post-op. */
    DNNL,
    /** OpenBLAS {@code cblas_sgemm}, then our fused bias + activation kernel. */
    OPENBLAS
}
