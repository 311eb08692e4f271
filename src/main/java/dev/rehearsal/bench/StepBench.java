package dev.rehearsal.bench;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Preset;
import java.util.Arrays;

/**
 * Times {@link TrainStep}s of one model on one backend: a warm-up, then {@code rounds} rounds of
 * {@code steps} steps each; the median round gives samples per second and GFLOP/s (a step's FLOPs are 2 x
 * the MACs its GEMMs issue, as the backend counts them: {@link TrainStep#measureMacs()}).
 */
public final class StepBench {
    /** One measurement. */
    public record Result(String preset, String model, String backend, String precision, int threads, int batch,
            double samplesPerSecond, double gflops, double medianStepMicros, long macsPerStep) {
    }

    private StepBench() {
    }

    public static Result measure(Backend be, Preset preset, String model, int batch, int steps, int rounds) {
        try (TrainStep step = TrainStep.open(model, be, preset, batch)) {
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
            double flops = 2.0 * step.measureMacs();
            return new Result(preset.id(), model, be.name(), be.precision().id(), be.threads(), batch, batch / median,
                    flops / median / 1e9, median * 1e6, (long) (flops / 2));
        }
    }
}
