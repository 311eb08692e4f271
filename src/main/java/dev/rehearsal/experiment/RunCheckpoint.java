package dev.rehearsal.experiment;

import dev.rehearsal.ResultsSchema;
import dev.rehearsal.config.ExperimentConfig;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.AtomicFiles;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.checkpoint.Safetensors;
import dev.rehearsal.metrics.AccuracyMatrix;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.LossCurves;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.metrics.TaskRecord;
import dev.rehearsal.random.Rng;
import dev.rehearsal.strategy.State;
import dev.rehearsal.strategy.Strategy;
import dev.rehearsal.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The state of a run after its last finished task, in one directory: {@code state.json} (tasks done,
 * accuracy rows, ledger, random stream, the strategy's values, the config it was written for, and the name
 * and SHA-256 of its tensors file) and {@code tensors-taskN.safetensors} (parameters, optimiser state, stored
 * samples after task N). The tensors go to a new file first and {@code state.json} is then replaced
 * atomically, so a crash leaves either the previous checkpoint or the new one, never half of each. Loading
 * verifies both checksums, the config and every value's range ({@link Integrity}).
 */
public final class RunCheckpoint {
    static final String STATE = "state.json";
    /** More random draws than any run makes (2^48: days of drawing at a billion a second). */
    static final long MAX_DRAWS = 1L << 48;
    private static final Pattern TENSORS = Pattern.compile("tensors-task[0-9]{1,9}\\.safetensors");
    private final Path dir;

    public RunCheckpoint(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** What a checkpoint restores. */
    record Saved(int tasksDone, AccuracyMatrix accuracy, Ledger ledger, long[] rng, double wallSeconds,
            java.util.List<TaskRecord> records, Map<String, Safetensors.Loaded> tensors, JsonNode values,
            Path tensorsFile, LossCurves.Recorded losses, long[][] confusion, AccuracyMatrix validation) {
    }

    void save(Strategy s, ExperimentConfig c, AccuracyMatrix acc, AccuracyMatrix validation, Ledger ledger, Rng rng,
            double wallSeconds, java.util.List<TaskRecord> records, LossCurves.Recorded losses, long[][] confusion) {
        State state = new State(new LinkedHashMap<String, Tensor>(), Json.MAPPER.createObjectNode());
        s.saveState(state);
        String tensorsName = "tensors-task" + acc.rowsDone() + ".safetensors";
        Path tensors = dir.resolve(tensorsName);
        String tensorsSum;
        try {
            Safetensors.write(tensors, state.tensors(), Map.of("strategy", s.name()));
            tensorsSum = Integrity.sha256(tensors);
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(tensors, e);
        }
        ObjectNode root = ResultsSchema.stamp(Json.MAPPER.createObjectNode(), "checkpoint");
        root.put("strategy", s.name());
        root.put("tasks_done", acc.rowsDone());
        root.set("accuracy_matrix", RunResult.rows(acc.r(), acc.rowsDone()));
        root.set("initial_accuracy", ResultsSchema.vector(acc.b()));
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
        RunResult.putCurves(root, losses, confusion);
        RunResult.putValidation(root, validation);
        root.set("values", state.values());
        root.set(Integrity.CONFIG, Json.config(c));
        root.putObject("tensors").put("file", tensorsName).put("sha256", tensorsSum);
        ResultFiles.write(dir.resolve(STATE), Json.write(Integrity.seal(root)) + "\n");
        // Only now is the previous tensors file unreferenced.
        for (Path old : files(p -> TENSORS.matcher(p).matches() && !p.equals(tensorsName))) {
            try {
                AtomicFiles.delete(old); // a regular file, reached through no link
            } catch (IOException e) {
                throw new RehearsalException(RehearsalException.RUN, "cannot remove the previous checkpoint file "
                        + old + ": " + AtomicFiles.reason(e), e);
            }
        }
    }

    /**
     * The last complete checkpoint of a run of {@code c} through {@code tasks} tasks, or null when there is
     * none; exit code 3 when it was altered, damaged or written for another config.
     */
    Saved load(ExperimentConfig c, int tasks) {
        Path stateFile = dir.resolve(STATE);
        if (!Files.isRegularFile(stateFile)) {
            return null;
        }
        ObjectNode root = Integrity.readSealed(stateFile);
        Integrity.requireConfig(stateFile, root.path(Integrity.CONFIG), c,
                "restore the run's config.json, or start the run over with --force");
        Integrity.checkRun(stateFile, root, tasks, "task_records");
        int done = root.path("tasks_done").asInt();
        Ledger ledger = new Ledger();
        for (Phase p : Phase.values()) {
            JsonNode v = root.path("ledger").path(p.id());
            if (!v.isArray() || v.size() != 3) {
                throw Integrity.corrupt(stateFile, "the ledger of phase " + p.id() + " is " + v
                        + ", expected [nanoseconds, MACs, samples]");
            }
            String what = "the ledger of phase " + p.id();
            ledger.restore(p, Integrity.countValue(stateFile, v.get(0), what),
                    Integrity.countValue(stateFile, v.get(1), what), Integrity.countValue(stateFile, v.get(2), what));
        }
        JsonNode rngNode = root.path("rng");
        long[] rng = new long[rngNode.size()];
        for (int i = 0; i < rng.length; i++) {
            if (!rngNode.get(i).isIntegralNumber() || !rngNode.get(i).canConvertToLong()) {
                throw Integrity.corrupt(stateFile, "word " + i + " of the random state is " + rngNode.get(i));
            }
            rng[i] = rngNode.get(i).asLong();
        }
        String badRng = Rng.invalidState(c.seed, rng, MAX_DRAWS);
        if (badRng != null) {
            throw Integrity.corrupt(stateFile, "the random state 'rng' is not one this run can reach: " + badRng);
        }
        double wall = Integrity.seconds(stateFile, root, "wall_seconds");
        if (!root.path("values").isObject()) {
            throw Integrity.corrupt(stateFile, "it has no strategy values");
        }
        String name = root.path("tensors").path("file").asText();
        if (!TENSORS.matcher(name).matches()) {
            throw Integrity.corrupt(stateFile, "its tensors file is '" + name + "', expected tensors-taskN.safetensors");
        }
        Path tensors = dir.resolve(name);
        try {
            if (!Integrity.sha256(tensors).equals(root.path("tensors").path("sha256").asText())) {
                throw Integrity.corrupt(tensors, "its SHA-256 is not the one " + stateFile + " recorded, so it was "
                        + "altered or damaged");
            }
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read checkpoint file " + tensors + ": "
                    + AtomicFiles.reason(e), e);
        }
        return new Saved(done, RunResult.accuracyOf(root, done), ledger, rng, wall,
                RunResult.taskRecords(root.path("task_records")), Safetensors.read(tensors), root.path("values"),
                tensors, RunResult.lossesOf(root), RunResult.confusionOf(root.path("confusion_matrix")),
                RunResult.validationOf(root, done));
    }

