package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code results.csv}: results.json's accuracy matrices in tidy form, one row per (strategy, seed,
 * trained_through_task, task) with the class order the run used ({@code class_order}, the classes separated by spaces; empty for a
 * permuted scenario), its {@code accuracy} on the task's test set and {@code validation_accuracy} on its
 * validation set (empty where undefined or without one), whether the run finished every task
 * ({@code complete}: false for a run that stopped or still runs, whose figures are not comparable with a complete
 * run's), whether its config is a short one ({@code short}, {@link dev.rehearsal.config.ShortRun}: a smoke test,
 * not a result), then the run's options as columns (the config's
 * snake_case keys, lists as JSON text; the config's own class_order, which may say "random", gives way to
 * the order drawn). Only trained rows are written: row i of a run's
 * R is there once the run finished task i. Built from the results.json tree, so the two always agree.
 */
public final class ResultsCsv {
    /** The columns before the options. */
    public static final List<String> COLUMNS = List.of("strategy", "seed", "class_order", "trained_through_task", "task",
            "accuracy", "validation_accuracy", "complete", "short");
    /** Config keys that are columns of their own (strategy, seed, class_order) or say nothing about one run. */
    private static final Set<String> LEFT_OUT = Set.of("strategy", "seed", "strategies", "seeds", "class_order");

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
            String isShort = Boolean.toString(!dev.rehearsal.config.ShortRun.reasons(config,
                    List.of(s.path("strategy").asText())).isEmpty());
            for (JsonNode run : s.path("runs")) {
                JsonNode r = run.path("accuracy_matrix");
                JsonNode v = run.path("validation").path("accuracy_matrix");
                int done = run.path("tasks_done").asInt();
                for (int i = 0; i < done; i++) {
                    for (int j = 0; j < r.get(i).size(); j++) {
                        List<String> row = new ArrayList<>(List.of(s.path("strategy").asText(),
                                run.path("seed").asText(), order(run.path("class_order")), Integer.toString(i + 1),
                                Integer.toString(j + 1), number(r.path(i).path(j)), number(v.path(i).path(j)),
                                Boolean.toString(run.path("complete").asBoolean(done == r.size())), isShort));
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

    /** A run's class order as the CSVs write it: the classes separated by spaces ("3 7 0 1 ..."), or empty. */
    public static String order(JsonNode v) {
        if (!v.isArray()) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        v.forEach(k -> b.append(b.length() == 0 ? "" : " ").append(k.asText()));
        return b.toString();
    }

    private static String number(JsonNode v) {
        return v.isNumber() ? v.asText() : "";
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
