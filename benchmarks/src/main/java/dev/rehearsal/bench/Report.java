package dev.rehearsal.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.bench.backend.LinearBench;
import dev.rehearsal.bench.backend.jvm.NaiveGemmBench;
import dev.rehearsal.bench.backend.nativ.PeakGemmBench;
import dev.rehearsal.bench.backend.nativ.ThreadArrangementBench;
import dev.rehearsal.bench.nn.GenerationBench;
import dev.rehearsal.bench.nn.TrainStepBench;
import dev.rehearsal.bench.random.GaussianNoiseBench;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Turns JMH JSON results into a Markdown table: score, median, and from the median (robust on a shared
 * machine) the rate in samples/s (or the benchmark's own items), GFLOP/s, and the fraction of the measured
 * peak, which is the best {@code PeakGemmBench} GFLOP/s at the same thread count in the same files (a row
 * without a {@code threads} parameter runs on one thread). What one operation computes comes from each
 * benchmark class's {@code work(method, params)}.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.rehearsal.bench.Report results/jmh-....json [more.json]}
 */
public final class Report {
    /** One result of one benchmark method at one parameter combination. */
    private record Row(String benchmark, Map<String, String> params, double score, double error, double median,
            String unit, double secondsPerOp, Work work) {

        String shortName() {
            String[] parts = benchmark.split("\\.");
            return parts[parts.length - 2] + "." + parts[parts.length - 1];
        }

        int threads() {
            return Integer.parseInt(params.getOrDefault("threads", "1"));
        }

        double gflops() {
            return work == null || work.flops() == 0 ? Double.NaN : work.flops() / secondsPerOp / 1e9;
        }
    }

    private Report() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Report <jmh-results.json>...");
            System.exit(2);
        }
        List<Row> rows = new ArrayList<>();
        ObjectMapper json = new ObjectMapper();
        for (String file : args) {
            for (JsonNode result : json.readTree(new File(file))) {
                rows.add(row(result));
            }
        }
        Map<Integer, Double> peak = new HashMap<>();
        for (Row r : rows) {
            if (r.benchmark().contains(".PeakGemmBench.")) {
                peak.merge(r.threads(), r.gflops(), Math::max);
            }
        }
        System.out.println("| Benchmark | Params | Score ± error | Median | Rate (from median) | GFLOP/s | % of peak |");
        System.out.println("|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            double g = r.gflops();
            Double p = peak.get(r.threads());
            String rate = r.work() == null || r.work().items() == 0 ? ""
                    : number(r.work().items() / r.secondsPerOp()) + " " + r.work().itemName() + "/s";
            String score = Double.isNaN(r.error()) ? number(r.score()) + " " + r.unit()
                    : number(r.score()) + " ± " + number(r.error()) + " " + r.unit();
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s |%n", r.shortName(),
                    params(r.params()), score, number(r.median()), rate,
                    Double.isNaN(g) ? "" : number(g),
                    Double.isNaN(g) || p == null ? "" : String.format(Locale.ROOT, "%.0f%%", 100 * g / p));
        }
        if (!peak.isEmpty()) {
            System.out.println();
            System.out.println("Peak (best PeakGemmBench GFLOP/s) by threads: " + new TreeMap<>(peak).toString()
                    .replaceAll("(\\d+\\.\\d)\\d*", "$1"));
        }
    }

    private static Row row(JsonNode result) {
        String benchmark = result.get("benchmark").asText();
        Map<String, String> params = new TreeMap<>();
        JsonNode p = result.get("params");
        if (p != null) {
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                params.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode metric = result.get("primaryMetric");
        double score = metric.get("score").asDouble();
        double error = metric.get("scoreError").asDouble(Double.NaN);  // "NaN" with a single iteration
        JsonNode percentiles = metric.get("scorePercentiles");
        double median = percentiles != null && percentiles.has("50.0") ? percentiles.get("50.0").asDouble() : score;
        String unit = metric.get("scoreUnit").asText();
        return new Row(benchmark, params, score, error, median, unit, secondsPerOp(median, unit),
                work(benchmark, params));
    }

    /** Seconds per operation from a score in {@code <time>/op} (average, sample) or {@code ops/<time>}. */
    static double secondsPerOp(double score, String unit) {
        if (unit.endsWith("/op")) {
            return score * seconds(unit.substring(0, unit.length() - 3));
        }
        if (unit.startsWith("ops/")) {
            return seconds(unit.substring(4)) / score;
        }
        throw new IllegalArgumentException("unknown JMH unit " + unit);
    }

    private static double seconds(String timeUnit) {
        return switch (timeUnit) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            case "min" -> 60;
            default -> throw new IllegalArgumentException("unknown JMH time unit " + timeUnit);
        };
    }

    /** What one operation of {@code benchmark} (class.method) computes, or null for an unknown class. */
    static Work work(String benchmark, Map<String, String> params) {
        int dot = benchmark.lastIndexOf('.');
        String method = benchmark.substring(dot + 1);
        String cls = benchmark.substring(benchmark.lastIndexOf('.', dot - 1) + 1, dot);
        return switch (cls) {
            case "LinearBench" -> LinearBench.work(method, params);
            case "TrainStepBench" -> TrainStepBench.work(method, params);
            case "GenerationBench" -> GenerationBench.work(method, params);
            case "PeakGemmBench" -> PeakGemmBench.work(method, params);
            case "ThreadArrangementBench" -> ThreadArrangementBench.work(method, params);
            case "NaiveGemmBench" -> NaiveGemmBench.work(method, params);
            case "GaussianNoiseBench" -> GaussianNoiseBench.work(method, params);
            default -> null;
        };
    }

    private static String params(Map<String, String> params) {
        StringBuilder s = new StringBuilder();
        params.forEach((k, v) -> s.append(s.length() == 0 ? "" : " ").append(k).append('=').append(v));
        return s.toString();
    }

    /** Three significant digits, no exponent below a billion. */
    private static String number(double x) {
        if (Double.isNaN(x)) {
            return "NaN";
        }
        double a = Math.abs(x);
        if (a >= 1e9) {
            return String.format(Locale.ROOT, "%.3g", x);
        }
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", x);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", x);
        }
        return String.format(Locale.ROOT, "%.3g", x);
    }
}