    /**
     * Restores a loaded checkpoint into a strategy built from the same config, checking what only the strategy
     * knows: step counts within what its tasks so far can take, tensors of exactly its shapes, counts within
     * its buffers' capacity. The checksums show the files are as written, not who wrote them: a file edited
     * and re-sealed passes them, and these checks are what refuse it.
     */
    static void restore(Strategy s, Rng rng, Saved saved) {
        Path stateFile = saved.tensorsFile().resolveSibling(STATE);
        long most = s.mostStepsThrough(saved.tasksDone());
        for (var e : saved.values().properties()) {
            if (e.getKey().endsWith(".steps")) {
                JsonNode v = e.getValue();
                if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < 0 || v.asLong() > most) {
                    throw Integrity.corrupt(stateFile, "'" + e.getKey() + "' is " + v + ", expected a step count in "
                            + "[0, " + most + "] (the most " + saved.tasksDone() + " tasks of this config can take)");
                }
            }
        }
        try {
            s.restoreState(saved.tensors(), saved.values());
            rng.restoreState(saved.rng());
        } catch (IllegalArgumentException | IllegalStateException | IndexOutOfBoundsException e) {
            // Checksums and config matched, yet the content does not fit the strategy: refuse it as data.
            throw Integrity.corrupt(stateFile, "it does not fit a " + s.name() + " run of this config: "
                    + e.getMessage() + " (tensors in " + saved.tensorsFile().getFileName() + ")");
        }
    }

    /** Removes the checkpoint (its run finished and was recorded): the files it wrote, then empty folders. */
    void delete() {
        try {
            for (Path p : files(n -> n.equals(STATE) || TENSORS.matcher(n).matches()
                    || n.startsWith(".") && n.endsWith(".tmp"))) {
                AtomicFiles.delete(p);
            }
            for (Path d : new Path[] {dir, dir.getParent()}) {
                if (d != null && Files.isDirectory(d, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    try (Stream<Path> rest = Files.list(d)) {
                        if (rest.findAny().isEmpty()) {
                            Files.delete(d);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot delete checkpoint " + dir + ": "
                    + AtomicFiles.reason(e), e);
        }
    }

    /** This checkpoint's files whose names {@code names} accepts. */
    private java.util.List<Path> files(java.util.function.Predicate<String> names) {
        if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return java.util.List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> names.test(p.getFileName().toString())).toList();
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot list checkpoint " + dir + ": "
                    + AtomicFiles.reason(e), e);
        }
    }
}
