package dev.rehearsal.experiment;

import dev.rehearsal.ResultsSchema;
import dev.rehearsal.config.ExperimentConfig;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.AtomicFiles;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.metrics.Phase;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What makes a run record ({@code runs/S-seedK.json}) or a checkpoint ({@code state.json} and its tensors)
 * trustworthy when a run is resumed: the SHA-256 of its content ({@link #seal}, the last key
 * {@value #SHA256}), its layout's version ({@link ResultsSchema#require}), the config it was written for
 * ({@link #CONFIG}), and values in range (accuracies in [0, 1] or null, task numbers in order, counts
 * non-negative, loss curves one per finished task, a square confusion matrix of counts). Anything else is refused with exit
 * code {@link RehearsalException#DATA} and a message naming the file and what is wrong.
 */
final class Integrity {
    /** The key of a sealed file's checksum: SHA-256 of the file's JSON written without this key. */
    static final String SHA256 = "sha256";
    /** The key of the config (of this run: its strategy and seed) a record or checkpoint was written for. */
    static final String CONFIG = "config";
    /**
     * Keys that may differ between the run that wrote a file and the one resuming it: where the data and the
     * results are, how loud it is, and how it computes (the result is still the same run).
     */
    static final Set<String> RUNTIME_KEYS = Set.of("data", "out", "quiet", "threads", "gemm", "omp-wait",
            "backend", "strategies", "seeds");

    private Integrity() {
    }

    /** Adds the checksum of {@code root} as its last key. */
    static ObjectNode seal(ObjectNode root) {
        root.remove(SHA256);
        root.put(SHA256, sha256(Json.write(root).getBytes(StandardCharsets.UTF_8)));
        return root;
    }

    /** Reads a file {@link #seal} sealed, verifying its checksum. */
    static ObjectNode readSealed(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw corrupt(file, "it is not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read " + file + ": " + AtomicFiles.reason(e),
                    e);
        }
        if (root == null || !root.isObject()) {
            throw corrupt(file, "it is not a JSON object");
        }
        ObjectNode o = (ObjectNode) root;
        ResultsSchema.require(file.toString(), o);
        JsonNode sum = o.remove(SHA256);
        if (sum == null || !sum.isTextual()) {
            throw corrupt(file, "it has no \"" + SHA256 + "\" checksum (it was not written by this version of "
                    + "Rehearsal)");
        }
        if (!sum.asText().equals(sha256(Json.write(o).getBytes(StandardCharsets.UTF_8)))) {
            throw corrupt(file, "its content does not match its SHA-256 checksum, so it was altered or damaged");
        }
        return o;
    }

    /** Refuses a file written for another config than {@code c} (keys other than {@link #RUNTIME_KEYS}). */
    static void requireConfig(Path file, JsonNode saved, ExperimentConfig c, String fix) {
        if (!saved.isObject()) {
            throw corrupt(file, "it does not say which config it was written for");
        }
        // Both as their experiment sees them: a key the strategy does not read is at its default on both sides
        // (an earlier build recorded the value the grid gave it), and the data limits' "all" is 0 on both.
        JsonNode now = ExperimentConfig.forgetUnread(Json.MAPPER.valueToTree(c));
        JsonNode then = ExperimentConfig.forgetUnread(ResultsSchema.unwritten(saved));
        for (String key : ExperimentConfig.KEYS) {
            // As text: a long written and read back is an int node, and 1 == 1. A key added later and absent
            // from the file has the value its absence means.
            JsonNode was = then.has(key) || !ExperimentConfig.ADDED_KEYS.containsKey(key) ? then.path(key)
                    : Json.MAPPER.getNodeFactory().textNode(ExperimentConfig.ADDED_KEYS.get(key));
            if (!RUNTIME_KEYS.contains(key) && !now.path(key).toString().equals(was.toString())) {
                throw new RehearsalException(RehearsalException.DATA, file + " was written for another config: '"
                        + key + "' is " + shown(was) + " there and " + shown(now.path(key))
                        + " in this run's config; " + fix);
            }
        }
    }

    private static String shown(JsonNode v) {
        return v.isMissingNode() ? "absent" : v.toString();
    }

    /**
     * Checks what {@link RunResult#toJson} wrote (and a checkpoint's copy of it): {@code tasks} square rows of
     * the accuracy matrix R (the finished ones accuracies in [0, 1] or null, the others null), the initial
     * accuracies, tasks_done, one task record per finished task (numbered 1, 2, ...), the loss curves (one per
     * finished task) and the confusion matrix (square counts, or null).
     */
    static void checkRun(Path file, JsonNode o, int tasks, String tasksKey) {
        int done = integer(file, o, "tasks_done", 0, tasks);
        JsonNode r = o.path("accuracy_matrix");
        if (!r.isArray() || r.size() != tasks) {
            throw corrupt(file, "accuracy_matrix has " + (r.isArray() ? r.size() + " rows" : "no rows")
                    + ", the scenario has " + tasks + " tasks");
        }
        for (int i = 0; i < tasks; i++) {
            JsonNode row = r.get(i);
            if (!row.isArray() || row.size() != tasks) {
                throw corrupt(file, "row " + (i + 1) + " of accuracy_matrix has " + row.size() + " values, expected "
                        + tasks);
            }
            for (int j = 0; j < tasks; j++) {
                String what = "accuracy_matrix[" + (i + 1) + "][" + (j + 1) + "]";
                if (i < done) {
                    accuracy(file, row.get(j), what);
                } else if (!row.get(j).isNull()) {
                    throw corrupt(file, what + " is " + row.get(j) + ", expected null (task " + (i + 1)
                            + " is not trained yet)");
                }
            }
        }
        JsonNode b = o.path("initial_accuracy");
        if (!b.isArray() || b.size() != tasks) {
            throw corrupt(file, "initial_accuracy has " + b.size() + " values, the scenario has " + tasks + " tasks");
        }
        for (int j = 0; j < tasks; j++) {
            accuracy(file, b.get(j), "initial_accuracy[" + (j + 1) + "]");
        }
        JsonNode records = o.path(tasksKey);
        if (!records.isArray() || records.size() != done) {
            throw corrupt(file, "it has " + records.size() + " task records for " + done + " finished tasks");
        }
        for (int i = 0; i < done; i++) {
            JsonNode t = records.get(i);
            if (integer(file, t, "task", 1, tasks) != i + 1) {
                throw corrupt(file, "task record " + (i + 1) + " is for task " + t.path("task").asInt());
            }
            for (String k : List.of("solver_parameter_bytes", "replay_bytes", "strategy_bytes", "training_macs",
                    "one_pass_macs", "train_samples")) {
                count(file, t, k);
            }
        }
        integer(file, o, "loss_window_steps", 1, Integer.MAX_VALUE);
        for (String curve : List.of("solver_loss", "generator_loss")) {
            JsonNode c = o.path(curve);
            if (c.isNull() && curve.equals("generator_loss")) {
                continue;
            }
            if (!c.isArray() || c.size() != done) {
                throw corrupt(file, "'" + curve + "' has " + (c.isArray() ? c.size() + " curves" : "no curves") + " for "
                        + done + " finished tasks");
            }
            for (JsonNode task : c) {
                for (JsonNode v : task) {
                    if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                        throw corrupt(file, "'" + curve + "' holds " + shown(v) + ", not a loss");
                    }
                }
            }
        }
        JsonNode confusion = o.path("confusion_matrix");
        if (!confusion.isNull()) {
            if (!confusion.isArray() || confusion.size() == 0) {
                throw corrupt(file, "'confusion_matrix' is " + shown(confusion) + ", expected rows of counts or null");
            }
            for (JsonNode row : confusion) {
                if (!row.isArray() || row.size() != confusion.size()) {
                    throw corrupt(file, "'confusion_matrix' is not square (" + confusion.size() + " rows)");
                }
                row.forEach(v -> countValue(file, v, "a count of 'confusion_matrix'"));
            }
        }
    }

    /** A finished run record: {@link #checkRun} and complete, with non-negative times, MACs and samples. */
    static void checkRecord(Path file, JsonNode o, int tasks) {
        checkRun(file, o, tasks, "tasks");
        if (o.path("tasks_done").asInt() != tasks || !o.path("complete").asBoolean(false)) {
            throw corrupt(file, "it records " + o.path("tasks_done") + " of " + tasks + " tasks, so the run did not "
                    + "finish");
        }
        for (Phase p : Phase.values()) {
            seconds(file, o.path("seconds"), p.id());
            count(file, o.path("macs"), p.id());
            count(file, o.path("samples"), p.id());
        }
        seconds(file, o.path("seconds"), "total");
        if (!o.path("confusion_matrix").isArray()) {
            throw corrupt(file, "it has no confusion matrix, yet the run finished");
        }
        o.path("memory_bytes").properties().forEach(e -> count(file, o.path("memory_bytes"), e.getKey()));
        o.path("heap_bytes").properties().forEach(e -> count(file, o.path("heap_bytes"), e.getKey()));
        count(file, o, "dataset_bytes");
        count(file, o, "training_stream_bytes");
    }

    /** An accuracy in [0, 1], or null where it is undefined (NaN). */
    static double accuracy(Path file, JsonNode v, String what) {
        boolean undefined = v != null && v.isNull();
        if (!undefined && !(v != null && v.isNumber() && v.asDouble() >= 0 && v.asDouble() <= 1)) {
            throw corrupt(file, what + " is " + shown(v) + ", not an accuracy in [0, 1] (or null)");
        }
        return undefined ? Double.NaN : v.asDouble();
    }

    static int integer(Path file, JsonNode o, String key, int min, int max) {
        JsonNode v = o.path(key);
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
            throw corrupt(file, "'" + key + "' is " + shown(v) + ", expected an integer in [" + min + ", " + max + "]");
        }
        return v.asInt();
    }

    static long count(Path file, JsonNode o, String key) {
        return countValue(file, o.path(key), "'" + key + "'");
    }

    static long countValue(Path file, JsonNode v, String what) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0) {
            throw corrupt(file, what + " is " + shown(v) + ", expected a count (an integer >= 0)");
        }
        return v.asLong();
    }

    static double seconds(Path file, JsonNode o, String key) {
        JsonNode v = o.path(key);
        if (!v.isNumber() || !(v.asDouble() >= 0) || Double.isInfinite(v.asDouble())) {
            throw corrupt(file, "'" + key + "' is " + shown(v) + ", expected seconds (a number >= 0)");
        }
        return v.asDouble();
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    static String sha256(Path file) throws IOException {
        MessageDigest d = digest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0;) {
                d.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(d.digest());
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    static RehearsalException corrupt(Path file, String what) {
        return new RehearsalException(RehearsalException.DATA, file + " is damaged: " + what
                + "; restore it, or start the run over with --force");
    }
}
