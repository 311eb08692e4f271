/**
 * Benchmarks of whole models: {@link dev.rehearsal.bench.nn.TrainStepBench} (one MLP or VAE training step
 * as the trainer runs it) and {@link dev.rehearsal.bench.nn.GenerationBench} (a replay batch drawn from a
 * frozen VAE). {@link dev.rehearsal.bench.nn.MlpTrainStep} and {@link dev.rehearsal.bench.nn.VaeTrainStep}
 * hold one model with its data and run one step; the thread-arrangement benchmark reuses them.
 */
package dev.rehearsal.bench.nn;
