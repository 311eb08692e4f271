package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a run's stored config says about its protocol, for the top of the report: the protocol in one line
 * (preset, iterations or epochs, batch, seeds) and whether the run was a short configuration ({@code quick},
 * limits on training or test data, fewer solver or generator iterations than its preset's protocol), with
 * the reasons. Keys are read as the CLI spells them ({@code train-limit}) or in snake_case
 * ({@code train_limit}); null and 0 both mean "no limit".
 */
record Protocol(Map<String, JsonNode> config) {
    /**
     * The steps per task each preset's published protocol trains with, solver then generator: {@code wide}
     * and {@code perm} follow van de Ven et al.'s Split- and Permuted-MNIST protocols (README); {@code seed}
     * is the reference experiment, 2 solver and 5 generator epochs.
     */
    private static final Map<String, long[]> ITERATIONS = Map.of("wide", new long[] {2000, 2000},
            "perm", new long[] {5000, 5000});
    private static final Map<String, long[]> EPOCHS = Map.of("seed", new long[] {2, 5});

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

    boolean quick() {
        JsonNode v = get("quick");
        return v != null && v.asBoolean(false);
    }

    /** Whether the run trains a generator (gr, cgr): only then do generator iterations matter. */
    private boolean hasGenerator(List<String> strategies) {
        return strategies.stream().anyMatch(s -> s.equals("gr") || s.equals("cgr"));
    }

    /**
     * Why this run is shorter than its preset's protocol; empty when it is not. {@code strategies} are the
     * strategies in the results (the generator's iterations count only when one trains a generator).
     */
    List<String> shortReasons(List<String> strategies) {
        List<String> out = new ArrayList<>();
        if (quick()) {
            out.add("--quick (a short configuration for smoke tests)");
        }
        if (count("train-limit") > 0) {
            out.add(String.format(Locale.ROOT, "training data limited to %,d samples per task", count("train-limit")));
        }
        if (count("test-limit") > 0) {
            out.add(String.format(Locale.ROOT, "test data limited to %,d samples per task", count("test-limit")));
        }
        String preset = text("preset");
        long[] steps = ITERATIONS.get(preset);
        if (steps != null) {
            less(out, "solver", "iterations", "epochs", steps[0]);
            if (hasGenerator(strategies)) {
                less(out, "generator", "vae-iterations", "vae-epochs", steps[1]);
            }
        }
        long[] epochs = EPOCHS.get(preset);
        if (epochs != null) {
            fewerEpochs(out, "solver", "iterations", "epochs", epochs[0]);
            if (hasGenerator(strategies)) {
                fewerEpochs(out, "generator", "vae-iterations", "vae-epochs", epochs[1]);
            }
        }
        return out;
    }

    /** A protocol in iterations: fewer iterations, or epochs instead (a few hundred steps on Split-MNIST). */
    private void less(List<String> out, String model, String iterationsKey, String epochsKey, long protocol) {
        long it = count(iterationsKey);
        String preset = text("preset");
        if (it > 0 && it < protocol) {
            out.add(String.format(Locale.ROOT, "%d %s iterations per task where the %s preset's protocol has %d",
                    it, model, preset, protocol));
        } else if (it == 0 && get(iterationsKey) != null) {
            out.add(String.format(Locale.ROOT, "%d %s epochs per task where the %s preset's protocol has %d "
                    + "iterations (--%s %d)", count(epochsKey), model, preset, protocol, iterationsKey, protocol));
        }
    }

    /** A protocol in epochs: fewer epochs, or fewer iterations than one epoch would be is not judged here. */
    private void fewerEpochs(List<String> out, String model, String iterationsKey, String epochsKey, long protocol) {
        long e = count(epochsKey);
        if (count(iterationsKey) == 0 && get(epochsKey) != null && e < protocol) {
            out.add(String.format(Locale.ROOT, "%d %s epochs per task where the %s preset's protocol has %d", e,
                    model, text("preset"), protocol));
        }
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

    /** Whether {@code value} of this config equals {@code expected} (numbers numerically; null matches 0). */
    boolean matches(String key, JsonNode expected) {
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
