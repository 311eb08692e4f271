package dev.rehearsal.bench;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Model;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.Arrays;

/**
 * Times training steps of one model on one backend: a warm-up, then {@code rounds} rounds of
 * {@code steps} steps each; the median round gives samples per second and GFLOP/s (a step counts
 * 6 x forward MACs per sample as FLOPs: 2 forward, 4 backward).
 */
public final class StepBench {
    /** One measurement. */
    public record Result(String preset, String model, String backend, int threads, int batch, double samplesPerSecond,
            double gflops, double medianStepMicros) {
    }

    private StepBench() {
    }

    public static Result measure(Backend be, Preset preset, String model, int batch, int steps, int rounds) {
        Rng rng = new Rng(1);
        // A tiny learning rate: the work per step is the same, and parameters stay far from denormals.
        OptimizerConfig opt = OptimizerConfig.adam(1e-9);
        try (Arena arena = be.newArena("bench");
                Model m = model.equals("mlp") ? new Mlp(be, "mlp", preset.mlp(), batch, opt, rng)
                        : new Vae(be, "vae", preset.vae(), batch, opt, rng)) {
            Tensor labels = Tensor.of(arena.allocate("labels", DType.I32, batch), batch, 1);
            int[] y = new int[batch];
            Arrays.setAll(y, i -> i % 10);
            labels.copyFrom(y);
            float[] x = new float[batch * 784];
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rng.nextDouble();
            }
            Runnable step;
            if (m instanceof Mlp mlp) {
                mlp.input(batch).copyFrom(x);
                step = () -> {
                    mlp.zeroGrad();
                    mlp.forward(batch);
                    be.crossEntropy(mlp.logitsGrad(batch), mlp.logits(batch), labels, 0, 10, 1f / batch);
                    mlp.backward(batch);
                    mlp.optimizer().step();
                };
            } else {
                Vae vae = (Vae) m;
                vae.image(batch).copyFrom(x);
                step = () -> {
                    vae.sampleNoise(batch, rng);
                    vae.zeroGrad();
                    vae.forward(batch);
                    vae.loss(0, batch, 1f / batch);
                    vae.backward(batch);
                    vae.optimizer().step();
                };
            }
            for (int i = 0; i < steps; i++) {
                step.run();
            }
            double[] perStep = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                long t = System.nanoTime();
                for (int i = 0; i < steps; i++) {
                    step.run();
                }
                perStep[r] = (System.nanoTime() - t) / 1e9 / steps;
            }
            Arrays.sort(perStep);
            double median = perStep[rounds / 2];
            double flops = 6.0 * m.forwardMacsPerSample() * batch;
            return new Result(preset.id(), model, be.name(), be.threads(), batch, batch / median, flops / median / 1e9,
                    median * 1e6);
        }
    }
}
