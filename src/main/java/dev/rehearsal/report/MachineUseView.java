package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code machine_use} object of a results.json (run, compare) or sweep.json (sweep, scale) as the report
 * draws it, every value checked once here: a wrong type or a negative count refuses the file in one line.
 */
record MachineUseView(long flops, double seconds, String wallFrom, double peakGflops, String isa, double loadAverage,
        int executors, int threads, double limitGflops, double fraction, double cpuSeconds, double cpuFraction,
        List<Part> parts, int runsCounted, int runsKept, String note) {

    /** Where a share of the slots' time went: a phase (with its FLOPs and fraction of the peak) or the rest. */
    record Part(String name, double seconds, double share, long flops, double fractionOfPeak) {
    }

    /** The view of {@code o}, or null when the file has none (written before machine use was recorded). */
    static MachineUseView parse(JsonNode o, String file) {
        if (o == null || o.isMissingNode() || o.isNull()) {
            return null;
        }
        if (!o.isObject()) {
            throw Results.corrupt(file, "machine_use is not an object");
        }
        JsonNode time = o.path("time");
        List<Part> parts = new ArrayList<>();
        JsonNode phases = time.path("phases");
        if (!phases.isObject()) {
            throw Results.corrupt(file, "machine_use.time.phases is not an object");
        }
        for (var e : phases.properties()) {
            String at = "machine_use.time.phases." + e.getKey();
            JsonNode p = e.getValue();
            parts.add(new Part(e.getKey(), number(p.path("seconds"), file, at + ".seconds", false),
                    number(p.path("share"), file, at + ".share", true), count(p.path("flops"), file, at + ".flops"),
                    number(p.path("fraction_of_peak"), file, at + ".fraction_of_peak", true)));
        }
        parts.add(new Part("other in the runs", number(time.path("other_in_runs_seconds"), file,
                "machine_use.time.other_in_runs_seconds", false), number(time.path("other_in_runs_share"), file,
                "machine_use.time.other_in_runs_share", true), 0, Double.NaN));
        parts.add(new Part("outside the runs", number(time.path("outside_runs_seconds"), file,
                "machine_use.time.outside_runs_seconds", false), number(time.path("outside_runs_share"), file,
                "machine_use.time.outside_runs_share", true), 0, Double.NaN));
        JsonNode how = o.path("peak_measurement");
        return new MachineUseView(count(o.path("flops"), file, "machine_use.flops"),
                number(o.path("seconds"), file, "machine_use.seconds", false), text(o.path("wall_from"), file,
                        "machine_use.wall_from"),
                number(o.path("peak_gflops_one_thread"), file, "machine_use.peak_gflops_one_thread", false),
                text(how.path("onednn_isa"), file, "machine_use.peak_measurement.onednn_isa"),
                number(how.path("load_average"), file, "machine_use.peak_measurement.load_average", true),
                (int) count(o.path("executors"), file, "machine_use.executors"),
                (int) count(o.path("threads"), file, "machine_use.threads"),
                number(o.path("limit_gflops"), file, "machine_use.limit_gflops", false),
                number(o.path("fraction"), file, "machine_use.fraction", true),
                optional(o, "process_cpu_seconds", file), optional(o, "fraction_per_cpu_second", file), parts,
                (int) count(o.path("runs_counted"), file, "machine_use.runs_counted"),
                (int) count(o.path("runs_kept"), file, "machine_use.runs_kept"),
                text(o.path("note"), file, "machine_use.note"));
    }

    /** A field written only by later versions: NaN when absent or null. */
    private static double optional(JsonNode o, String field, String file) {
        return o.has(field) ? number(o.get(field), file, "machine_use." + field, true) : Double.NaN;
    }

    private static double number(JsonNode v, String file, String field, boolean nullable) {
        if (nullable && v.isNull()) {
            return Double.NaN;
        }
        if (!v.isNumber() || v.asDouble() < 0 || !Double.isFinite(v.asDouble())) {
            throw Results.corrupt(file, field + " must be a non-negative number" + (nullable ? " or null" : "")
                    + ", got " + v);
        }
        return v.asDouble();
    }

    private static long count(JsonNode v, String file, String field) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw Results.corrupt(file, field + " must be a non-negative integer, got " + v);
        }
        return v.asLong();
    }

    private static String text(JsonNode v, String file, String field) {
        if (!v.isTextual()) {
            throw Results.corrupt(file, field + " must be text, got " + v);
        }
        return v.asText();
    }
}
