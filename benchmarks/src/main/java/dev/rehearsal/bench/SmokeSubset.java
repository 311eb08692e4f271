package dev.rehearsal.bench;

import dev.rehearsal.bench.backend.BenchBackends;
import dev.rehearsal.bench.backend.LinearBench;
import dev.rehearsal.bench.backend.jvm.NaiveGemmBench;
import dev.rehearsal.bench.backend.nativ.PeakGemmBench;
import dev.rehearsal.bench.backend.nativ.ThreadArrangementBench;
import dev.rehearsal.bench.nn.GenerationBench;
import dev.rehearsal.bench.nn.TrainStepBench;
import dev.rehearsal.bench.random.GaussianNoiseBench;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatFactory;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The representative subset {@code run.sh --quick} runs (37 forks, about 8 minutes with the quick settings).
 * JMH's {@code -p} applies to every selected benchmark, so each class gets its own selection:
 * <ul>
 *   <li>PeakGemmBench: all three GEMMs, 1 and 2 threads (the peak every fraction refers to);</li>
 *   <li>TrainStepBench: MLP and VAE, seed and wide, batch 128, native-dnnl (fp32 and bf16) and jvm, 2 threads;</li>
 *   <li>LinearBench: forward and backward at the wide 784x400 shape, every backend, 2 threads;</li>
 *   <li>ThreadArrangementBench: every arrangement, seed and wide;</li>
 *   <li>NaiveGemmBench: the naive loop, and the jvm backend on 1 and 2 threads;</li>
 *   <li>GenerationBench: seed and wide, native-dnnl and jvm, 2 threads;</li>
 *   <li>GaussianNoiseBench: the prior draws of a seed and a wide batch.</li>
 * </ul>
 * Usage: {@code SmokeSubset <results.json> [JMH options]}; the options (iterations, forks, ...) apply to
 * every part, and all results go to one JSON file, rewritten after each part.
 */
public final class SmokeSubset {
    /** One benchmark class and the parameter values it runs with (absent: the class's own sweep). */
    private record Part(Class<?> benchmark, Map<String, String[]> params) {
    }

    private static Map<String, String[]> params(String... nameThenValues) {
        Map<String, String[]> out = new LinkedHashMap<>();
        for (int i = 0; i < nameThenValues.length; i += 2) {
            out.put(nameThenValues[i], nameThenValues[i + 1].split(","));
        }
        return out;
    }

    static final List<Part> PARTS = List.of(
            new Part(PeakGemmBench.class, params()),
            new Part(TrainStepBench.class, params("preset", "seed,wide", "batch", "128",
                    "backend", BenchBackends.NATIVE_DNNL + "," + BenchBackends.NATIVE_DNNL_BF16 + "," + BenchBackends.JVM,
                    "threads", "2")),
            new Part(LinearBench.class, params("shape", "784x400", "batch", "128", "threads", "2")),
            new Part(ThreadArrangementBench.class, params()),
            new Part(NaiveGemmBench.class, params()),
            new Part(GenerationBench.class, params("backend", BenchBackends.NATIVE_DNNL + "," + BenchBackends.JVM,
                    "threads", "2")),
            new Part(GaussianNoiseBench.class, params()));

    private SmokeSubset() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: SmokeSubset <results.json> [JMH options]");
            System.exit(2);
        }
        String resultFile = args[0];
        CommandLineOptions jmhOptions = new CommandLineOptions(Arrays.copyOfRange(args, 1, args.length));
        List<RunResult> results = new ArrayList<>();
        for (Part part : PARTS) {
            results.addAll(new Runner(optionsFor(part, jmhOptions)).run());
            ResultFormatFactory.getInstance(ResultFormatType.JSON, resultFile).writeOut(results);
        }
    }

    /** One part's options: its class's benchmarks only, with its parameter values, over the caller's options. */
    private static Options optionsFor(Part part, Options parent) {
        ChainedOptionsBuilder options = new OptionsBuilder().parent(parent)
                .include("^" + Pattern.quote(part.benchmark().getName() + ".") + "\\w+$");
        part.params().forEach(options::param);
        return options.build();
    }
}
