/**
 * Benchmarks of the {@link dev.rehearsal.backend.Backend} ops: {@link dev.rehearsal.bench.backend.LinearBench}
 * times a linear layer's forward and backward at every layer shape of the presets on each backend, and
 * {@link dev.rehearsal.bench.backend.BenchBackends} turns a {@code backend} parameter into a backend.
 */
package dev.rehearsal.bench.backend;
