package dev.rehearsal.cli;

import dev.rehearsal.experiment.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.backend.nativ.PeakBf16Gemm;
import dev.rehearsal.backend.nativ.PeakGemm;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.bench.Clock;
import dev.rehearsal.bench.StepBench;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.nn.Preset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rehearsal bench [--quick] [--json]}: training-step throughput of every preset's MLP and VAE on the
 * native and jvm backends, in this process, with this run's thread setting. For rigorous numbers (forks,
 * the machine's peak, thread sweeps) use the JMH project: benchmarks/run.sh.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Train-step throughput of every preset on both backends, and in bf16 where the CPU has it, "
                + "against the machine's peak measured in the same run (median of timed rounds).",
        footerHeading = "%nExample:%n", footer = "  rehearsal bench --quick --json --threads 2")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--quick", description = "The short configuration of a benchmark: fewer and shorter rounds (a "
            + "smoke test, not a measurement).")
    boolean quick;

    @Group.In(Group.OUTPUT)
    @Option(names = "--json", description = "Print a JSON list of results.")
    boolean json;

    @Group.In(Group.TRAINING)
    @Option(names = "--batch", paramLabel = "B", description = "Batch size (default ${DEFAULT-VALUE}).")
    int batch = 128;

    @Option(names = "--phases", description = "Also time the parts of a step (noise, zero_grad, forward, loss, "
            + "backward, optimizer) in a separate pass: where the time goes.")
    boolean phases;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (batch < 1 || batch > 4096) {
            throw new RehearsalException(RehearsalException.USAGE, "--batch must be between 1 and 4096, got " + batch);
        }
        ExperimentConfig c = runtime.resolved();
        // One thread: every round (steps and peak) in the calling thread's CPU time, so the load of a shared
        // machine does not enter the fractions; more: the wall clock, the only one that sees a whole team.
        Clock clock = Clock.forThreads(c.threads);
        List<StepBench.Result> results = new ArrayList<>();
        // Each native model's bfloat16 peak (median of the bf16 rounds interleaved with its steps), where bf16 runs.
        java.util.Map<StepBench.Result, Double> bf16Peaks = new java.util.IdentityHashMap<>();
        List<Double> modelBf16Peaks = new ArrayList<>();
        // float32 on both backends; bfloat16 on the native one where the CPU runs it natively. Native and
        // native bf16 are timed round by round in turn, with a round of the peak between: their ratios hold
        // when a shared machine slows down for a while.
        List<Backend> nativ = new ArrayList<>();
        try {
            nativ.add(RuntimeOptions.backend(dev.rehearsal.config.BackendType.NATIVE, c));
            if (NativeRuntime.hasBf16()) {
                ExperimentConfig half = c.copy();
                half.precision = dev.rehearsal.backend.Precision.BF16;
                nativ.add(RuntimeOptions.backend(dev.rehearsal.config.BackendType.NATIVE, half));
            }
            try (PeakGemm peak = new PeakGemm(quick ? 2 : 5);
                    PeakBf16Gemm half = nativ.size() > 1 ? new PeakBf16Gemm(peak, quick ? 2 : 5) : null) {
                int reps = quick ? 1 : 3;
                // Where bf16 runs, each peak round is a bfloat16 product then a float32 one: the bf16 rounds of a
                // model are its bf16 steps' ceiling, taken beside them as the float32 peak is.
                List<Double> halfRounds = new ArrayList<>();
                java.util.function.DoubleSupplier round = () -> {
                    if (half != null) {
                        halfRounds.add(half.round(reps, clock::nanos));
                    }
                    return peak.round(reps, clock::nanos);
                };
                for (Preset p : Preset.values()) {
                    for (String model : List.of("mlp", "vae")) {
                        int steps = quick ? (p == Preset.SEED ? 10 : 3) : (p == Preset.SEED ? 200 : 20);
                        halfRounds.clear();
                        List<StepBench.Result> these = StepBench.measure(nativ, round, p, model, batch, steps,
                                quick ? 3 : 7, phases, clock);
                        results.addAll(these);
                        if (half != null) {
                            double m = StepBench.median(halfRounds.stream().mapToDouble(Double::doubleValue).toArray());
                            these.forEach(r -> bf16Peaks.put(r, m));
                            modelBf16Peaks.add(m);
                        }
                    }
                }
            }
        } finally {
            nativ.forEach(Backend::close);
        }
        try (Backend jvm = RuntimeOptions.backend(dev.rehearsal.config.BackendType.JVM, c)) {
            for (Preset p : Preset.values()) {
                for (String model : List.of("mlp", "vae")) {
                    results.addAll(StepBench.measure(List.of(jvm), null, p, model, batch, quick ? 3 : 20,
                            quick ? 3 : 7, phases, clock));
                }
            }
        }
        // The run's bfloat16 peak, where bf16 ran: the median of the models' (NaN otherwise).
        double bf16Peak = modelBf16Peaks.isEmpty() ? Double.NaN
                : StepBench.median(modelBf16Peaks.stream().mapToDouble(Double::doubleValue).toArray());
        // The run's peak: the median of the models' interleaved peaks.
        double[] peaks = results.stream().mapToDouble(StepBench.Result::peakGflops).filter(x -> !Double.isNaN(x))
                .toArray();
        double peak = peaks.length == 0 ? Double.NaN : StepBench.median(peaks);
        var out = spec.commandLine().getOut();
        String wait = String.valueOf(NativeRuntime.waitPolicy()).toLowerCase(Locale.ROOT);
        String isa = NativeRuntime.isa();
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.putObject("peak").put("what", PeakGemm.N + "^3 SGEMM through oneDNN (dnnl_sgemm), interleaved with "
                    + "the native steps; gflops: the median over the models").put("threads", c.threads)
                    .put("gflops", peak);
            if (!modelBf16Peaks.isEmpty()) {
                root.putObject("peak_bf16").put("what", PeakGemm.N + "^3 oneDNN matmul, bfloat16 A and B, float32 C, "
                        + "interleaved with the native steps (each round just before a float32 peak round); gflops: "
                        + "the median over the models").put("threads", c.threads).put("gflops", bf16Peak);
            }
            // What every round (steps and peak) was timed on: per second of the thread's CPU time on one thread.
            root.put("clock", clock.id());
            root.put("omp_wait", wait);
            dev.rehearsal.experiment.Provenance.whereAndWhen(root);
            // The hardware path every native figure (bf16 above all) ran on: oneDNN's effective ISA.
            root.putObject("isa").put("onednn_isa", isa).put("avx512_bf16", NativeRuntime.hasBf16())
                    .put("amx", NativeRuntime.hasAmx());
            ArrayNode arr = root.putArray("steps");
            for (StepBench.Result r : results) {
                ObjectNode row = arr.addObject();
                row.put("preset", r.preset()).put("model", r.model()).put("backend", r.backend())
                        .put("precision", r.precision()).put("isa", r.backend().equals("jvm") ? "jvm" : isa).put("threads", r.threads()).put("batch", r.batch())
                        .put("samples_per_s", r.samplesPerSecond()).put("gflops", r.gflops());
                // Each native step against the peak rounds interleaved with it; the jvm's against the median peak.
                double own = Double.isNaN(r.peakGflops()) ? peak : r.peakGflops();
                row.put("peak_gflops", own).put("fraction_of_peak", r.gflops() / own)
                        .put("median_step_us", r.medianStepMicros()).put("macs_per_step", r.macsPerStep());
                if (bf16Peaks.containsKey(r)) {
                    row.put("peak_bf16_gflops", bf16Peaks.get(r));
                }
                if (phases) {
                    ObjectNode parts = row.putObject("phases_us");
                    r.phaseMicros().forEach(parts::put);
                }
            }
            out.println(Json.write(root));
        } else {
            out.printf(Locale.ROOT, "peak: %.1f GFLOP/s (%d^3 SGEMM through oneDNN, %d threads, OpenMP wait %s; the "
                    + "median of the rounds interleaved with the native steps, each of which is a fraction of its own)%n",
                    peak, PeakGemm.N, c.threads, wait);
            if (!modelBf16Peaks.isEmpty()) {
                out.printf(Locale.ROOT, "bf16 peak: %.1f GFLOP/s (%d^3 oneDNN matmul on bfloat16 operands, the same "
                        + "rounds; %.2fx the float32 peak: the most a bf16 step's GEMMs can gain here)%n",
                        bf16Peak, PeakGemm.N, bf16Peak / peak);
            }
            out.println(clock == Clock.THREAD_CPU
                    ? "timed in the thread's CPU time (one thread: per second the step had a core, whatever the load)"
                    : "timed on the wall clock");
            out.printf(Locale.ROOT, "oneDNN ISA: %s (AVX512_BF16: %s, AMX: %s); the native rows ran on it%n", isa,
                    NativeRuntime.hasBf16() ? "yes" : "no", NativeRuntime.hasAmx() ? "yes" : "no");
            out.printf(Locale.ROOT, "%-6s %-5s %-8s %-9s %7s %14s %9s %8s %12s %16s%n", "preset", "model", "backend",
                    "precision", "threads", "samples/s", "GFLOP/s", "of peak", "step (us)", "MACs/step");
            for (StepBench.Result r : results) {
                double own = Double.isNaN(r.peakGflops()) ? peak : r.peakGflops();
                out.printf(Locale.ROOT, "%-6s %-5s %-8s %-9s %7d %,14.0f %9.1f %7.0f%% %,12.1f %,16d%n", r.preset(),
                        r.model(), r.backend(), r.precision(), r.threads(), r.samplesPerSecond(), r.gflops(),
                        100 * r.gflops() / own, r.medianStepMicros(), r.macsPerStep());
            }
            if (phases) {
                out.println();
                out.println("where a step's time goes (mean microseconds of each part over a separately timed pass):");
                for (StepBench.Result r : results) {
                    StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-6s %-5s %-8s %-5s", r.preset(),
                            r.model(), r.backend(), r.precision()));
                    double total = r.phaseMicros().values().stream().mapToDouble(Double::doubleValue).sum();
                    r.phaseMicros().forEach((k, v) -> line.append(String.format(Locale.ROOT, "  %s %,.1f (%.0f%%)", k,
                            v, 100 * v / total)));
                    out.println(line);
                }
            }
            out.println("(medians of timed rounds in one process; benchmarks/run.sh gives JMH measurements)");
        }
        return 0;
    }
}
