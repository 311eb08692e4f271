/**
 * Benchmarks of the pure-Java backend against the simplest possible code:
 * {@link dev.rehearsal.bench.backend.jvm.NaiveGemmBench} puts the jvm backend's blocked GEMM next to a
 * textbook triple loop, for the jvm-vs-naive ratio.
 */
package dev.rehearsal.bench.backend.jvm;
