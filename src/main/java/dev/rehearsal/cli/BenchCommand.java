package dev.rehearsal.cli;

import dev.rehearsal.experiment.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.backend.nativ.PeakGemm;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
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
                + "against the machine's peak measured in the same run (median of timed rounds).")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--quick", description = "Fewer and shorter rounds (a smoke test, not a measurement).")
    boolean quick;

    @Option(names = "--json", description = "Print a JSON list of results.")
    boolean json;

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
        List<StepBench.Result> results = new ArrayList<>();
        double peak = Double.NaN;
        // float32 on both backends; bfloat16 on the native one where the CPU runs it natively.
        List<ExperimentConfig> settings = new ArrayList<>();
        for (String backendName : List.of("native", "native-bf16", "jvm")) {
            ExperimentConfig s = c.copy();
            s.backend = backendName.startsWith("native") ? "native" : "jvm";
            s.precision = backendName.endsWith("bf16") ? "bf16" : "fp32";
            settings.add(s);
        }
        for (ExperimentConfig s : settings) {
            if (s.precision.equals("bf16") && !NativeRuntime.hasBf16()) {
                continue;
            }
            try (Backend be = RuntimeOptions.backend(s.backend, s)) {
                if (be instanceof NativeBackend && Double.isNaN(peak)) {
                    // The machine's limit, on the same threads, in this run: what every step is a fraction of.
                    peak = PeakGemm.gflops(quick ? 3 : 10, quick ? 3 : 7);
                }
                for (Preset p : Preset.values()) {
                    for (String model : List.of("mlp", "vae")) {
                        boolean slow = s.backend.equals("jvm") || p != Preset.SEED;
                        int steps = quick ? (slow ? 3 : 10) : (slow ? 20 : 200);
                        int rounds = quick ? 3 : 7;
                        results.add(StepBench.measure(be, p, model, batch, steps, rounds, phases));
                    }
                }
            }
        }
        var out = spec.commandLine().getOut();
        String wait = String.valueOf(NativeRuntime.waitPolicy()).toLowerCase(Locale.ROOT);
        if (json) {
            ObjectNode root = Json.MAPPER.createObjectNode();
            root.putObject("peak").put("what", PeakGemm.N + "^3 SGEMM through oneDNN (dnnl_sgemm)")
                    .put("threads", c.threads).put("gflops", peak);
            root.put("omp_wait", wait);
            ArrayNode arr = root.putArray("steps");
            for (StepBench.Result r : results) {
                ObjectNode row = arr.addObject();
                row.put("preset", r.preset()).put("model", r.model()).put("backend", r.backend())
                        .put("precision", r.precision()).put("threads", r.threads()).put("batch", r.batch())
                        .put("samples_per_s", r.samplesPerSecond()).put("gflops", r.gflops()).put("fraction_of_peak", r.gflops() / peak)
                        .put("median_step_us", r.medianStepMicros()).put("macs_per_step", r.macsPerStep());
                if (phases) {
                    ObjectNode parts = row.putObject("phases_us");
                    r.phaseMicros().forEach(parts::put);
                }
            }
            out.println(Json.write(root));
        } else {
            out.printf(Locale.ROOT, "peak: %.1f GFLOP/s (%d^3 SGEMM through oneDNN, %d threads, OpenMP wait %s)%n",
                    peak, PeakGemm.N, c.threads, wait);
            out.printf(Locale.ROOT, "%-6s %-5s %-8s %-9s %7s %14s %9s %8s %12s %16s%n", "preset", "model", "backend",
                    "precision", "threads", "samples/s", "GFLOP/s", "of peak", "step (us)", "MACs/step");
            for (StepBench.Result r : results) {
                out.printf(Locale.ROOT, "%-6s %-5s %-8s %-9s %7d %,14.0f %9.1f %7.0f%% %,12.1f %,16d%n", r.preset(),
                        r.model(), r.backend(), r.precision(), r.threads(), r.samplesPerSecond(), r.gflops(), 100 * r.gflops() / peak,
                        r.medianStepMicros(), r.macsPerStep());
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
