/**
 * Benchmarks of whole models: {@link dev.rehearsal.bench.nn.TrainStepBench} (one MLP or VAE training step
 * as the trainer runs it) and {@link dev.rehearsal.bench.nn.GenerationBench} (a replay batch drawn from a
 * frozen VAE). The step itself is the main code's {@code dev.rehearsal.bench.TrainStep}, which
 * {@code rehearsal bench} times too; the thread-arrangement benchmark reuses it.
 */
package dev.rehearsal.bench.nn;
