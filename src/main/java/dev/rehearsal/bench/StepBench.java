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
            double samplesPerSecond, double gflops, double medianStepMicros, long macsPerStep,
            java.util.Map<String, Double> phaseMicros) {
    }

    private StepBench() {
    }

    public static Result measure(Backend be, Preset preset, String model, int batch, int steps, int rounds) {
        return measure(be, preset, model, batch, steps, rounds, false);
    }

    /**
     * As above; with {@code phases}, also a separate pass of {@code rounds x steps} timed steps whose parts
     * (zero_grad, forward, loss, backward, optimizer; the VAE's noise draws first) give the mean microseconds
     * of each, in {@link Result#phaseMicros}: where a step's time goes. The rates come from the untimed rounds.
     */
    public static Result measure(Backend be, Preset preset, String model, int batch, int steps, int rounds,
            boolean phases) {
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
            java.util.Map<String, Double> parts = new java.util.LinkedHashMap<>();
            if (phases) {
                long[] nanos = new long[step.phases().size()];
                int n = rounds * steps;
                for (int i = 0; i < n; i++) {
                    step.run(nanos);
                }
                for (int i = 0; i < nanos.length; i++) {
                    parts.put(step.phases().get(i), nanos[i] / 1e3 / n);
                }
            }
            return new Result(preset.id(), model, be.name(), be.precision().id(), be.threads(), batch, batch / median,
                    flops / median / 1e9, median * 1e6, (long) (flops / 2), parts);
        }
    }
}
