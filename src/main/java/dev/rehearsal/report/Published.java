package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The published Split-MNIST accuracies ({@code published.json}, shipped in the jar and read by
 * {@code docs/results/protocol_table.py} as well), and which of them a run may be compared with: a value
 * is shown only when the run's config has every key of the file's {@code protocol} and of the value's own
 * {@code requires}, in the value's setting.
 */
record Published(String about, JsonNode protocol, List<Value> values) {
    static final String RESOURCE = "published.json";

    /**
     * A published ACC ({@code std}: its spread as the source reports it, Table 2's s.e.m., NaN when not given;
     * {@code reading}: for a figure read off a plot, how far off the reading may be, NaN otherwise; {@code seeds}:
     * how many seeds the mean is over, the file's {@code seeds} unless the value names its own).
     */
    record Value(String setting, String strategy, double acc, double std, double reading, int seeds, String source,
            JsonNode requires) {

        /** Our mean ± SEM over {@code n} seeds against this figure ({@link dev.rehearsal.stats.AgainstPublished}). */
        dev.rehearsal.stats.AgainstPublished against(double mean, double sem, int n) {
            return dev.rehearsal.stats.AgainstPublished.of(mean, sem, n, acc, std, seeds, reading);
        }
    }

    /** The shipped table. */
    static Published load() {
        try (InputStream in = Published.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + RESOURCE + " is missing from the jar: rebuild it");
            }
            JsonNode root = new ObjectMapper().readTree(in);
            List<Value> values = new ArrayList<>();
            int seeds = root.path("seeds").asInt(0);
            for (JsonNode v : root.path("values")) {
                values.add(new Value(v.path("setting").asText(), v.path("strategy").asText(),
                        v.path("acc").asDouble(Double.NaN), number(v.path("std")), number(v.path("reading")),
                        v.path("seeds").asInt(seeds), v.path("source").asText(""), v.path("requires")));
            }
            return new Published(root.path("about").asText(""), root.path("protocol"), List.copyOf(values));
        } catch (IOException e) {
            throw new IllegalStateException("resource " + RESOURCE + " is unreadable: " + e, e);
        }
    }

    private static double number(JsonNode n) {
        return n.isNumber() ? n.asDouble() : Double.NaN;
    }

    /** The keys of the common protocol the run differs in ("preset seed (wide)"), empty when it matches. */
    List<String> differences(Protocol run) {
        List<String> out = new ArrayList<>();
        differ(out, protocol, run, java.util.Set.of());
        return out;
    }

    /**
     * The keys of the common protocol and of {@code v}'s requirements the run differs in, but for the keys in
     * {@code ignored}: for a run of another method measured beside {@code v}'s figure (a frontier's points), the
     * keys that describe {@code v}'s own method (ER's per-class) are not the run's to meet.
     */
    List<String> differences(Protocol run, Value v, java.util.Set<String> ignored) {
        List<String> out = new ArrayList<>();
        differ(out, protocol, run, ignored);
        differ(out, v.requires(), run, ignored);
        return out;
    }

    private static void differ(List<String> out, JsonNode keys, Protocol run, java.util.Set<String> ignored) {
        for (Map.Entry<String, JsonNode> e : keys.properties()) {
            if (!ignored.contains(e.getKey()) && !run.matches(e.getKey(), e.getValue())) {
                String had = run.text(e.getKey());
                out.add(e.getKey() + " " + (had.isEmpty() ? "unset" : had) + " (" + expected(e.getValue()) + ")");
            }
        }
    }

    /** The one value for {@code strategy} in {@code setting}, or null; more than one is a defect of the file. */
    Value only(String setting, String strategy) {
        List<Value> found = values.stream().filter(v -> v.setting().equals(setting) && v.strategy().equals(strategy))
                .toList();
        if (found.size() > 1) {
            throw new IllegalStateException(RESOURCE + " has " + found.size() + " values for " + strategy + " in "
                    + setting + ": a reference to it is ambiguous");
        }
        return found.isEmpty() ? null : found.get(0);
    }

    /** A protocol value as the report names it: "random or reference" for a list of accepted values. */
    private static String expected(JsonNode v) {
        if (!v.isArray()) {
            return v.asText();
        }
        List<String> each = new ArrayList<>();
        v.forEach(one -> each.add(one.asText()));
        return String.join(" or ", each);
    }

    /** The published value for {@code strategy} in the run's setting, or null when the protocols differ. */
    Value match(Protocol run, String strategy) {
        if (!differences(run).isEmpty()) {
            return null;
        }
        for (Value v : values) {
            if (v.strategy().equals(strategy) && v.setting().equals(run.text("setting")) && requires(run, v)) {
                return v;
            }
        }
        return null;
    }

    private static boolean requires(Protocol run, Value v) {
        for (Map.Entry<String, JsonNode> e : v.requires().properties()) {
            if (!run.matches(e.getKey(), e.getValue())) {
                return false;
            }
        }
        return true;
    }
}
