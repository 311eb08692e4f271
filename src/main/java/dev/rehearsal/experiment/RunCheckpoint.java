package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.checkpoint.Safetensors;
import dev.rehearsal.metrics.AccuracyMatrix;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.metrics.TaskRecord;
import dev.rehearsal.random.Rng;
import dev.rehearsal.strategy.State;
import dev.rehearsal.strategy.Strategy;
import dev.rehearsal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The state of a run after its last finished task, in one directory: {@code state.json} (tasks done,
 * accuracy rows, ledger, random stream, the strategy's values) and {@code tensors.safetensors} (parameters,
 * optimiser state, stored samples). Written into a fresh directory and swapped in by renames, so a crash
 * leaves either the previous checkpoint or the new one, never half of each.
 */
public final class RunCheckpoint {
    private final Path dir;

    public RunCheckpoint(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** What a checkpoint restores. */
    record Saved(int tasksDone, AccuracyMatrix accuracy, Ledger ledger, long[] rng, double wallSeconds,
            java.util.List<TaskRecord> records, Map<String, Safetensors.Loaded> tensors, JsonNode values) {
    }

    void save(Strategy s, AccuracyMatrix acc, Ledger ledger, Rng rng, double wallSeconds,
            java.util.List<TaskRecord> records) {
        State state = new State(new LinkedHashMap<String, Tensor>(), Json.MAPPER.createObjectNode());
        s.saveState(state);
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("strategy", s.name());
        root.put("tasks_done", acc.rowsDone());
        root.set("R", RunResult.matrix(acc.r()));
        root.set("b", RunResult.vector(acc.b()));
        ObjectNode l = root.putObject("ledger");
        for (Phase p : Phase.values()) {
            l.putArray(p.id()).add(ledger.nanos(p)).add(ledger.macs(p)).add(ledger.samples(p));
        }
        var r = root.putArray("rng");
        for (long w : rng.saveState()) {
            r.add(w);
        }
        root.put("wall_seconds", wallSeconds);
        root.set("task_records", Json.MAPPER.valueToTree(records));
        root.set("values", state.values());
        Path tmp = dir.resolveSibling(dir.getFileName() + ".new");
        Path old = dir.resolveSibling(dir.getFileName() + ".old");
        try {
            deleteTree(tmp);
            Files.createDirectories(tmp);
            Safetensors.write(tmp.resolve("tensors.safetensors"), state.tensors(), Map.of("strategy", s.name()));
            Files.writeString(tmp.resolve("state.json"), Json.write(root));
            deleteTree(old);
            if (Files.exists(dir)) {
                Files.move(dir, old);
            }
            Files.move(tmp, dir);
            deleteTree(old);
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot write checkpoint " + dir + ": " + e.getMessage(),
                    e);
        }
    }

    /** The last complete checkpoint, or null when there is none. */
    Saved load() {
        Path from = Files.isDirectory(dir) ? dir : dir.resolveSibling(dir.getFileName() + ".old");
        if (!Files.isRegularFile(from.resolve("state.json"))) {
            return null;
        }
        try {
            JsonNode root = Json.MAPPER.readTree(from.resolve("state.json").toFile());
            int done = root.path("tasks_done").asInt();
            Ledger ledger = new Ledger();
            for (Phase p : Phase.values()) {
                JsonNode v = root.path("ledger").path(p.id());
                ledger.restore(p, v.path(0).asLong(), v.path(1).asLong(), v.path(2).asLong());
            }
            long[] rng = new long[root.path("rng").size()];
            for (int i = 0; i < rng.length; i++) {
                rng[i] = root.path("rng").path(i).asLong();
            }
            return new Saved(done, RunResult.accuracyOf(root, done), ledger, rng, root.path("wall_seconds").asDouble(),
                    RunResult.taskRecords(root.path("task_records")), Safetensors.read(from.resolve("tensors.safetensors")),
                    root.path("values"));
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read checkpoint " + from + ": "
                    + e.getMessage(), e);
        }
    }

    /** Removes the checkpoint (its run finished and was recorded). */
    void delete() {
        try {
            deleteTree(dir);
            deleteTree(dir.resolveSibling(dir.getFileName() + ".old"));
            try (Stream<Path> rest = Files.list(dir.getParent())) {
                if (rest.findAny().isEmpty()) {
                    Files.delete(dir.getParent());
                }
            }
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot delete checkpoint " + dir, e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}
