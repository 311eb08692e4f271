package dev.rehearsal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * The layout of every results file Rehearsal writes (results.json, runs/*.json, sweep.json, scale.json,
 * profile.json, frontier.json, and a checkpoint's state.json): its version ({@link #VERSION}, the top-level
 * {@code schema_version}), the JSON Schema that documents and checks it ({@link #RESOURCE}, in the jar), and
 * the conventions it follows: snake_case field names, units in names ({@code seconds}, {@code bytes}), task
 * numbers 1-based as the report shows them, and {@code null} where a value is undefined ({@link #number}).
 * The config inside a results file ({@link #written}) is the resolved config with its keys in snake_case
 * ({@code train-limit} is {@code train_limit}) and the "all" data limits as null. A file of another version
 * is refused in one line ({@link #require}).
 */
public final class ResultsSchema {
    /**
     * Version of the results layout. 2: schema_version, rehearsal, machine and the record's id. 3: snake_case
     * everywhere, a JSON Schema, units in names, 1-based task numbers, null for undefined values, loss curves
     * and the confusion matrix. 4: each run's class order and its accuracy matrix on the validation sets.
     */
    public static final int VERSION = 4;

    /** The JSON Schema of every results file, as a class-path resource (also in the source tree under src/main/resources). */
    public static final String RESOURCE = "/dev/rehearsal/results.schema.json";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** The config keys whose 0 means "all the data" (written as null). */
    public static final Set<String> ALL_WHEN_ZERO = Set.of("train-limit", "test-limit");

    private ResultsSchema() {
    }

    /** Adds {@code schema_version} and {@code kind} (the schema's definition the file follows) to {@code o}. */
    public static ObjectNode stamp(ObjectNode o, String kind) {
        o.put("schema_version", VERSION);
        o.put("kind", kind);
        return o;
    }

    /** A config key (the CLI's option name, e.g. {@code train-limit}) as a results field ({@code train_limit}). */
    public static String field(String configKey) {
        return configKey.replace('-', '_');
    }

    /** A results field of the config ({@code train_limit}) as the config key it stands for ({@code train-limit}). */
    public static String configKey(String field) {
        return field.replace('_', '-');
    }

    /**
     * A config tree (keys as in a config file, the CLI's option names) as results files write it: every key in
     * snake_case, the "all" data limits as null.
     */
    public static ObjectNode written(JsonNode configTree) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : configTree.properties()) {
            boolean all = ALL_WHEN_ZERO.contains(e.getKey()) && e.getValue().isNumber() && e.getValue().asLong() == 0;
            out.set(field(e.getKey()), all ? NODES.nullNode() : e.getValue());
        }
        return out;
    }

    /**
     * A config as results files write it ({@link #written}) back as a config tree: keys as in config files, the
     * "all" data limits 0 again.
     */
    public static ObjectNode unwritten(JsonNode written) {
        ObjectNode out = NODES.objectNode();
        for (Map.Entry<String, JsonNode> e : written.properties()) {
            String key = configKey(e.getKey());
            out.set(key, ALL_WHEN_ZERO.contains(key) && e.getValue().isNull() ? NODES.numberNode(0) : e.getValue());
        }
        return out;
    }

    /** A tree of config keys (a grid file) with every object key in snake_case, values as they are. */
    public static JsonNode snakeKeys(JsonNode tree) {
        if (tree.isObject()) {
            ObjectNode out = NODES.objectNode();
            tree.properties().forEach(e -> out.set(field(e.getKey()), snakeKeys(e.getValue())));
            return out;
        }
        if (tree.isArray()) {
            ArrayNode out = NODES.arrayNode();
            tree.forEach(x -> out.add(snakeKeys(x)));
            return out;
        }
        return tree;
    }

    /** A number, or null when it is undefined (NaN or infinite). */
    public static JsonNode number(double v) {
        return Double.isFinite(v) ? NODES.numberNode(v) : NODES.nullNode();
    }

    /** A vector of numbers, null where undefined. */
    public static ArrayNode vector(double[] v) {
        ArrayNode a = NODES.arrayNode();
        for (double x : v) {
            a.add(number(x));
        }
        return a;
    }

    /** A number written by {@link #number}: NaN for null. */
    public static double read(JsonNode v) {
        return v.isNumber() ? v.asDouble() : Double.NaN;
    }

    /**
     * Refuses, with exit code {@link RehearsalException#DATA}, a results file of another layout than this
     * version's: one line naming the file, its version and what to do.
     */
    public static void require(String file, JsonNode root) {
        JsonNode v = root.path("schema_version");
        if (v.isIntegralNumber() && v.asInt() == VERSION) {
            return;
        }
        String was = v.isMissingNode() ? "no schema_version (an earlier Rehearsal wrote it)"
                : "schema_version " + v + (v.isIntegralNumber() && v.asInt() < VERSION ? " (an earlier Rehearsal wrote it)"
                : "");
        throw new RehearsalException(RehearsalException.DATA, file + " has " + was + "; this Rehearsal reads "
                + "schema_version " + VERSION + ": rerun the command that wrote it with this version, or read it with "
                + "the version that wrote it");
    }
}
