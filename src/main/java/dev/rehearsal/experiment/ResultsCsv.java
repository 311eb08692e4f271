package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code results.csv}: results.json's accuracy matrices in tidy form, one row per (strategy, seed,
 * trained_through_task, task) with its {@code accuracy} (empty where undefined), then the run's options as
 * columns (the config's snake_case keys, lists as JSON text). Only trained rows are written: row i of a run's
 * R is there once the run finished task i. Built from the results.json tree, so the two always agree.
 */
public final class ResultsCsv {
    /** The columns before the options. */
    public static final List<String> COLUMNS = List.of("strategy", "seed", "trained_through_task", "task", "accuracy");
    /** Config keys that are columns of their own (strategy, seed) or say nothing about one run. */
    private static final Set<String> LEFT_OUT = Set.of("strategy", "seed", "strategies", "seeds");

    private ResultsCsv() {
    }

    /** The CSV of a results.json tree. */
    public static String of(JsonNode results) {
        List<String> options = new ArrayList<>(optionColumns(results));
        StringBuilder b = new StringBuilder();
        List<String> header = new ArrayList<>(COLUMNS);
        header.addAll(options);
        line(b, header);
        for (JsonNode s : results.path("results")) {
            JsonNode config = s.has("config") ? s.get("config") : results.path("config");
            for (JsonNode run : s.path("runs")) {
                JsonNode r = run.path("accuracy_matrix");
                int done = run.path("tasks_done").asInt();
                for (int i = 0; i < done; i++) {
                    for (int j = 0; j < r.get(i).size(); j++) {
                        List<String> row = new ArrayList<>(List.of(s.path("strategy").asText(),
                                run.path("seed").asText(), Integer.toString(i + 1), Integer.toString(j + 1),
                                r.get(i).get(j).isNumber() ? r.get(i).get(j).asText() : ""));
                        for (String k : options) {
                            row.add(value(config.path(k)));
                        }
                        line(b, row);
                    }
                }
            }
        }
        return b.toString();
    }

    /** The option columns: every config key of the file (and of each strategy's own config), in order. */
    private static Set<String> optionColumns(JsonNode results) {
        Set<String> out = new LinkedHashSet<>();
        results.path("config").fieldNames().forEachRemaining(out::add);
        for (JsonNode s : results.path("results")) {
            s.path("config").fieldNames().forEachRemaining(out::add);
        }
        out.removeAll(LEFT_OUT);
        return out;
    }

    private static String value(JsonNode v) {
        return v.isMissingNode() || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
    }

    /** Appends one CSV line (RFC 4180 quoting). */
    public static void line(StringBuilder b, List<String> fields) {
        for (int i = 0; i < fields.size(); i++) {
            b.append(i > 0 ? "," : "").append(field(fields.get(i)));
        }
        b.append('\n');
    }

    /** A CSV field, quoted when it holds a comma, a quote or a line break. */
    public static String field(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
