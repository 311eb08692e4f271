package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report needs from {@code scale.json} (the {@code scale} command): one measurement per strategy
 * and task count, and per strategy and quantity the fitted power law {@code y ~ tasks^slope} with its
 * growth class. Unknown keys are ignored.
 */
record Scaling(Map<String, JsonNode> config, String scenario, List<String> strategies, List<Integer> tasks,
        List<Measurement> measurements, List<Fit> fits, List<Crossover> crossovers) {

    /** The costs a scale run measures, as keys of {@link Measurement#values}. */
    static final List<String> QUANTITIES = List.of("replay_memory_bytes", "memory_bytes", "training_macs",
            "evaluation_macs", "seconds");

    /** {@code values}: every number of the measurement by key (the quantities, acc, and any newer key). */
    record Measurement(String strategy, int tasks, Map<String, Double> values) {
        double get(String key) {
            return values.getOrDefault(key, Double.NaN);
        }
    }

    record Fit(String strategy, String quantity, double slope, double intercept, String growth) {
    }

    /**
     * Two strategies' fitted lines of a cost crossing at {@code atTasks}; their ACCs at the nearest measured count,
     * and the paired test's sentence ("" when none could be made).
     */
    record Crossover(String quantity, String a, String b, double atTasks, String cheaperBelow, int nearestTasks,
            double aAcc, double bAcc, String sentence) {
    }

    static Scaling parse(JsonNode root, String file) {
        if (!root.isObject()) {
            throw Results.corrupt(file, "the top level is not a JSON object");
        }
        dev.rehearsal.ResultsSchema.require(file, root);
        Map<String, JsonNode> config = new LinkedHashMap<>();
        root.path("config").properties().forEach(e -> config.put(e.getKey(), e.getValue()));
        List<Measurement> measurements = new ArrayList<>();
        for (JsonNode m : root.path("measurements")) {
            Map<String, Double> values = new LinkedHashMap<>();
            m.properties().forEach(e -> {
                if (e.getValue().isNumber() && !e.getKey().equals("tasks")) {
                    values.put(e.getKey(), e.getValue().asDouble());
                }
            });
            measurements.add(new Measurement(m.path("strategy").asText("?"), m.path("tasks").asInt(), values));
        }
        List<Fit> fits = new ArrayList<>();
        for (JsonNode f : root.path("fits")) {
            fits.add(new Fit(f.path("strategy").asText("?"), f.path("quantity").asText("?"),
                    Results.number(f, "slope"), Results.number(f, "intercept"), f.path("growth").asText("")));
        }
        List<Crossover> crossovers = new ArrayList<>();
        for (JsonNode c : root.path("crossovers")) {
            crossovers.add(new Crossover(c.path("quantity").asText("?"), c.path("a").asText("?"),
                    c.path("b").asText("?"), Results.number(c, "at_tasks"), c.path("cheaper_below").asText(""),
                    c.path("nearest_tasks").asInt(), Results.number(c, "a_acc"), Results.number(c, "b_acc"),
                    c.path("sentence").asText("")));
        }
        List<String> strategies = new ArrayList<>();
        root.path("strategies").forEach(s -> strategies.add(s.asText()));
        measurements.forEach(m -> {
            if (!strategies.contains(m.strategy())) {
                strategies.add(m.strategy()); // measured but not listed: still drawn
            }
        });
        List<Integer> tasks = new ArrayList<>();
        root.path("tasks").forEach(t -> tasks.add(t.asInt()));
        return new Scaling(config, root.path("scenario").asText(""), strategies, tasks, measurements, fits,
                crossovers);
    }

    Fit fit(String strategy, String quantity) {
        return fits.stream().filter(f -> f.strategy().equals(strategy) && f.quantity().equals(quantity))
                .findFirst().orElse(null);
    }
}
