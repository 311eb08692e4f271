/**
 * Benchmarks of the native stack itself: {@link dev.rehearsal.bench.backend.nativ.PeakGemmBench} measures
 * what oneDNN and OpenBLAS reach on a large SGEMM (the machine's practical limit, the denominator of every
 * "fraction of peak"), and {@link dev.rehearsal.bench.backend.nativ.ThreadArrangementBench} shows what the
 * choice of GEMM library and OpenMP wait policy does to a training step when two thread pools share two
 * cores. Like the main code's {@code backend.nativ}, this is the benchmarks' only package that imports
 * {@code org.bytedeco}.
 */
package dev.rehearsal.bench.backend.nativ;
