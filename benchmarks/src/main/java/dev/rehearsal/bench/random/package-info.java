/**
 * Benchmarks of {@link dev.rehearsal.random.Rng}: {@link dev.rehearsal.bench.random.GaussianNoiseBench}
 * times the Java-side normal draws that VAE generation and training make per batch.
 */
package dev.rehearsal.bench.random;
