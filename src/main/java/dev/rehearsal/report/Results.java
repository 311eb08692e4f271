package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.RehearsalException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report needs from {@code results.json} (written by {@code experiment.Summary#toJson}, laid out as
 * the schema {@link dev.rehearsal.ResultsSchema#RESOURCE} says): the config, one entry per strategy, and
 * optional {@code answers} paragraphs. A file of another schema_version is refused in one line; unknown keys
 * are ignored; a missing or null number is NaN and prints as a dash.
 */
record Results(Map<String, JsonNode> config, List<Strategy> strategies, List<String> answers) {

    /**
     * One strategy, aggregated over its seeds (mean, and sample standard deviation in the *Std fields, NaN for
     * one seed). {@code memory} and {@code heap} are the components of the first seed's run (the footprint does
     * not depend on the seed), without the total; {@code times} are seconds per phase. {@code runs} are the
     * run objects as written (each with its R, {@code solver_loss}, {@code generator_loss},
     * {@code loss_window_steps} and {@code confusion_matrix}); {@code config} is the strategy's own config when
     * it differs from the file's (a sweep's grid point, a folder of {@code rehearsal report}), else empty.
     */
    record Strategy(String name, List<Long> seeds, double[][] r, double[] b,
            double acc, double accStd, double bwt, double bwtStd, double fwt, double fwtStd,
            double forgetting, double forgettingStd, Map<String, Double> times, double memoryBytes,
            double trainingMacs, double samplesPerSecond, Map<String, Long> memory, Map<String, Long> heap,
            double datasetBytes, double ms, double sss, double ce, List<JsonNode> runs,
            Map<String, JsonNode> config) {

        int tasks() {
            return r.length;
        }
    }

    static Results parse(JsonNode root, String file) {
        if (!root.isObject()) {
            throw corrupt(file, "the top level is not a JSON object");
        }
        dev.rehearsal.ResultsSchema.require(file, root);
        Map<String, JsonNode> config = new LinkedHashMap<>();
        root.path("config").fields().forEachRemaining(e -> config.put(e.getKey(), e.getValue()));
        List<Strategy> strategies = new ArrayList<>();
        for (JsonNode s : root.path("results")) {
            strategies.add(strategy(s, file));
        }
        return new Results(config, strategies, texts(root.path("answers")));
    }

    /** A string, or an array of strings (one paragraph each); anything else gives no paragraph. */
    static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        }
        for (JsonNode p : node) {
            if (p.isTextual() && !p.asText().isBlank()) {
                out.add(p.asText());
            }
        }
        return out;
    }

    private static Strategy strategy(JsonNode s, String file) {
        String name = s.path("strategy").asText("?");
        double[][] r = matrix(s.path("accuracy_matrix"), name, file);
        double[] b = vector(s.path("initial_accuracy"));
        if (b.length != r.length) {
            b = new double[r.length];
            java.util.Arrays.fill(b, Double.NaN); // FWT's baseline is optional for the pictures
        }
        List<Long> seeds = new ArrayList<>();
        s.path("seeds").forEach(x -> seeds.add(x.asLong()));
        Map<String, Double> times = new LinkedHashMap<>();
        s.path("seconds").fields().forEachRemaining(e -> times.put(e.getKey(), number(e.getValue())));
        JsonNode run = s.path("runs").path(0);
        List<JsonNode> runs = new ArrayList<>();
        s.path("runs").forEach(runs::add);
        Map<String, JsonNode> own = new LinkedHashMap<>();
        s.path("config").fields().forEachRemaining(e -> own.put(e.getKey(), e.getValue()));
        return new Strategy(name, seeds, r, b,
                number(s, "acc"), number(s, "acc_std"), number(s, "bwt"), number(s, "bwt_std"),
                number(s, "fwt"), number(s, "fwt_std"), number(s, "forgetting"), number(s, "forgetting_std"),
                times, number(s, "memory_bytes"), number(s, "training_macs"), number(s, "samples_per_second"),
                components(run.path("memory_bytes")), components(run.path("heap_bytes")),
                number(run, "dataset_bytes"), number(s, "ms"), number(s, "sss"), number(s, "ce"), List.copyOf(runs),
                own);
    }

    static double number(JsonNode o, String key) {
        return number(o.path(key));
    }

    /** A number, NaN when it is null (undefined) or absent. */
    static double number(JsonNode v) {
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    private static Map<String, Long> components(JsonNode o) {
        Map<String, Long> out = new LinkedHashMap<>();
        o.fields().forEachRemaining(e -> {
            if (!e.getKey().equals("total") && e.getValue().isNumber()) {
                out.put(e.getKey(), e.getValue().asLong());
            }
        });
        return out;
    }

    private static double[] vector(JsonNode a) {
        double[] v = new double[a.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = number(a.get(i));
        }
        return v;
    }

    /** R must be square: row i is "after task i", column j "test on task j". */
    private static double[][] matrix(JsonNode a, String strategy, String file) {
        int t = a.size();
        double[][] r = new double[t][];
        for (int i = 0; i < t; i++) {
            r[i] = vector(a.get(i));
            if (r[i].length != t) {
                throw corrupt(file, "accuracy_matrix of strategy '" + strategy + "' has " + t + " rows but row " + (i + 1)
                        + " has " + r[i].length + " values; expected a square matrix (row i: after task i, "
                        + "column j: test on task j)");
            }
        }
        return r;
    }

    static RehearsalException corrupt(String file, String what) {
        return new RehearsalException(RehearsalException.DATA, file + ": " + what
                + "; rerun the command that wrote it, or remove it to leave it out of the report");
    }
}
