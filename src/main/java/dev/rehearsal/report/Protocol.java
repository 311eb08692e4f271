package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.config.ShortRun;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a run's stored config says about its protocol, for the top of the report: the protocol in one line
 * (preset, iterations or epochs, batch, seeds) and whether the run was a short configuration ({@link ShortRun}),
 * with the reasons. Keys are read as the CLI spells them ({@code train-limit}) or in snake_case
 * ({@code train_limit}); null and 0 both mean "no limit".
 */
record Protocol(Map<String, JsonNode> config) {
    /** The value of {@code key} (CLI or snake_case spelling), or null when absent. */
    JsonNode get(String key) {
        JsonNode v = config.get(key);
        if (v == null) {
            v = config.get(key.replace('-', '_'));
        }
        return v;
    }

    String text(String key) {
        JsonNode v = get(key);
        return v == null || v.isNull() ? "" : v.asText();
    }

    /** A count option: 0 when absent or null. */
    long count(String key) {
        JsonNode v = get(key);
        return v == null || !v.isNumber() ? 0 : v.asLong();
    }

    /** Whether the run trains a generator for its own steps (gr, cgr): only then do generator steps matter. */
    private boolean hasGenerator(List<String> strategies) {
        return ShortRun.trainsGenerator(strategies);
    }

    /**
     * Why this run is shorter than its preset's protocol ({@link ShortRun}, the one definition); empty when it is
     * not. {@code strategies} are the strategies in the results.
     */
    List<String> shortReasons(List<String> strategies) {
        com.fasterxml.jackson.databind.node.ObjectNode tree =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        config.forEach(tree::set);
        return ShortRun.reasons(tree, strategies);
    }

    /** The default order 0, 1, 2, ... (left out of the protocol line). */
    private static boolean labelOrder(JsonNode order) {
        if (!order.isArray()) {
            return false;
        }
        for (int i = 0; i < order.size(); i++) {
            if (order.get(i).asInt(-1) != i) {
                return false;
            }
        }
        return true;
    }

    /** "preset wide; 2000 iterations per task (generator 2000); batch 128; seeds 1, 2, 3". */
    String line(List<Long> seeds, List<String> strategies) {
        List<String> parts = new ArrayList<>();
        if (!text("preset").isEmpty()) {
            parts.add("preset " + text("preset"));
        }
        String solver = steps("iterations", "epochs");
        if (!solver.isEmpty()) {
            String generator = hasGenerator(strategies) ? steps("vae-iterations", "vae-epochs") : "";
            parts.add(solver + " per task" + (generator.isEmpty() ? "" : " (generator: " + generator + ")"));
        }
        if (!text("batch").isEmpty()) {
            parts.add("batch " + text("batch"));
        }
        if (!seeds.isEmpty()) {
            parts.add((seeds.size() == 1 ? "seed " : seeds.size() + " seeds ")
                    + String.join(", ", seeds.stream().map(String::valueOf).toList()));
        }
        JsonNode order = get("class-order");
        if (order != null && !text("scenario").equals("permuted") && !labelOrder(order)) {
            parts.add(order.isTextual() && order.asText().equals("random") ? "a random class order per seed"
                    : order.isTextual() && order.asText().equals("reference")
                            ? "per seed, the reference implementation's class order"
                            : "class order " + order);
        }
        JsonNode validation = get("validation");
        if (validation != null && validation.isNumber() && validation.asDouble() > 0) {
            parts.add(String.format(java.util.Locale.ROOT, "%.0f%% of each task's training data held out for "
                    + "validation", 100 * validation.asDouble()));
        }
        String data = count("train-limit") > 0 ? count("train-limit") + " training samples per task" : "";
        if (count("test-limit") > 0) {
            data += (data.isEmpty() ? "" : ", ") + count("test-limit") + " test samples per task";
        }
        if (!data.isEmpty()) {
            parts.add(data);
        }
        return String.join("; ", parts);
    }

    private String steps(String iterationsKey, String epochsKey) {
        if (count(iterationsKey) > 0) {
            return count(iterationsKey) + " iterations";
        }
        return get(epochsKey) == null ? "" : count(epochsKey) + " epochs";
    }

    /**
     * Whether {@code value} of this config equals {@code expected} (numbers numerically; null matches 0), or for a
     * list, one of its values ({@code "class-order": ["random", "reference"]}: any order drawn per seed).
     */
    boolean matches(String key, JsonNode expected) {
        if (expected.isArray()) {
            for (JsonNode one : expected) {
                if (matches(key, one)) {
                    return true;
                }
            }
            return false;
        }
        JsonNode v = get(key);
        if (expected.isNumber()) {
            double have = v == null || v.isNull() ? 0 : v.isNumber() ? v.asDouble() : Double.NaN;
            if (v == null && expected.asDouble() != 0) {
                return false;
            }
            return have == expected.asDouble();
        }
        if (expected.isBoolean()) {
            return v != null && !v.isNull() ? v.asBoolean() == expected.asBoolean() : !expected.asBoolean();
        }
        return v != null && !v.isNull() && v.asText().equals(expected.asText());
    }
}
