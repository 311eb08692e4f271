package dev.rehearsal.bench;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Preset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;

/**
 * Times {@link TrainStep}s of one model on several backends, interleaved: after a warm-up of each, round r
 * times {@code steps} steps on every backend in turn (and, between them, one round of the machine's peak if
 * given), so that a slow spell of a shared machine falls on all of them alike and their ratios (bf16 over
 * fp32, a step over the peak) hold even when the absolute figures drift. The median round gives samples per
 * second and GFLOP/s (a step's FLOPs are 2 x the MACs its GEMMs issue, as the backend counts them:
 * {@link TrainStep#measureMacs()}). Rounds are timed on the given {@link Clock}: with one thread, the calling
 * thread's CPU time, so that a machine shared with other processes does not lower the fractions.
 */
public final class StepBench {
    /** One measurement; {@code peakGflops} is the median of the peak rounds interleaved with it (NaN: none). */
    public record Result(String preset, String model, String backend, String precision, int threads, int batch,
            double samplesPerSecond, double gflops, double medianStepMicros, long macsPerStep, double peakGflops,
            Map<String, Double> phaseMicros) {
    }

    private StepBench() {
    }

    /**
     * Every backend of {@code backends} on the same model, interleaved round by round with one call of
     * {@code peak} (GFLOP/s timed on the same {@code clock}; null for none). With {@code phases}, also a separate
     * pass of {@code rounds x steps} timed steps per backend, on the same clock, whose parts (zero_grad, forward,
     * loss, backward, optimizer; the VAE's noise draws first) give the mean microseconds of each, in
     * {@link Result#phaseMicros}: where a step's time goes.
     */
    public static List<Result> measure(List<Backend> backends, DoubleSupplier peak, Preset preset, String model,
            int batch, int steps, int rounds, boolean phases, Clock clock) {
        List<TrainStep> open = new ArrayList<>();
        try {
            for (Backend be : backends) {
                open.add(TrainStep.open(model, be, preset, batch).timedOn(clock));
            }
            for (TrainStep s : open) {
                for (int i = 0; i < steps; i++) {
                    s.run();
                }
            }
            double[][] perStep = new double[open.size()][rounds];
            double[] peaks = new double[rounds];
            for (int r = 0; r < rounds; r++) {
                peaks[r] = peak == null ? Double.NaN : peak.getAsDouble();
                for (int k = 0; k < open.size(); k++) {
                    TrainStep s = open.get(k);
                    long t = clock.nanos();
                    for (int i = 0; i < steps; i++) {
                        s.run();
                    }
                    perStep[k][r] = (clock.nanos() - t) / 1e9 / steps;
                }
            }
            double peakMedian = median(peaks);
            List<Result> out = new ArrayList<>();
            for (int k = 0; k < open.size(); k++) {
                TrainStep s = open.get(k);
                Backend be = backends.get(k);
                double median = median(perStep[k]);
                double flops = 2.0 * s.measureMacs();
                Map<String, Double> parts = new LinkedHashMap<>();
                if (phases) {
                    long[] nanos = new long[s.phases().size()];
                    int n = rounds * steps;
                    for (int i = 0; i < n; i++) {
                        s.run(nanos);
                    }
                    for (int i = 0; i < nanos.length; i++) {
                        parts.put(s.phases().get(i), nanos[i] / 1e3 / n);
                    }
                }
                out.add(new Result(preset.id(), model, be.name(), be.precision().id(), be.threads(), batch,
                        batch / median, flops / median / 1e9, median * 1e6, (long) (flops / 2), peakMedian, parts));
            }
            return out;
        } finally {
            open.forEach(TrainStep::close);
        }
    }

    /** The middle of {@code values} (the upper one of an even count). */
    public static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v[v.length / 2];
    }
}
