package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.ResultsSchema;
import dev.rehearsal.metrics.AccuracyMatrix;
import dev.rehearsal.metrics.Efficiency;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.LossCurves;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.metrics.TaskRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One strategy run with one seed: the accuracy matrix and its metrics, time and MACs per phase, the exact
 * bytes the strategy held at the end (its memory never shrinks during a run, so this is its peak), the loss
 * curves the training loop recorded, the final solver's confusion matrix over every task's test set
 * (null until the last task is done), the class order the run used (null for a permuted scenario), and the
 * accuracy matrix on the tasks' validation sets (null without {@code --validation}).
 *
 * <p>{@code memory} depends on the config alone; {@code workspaceBytes}, the backend's workspace in the
 * strategy's arenas (oneDNN scratchpads, bfloat16 operand copies), is exact too but sized by the library for
 * the machine, thread count and wait policy, so it is kept apart ({@code workspace_bytes}, never in a total).
 */
public record RunResult(String strategy, long seed, AccuracyMatrix accuracy, Ledger ledger,
        Map<String, Long> memory, Map<String, Long> heapMemory, long datasetBytes, double wallSeconds,
        List<TaskRecord> tasks, long trainingStreamBytes, LossCurves.Recorded losses, long[][] confusion,
        int[] classOrder, AccuracyMatrix validation, long workspaceBytes) {

    /** A run whose backend workspace was not recorded (0). */
    public RunResult(String strategy, long seed, AccuracyMatrix accuracy, Ledger ledger, Map<String, Long> memory,
            Map<String, Long> heapMemory, long datasetBytes, double wallSeconds, List<TaskRecord> tasks,
            long trainingStreamBytes, LossCurves.Recorded losses, long[][] confusion, int[] classOrder,
            AccuracyMatrix validation) {
        this(strategy, seed, accuracy, ledger, memory, heapMemory, datasetBytes, wallSeconds, tasks,
                trainingStreamBytes, losses, confusion, classOrder, validation, 0);
    }

    /** A run without a recorded class order or validation set. */
    public RunResult(String strategy, long seed, AccuracyMatrix accuracy, Ledger ledger, Map<String, Long> memory,
            Map<String, Long> heapMemory, long datasetBytes, double wallSeconds, List<TaskRecord> tasks,
            long trainingStreamBytes, LossCurves.Recorded losses, long[][] confusion) {
        this(strategy, seed, accuracy, ledger, memory, heapMemory, datasetBytes, wallSeconds, tasks,
                trainingStreamBytes, losses, confusion, null, null);
    }

    /** ACC on the validation sets over the tasks finished so far; NaN without them or before the first task. */
    public double validationAcc() {
        return validation == null || validation.rowsDone() == 0 ? Double.NaN : validation.acc();
    }

    /** MS, SSS and CE over the finished tasks. */
    public Efficiency efficiency() {
        return Efficiency.of(tasks, trainingStreamBytes);
    }

    /** ACC over the tasks finished so far; NaN before the first. */
    public double acc() {
        return accuracy.rowsDone() == 0 ? Double.NaN : accuracy.acc();
    }

    /** BWT, NaN while it is undefined (before the second task). */
    public double bwt() {
        return accuracy.rowsDone() == 0 ? Double.NaN : accuracy.bwt();
    }

    public double fwt() {
        return accuracy.rowsDone() == 0 ? Double.NaN : accuracy.fwt();
    }

    public double forgetting() {
        return accuracy.rowsDone() == 0 ? Double.NaN : accuracy.forgetting();
    }

    /** The same run under another name (a sweep names each grid point). */
    public RunResult named(String name) {
        return new RunResult(name, seed, accuracy, ledger, memory, heapMemory, datasetBytes, wallSeconds, tasks,
                trainingStreamBytes, losses, confusion, classOrder, validation, workspaceBytes);
    }

    /** Exact bytes of everything the strategy allocated but the backend's workspace: a function of the config. */
    public long memoryBytes() {
        return memory.values().stream().mapToLong(Long::longValue).sum();
    }

    /** MACs spent learning: solver and generator training, generation, end-of-task work (not evaluation). */
    public long trainingMacs() {
        return learningMacs(ledger);
    }

    /** The learning phases' MACs of a ledger: everything but evaluation and the report's samples. */
    public static long learningMacs(Ledger ledger) {
        return ledger.macs(Phase.SOLVER_TRAINING) + ledger.macs(Phase.GENERATOR_TRAINING)
                + ledger.macs(Phase.GENERATION) + ledger.macs(Phase.CONSOLIDATION);
    }

    /** Solver samples (current and replayed rows) per second of solver training; NaN when it trained none. */
    public double samplesPerSecond() {
        double s = ledger.seconds(Phase.SOLVER_TRAINING);
        return s > 0 ? ledger.samples(Phase.SOLVER_TRAINING) / s : Double.NaN;
    }

    /** The run object of results.json and of a run record (see the schema's definition "run"). */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("strategy", strategy);
        o.put("seed", seed);
        o.put("tasks_done", accuracy.rowsDone());
        o.put("complete", accuracy.complete());
        o.set("class_order", classOrder == null ? Json.MAPPER.nullNode() : Json.MAPPER.valueToTree(classOrder));
        o.set("accuracy_matrix", rows(accuracy.r(), accuracy.rowsDone()));
        o.set("initial_accuracy", ResultsSchema.vector(accuracy.b()));
        o.set("acc", ResultsSchema.number(acc()));
        o.set("bwt", ResultsSchema.number(bwt()));
        o.set("fwt", ResultsSchema.number(fwt()));
        o.set("forgetting", ResultsSchema.number(forgetting()));
        ObjectNode seconds = o.putObject("seconds");
        for (Phase p : Phase.values()) {
            seconds.put(p.id(), ledger.seconds(p));
        }
        seconds.put("total", wallSeconds);
        ObjectNode macs = o.putObject("macs");
        for (Phase p : Phase.values()) {
            macs.put(p.id(), ledger.macs(p));
        }
        macs.put("training_total", trainingMacs());
        ObjectNode samples = o.putObject("samples");
        for (Phase p : Phase.values()) {
            samples.put(p.id(), ledger.samples(p));
        }
        o.set("samples_per_second", ResultsSchema.number(samplesPerSecond()));
        ObjectNode mem = o.putObject("memory_bytes");
        memory.forEach(mem::put);
        mem.put("total", memoryBytes());
        o.put("workspace_bytes", workspaceBytes);
        ObjectNode heap = o.putObject("heap_bytes");
        heapMemory.forEach(heap::put);
        o.put("dataset_bytes", datasetBytes);
        Efficiency e = efficiency();
        ObjectNode eff = o.putObject("efficiency");
        eff.set("ms", ResultsSchema.number(e.ms()));
        eff.set("sss", ResultsSchema.number(e.sss()));
        eff.set("ce", ResultsSchema.number(e.ce()));
        o.put("training_stream_bytes", trainingStreamBytes);
        o.set("tasks", Json.MAPPER.valueToTree(tasks));
        putCurves(o, losses, confusion);
        putValidation(o, validation);
        return o;
    }

    /**
     * The validation accuracy matrix as a run object and a checkpoint hold it: {@code validation} is null
     * without a validation split, else its matrix, initial accuracies, ACC, BWT and forgetting.
     */
    static void putValidation(ObjectNode o, AccuracyMatrix v) {
        if (v == null) {
            o.set("validation", Json.MAPPER.nullNode());
            return;
        }
        ObjectNode val = o.putObject("validation");
        val.set("accuracy_matrix", rows(v.r(), v.rowsDone()));
        val.set("initial_accuracy", ResultsSchema.vector(v.b()));
        boolean any = v.rowsDone() > 0;
        val.set("acc", ResultsSchema.number(any ? v.acc() : Double.NaN));
        val.set("bwt", ResultsSchema.number(any ? v.bwt() : Double.NaN));
        val.set("forgetting", ResultsSchema.number(any ? v.forgetting() : Double.NaN));
    }

    /** What {@link #putValidation} wrote: null, or the matrix through {@code rowsDone} rows. */
    static AccuracyMatrix validationOf(JsonNode o, int rowsDone) {
        JsonNode v = o.path("validation");
        return v.isObject() ? accuracyOf(v, rowsDone) : null;
    }

    /** What {@link #toJson} wrote under class_order: null, or the order. */
    static int[] classOrderOf(JsonNode o) {
        JsonNode a = o.path("class_order");
        if (!a.isArray()) {
            return null;
        }
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asInt();
        }
        return out;
    }

    /** The loss curves and the confusion matrix as a run object and a checkpoint hold them. */
    static void putCurves(ObjectNode o, LossCurves.Recorded losses, long[][] confusion) {
        o.put("loss_window_steps", losses.window());
        o.set("solver_loss", curves(losses.solver()));
        o.set("generator_loss", curves(losses.generator()));
        o.set("confusion_matrix", confusion == null ? Json.MAPPER.nullNode() : Json.MAPPER.valueToTree(confusion));
    }

    /** Reads what {@link #toJson} wrote (a finished run recorded before an interruption). */
    public static RunResult fromJson(JsonNode o) {
        Ledger ledger = new Ledger();
        for (Phase p : Phase.values()) {
            ledger.restore(p, Math.round(o.path("seconds").path(p.id()).asDouble() * 1e9),
                    o.path("macs").path(p.id()).asLong(), o.path("samples").path(p.id()).asLong());
        }
        Map<String, Long> memory = new LinkedHashMap<>();
        o.path("memory_bytes").properties().forEach(e -> {
            if (!e.getKey().equals("total")) {
                memory.put(e.getKey(), e.getValue().asLong());
            }
        });
        Map<String, Long> heap = new LinkedHashMap<>();
        o.path("heap_bytes").properties().forEach(e -> heap.put(e.getKey(), e.getValue().asLong()));
        List<TaskRecord> records = taskRecords(o.path("tasks"));
        return new RunResult(o.path("strategy").asText(), o.path("seed").asLong(),
                accuracyOf(o, o.path("tasks_done").asInt(o.path("accuracy_matrix").size())), ledger, memory, heap,
                o.path("dataset_bytes").asLong(), o.path("seconds").path("total").asDouble(), records,
                o.path("training_stream_bytes").asLong(), lossesOf(o), confusionOf(o.path("confusion_matrix")),
                classOrderOf(o), validationOf(o, o.path("tasks_done").asInt(o.path("accuracy_matrix").size())),
                o.path("workspace_bytes").asLong(0));
    }

    /** The "accuracy_matrix" and "initial_accuracy" of a result or checkpoint (as {@link #toJson} wrote them). */
    static AccuracyMatrix accuracyOf(JsonNode o, int rowsDone) {
        JsonNode rj = o.path("accuracy_matrix");
        int tasks = rj.size();
        double[][] r = new double[tasks][tasks];
        double[] b = new double[tasks];
        for (int i = 0; i < tasks; i++) {
            b[i] = ResultsSchema.read(o.path("initial_accuracy").path(i));
            for (int j = 0; j < tasks; j++) {
                r[i][j] = ResultsSchema.read(rj.path(i).path(j));
            }
        }
        return new AccuracyMatrix(r, b, rowsDone);
    }

    /** The loss curves of a result or checkpoint. */
    static LossCurves.Recorded lossesOf(JsonNode o) {
        return new LossCurves.Recorded(o.path("loss_window_steps").asInt(1), curvesOf(o.path("solver_loss")),
                curvesOf(o.path("generator_loss")));
    }

    static List<double[]> curvesOf(JsonNode a) {
        if (!a.isArray()) {
            return null;
        }
        List<double[]> out = new ArrayList<>();
        for (JsonNode task : a) {
            double[] v = new double[task.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = task.get(i).asDouble();
            }
            out.add(v);
        }
        return out;
    }

    static long[][] confusionOf(JsonNode a) {
        if (!a.isArray()) {
            return null;
        }
        long[][] out = new long[a.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = new long[a.get(i).size()];
            for (int j = 0; j < out[i].length; j++) {
                out[i][j] = a.get(i).get(j).asLong();
            }
        }
        return out;
    }

    static List<TaskRecord> taskRecords(JsonNode arr) {
        List<TaskRecord> out = new ArrayList<>();
        for (JsonNode t : arr) {
            out.add(Json.MAPPER.convertValue(t, TaskRecord.class));
        }
        return out;
    }

    /** The rows of R, the first {@code done} as numbers (null where undefined), the rest null: not run yet. */
    static ArrayNode rows(double[][] m, int done) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (int i = 0; i < m.length; i++) {
            ArrayNode row = a.addArray();
            for (double x : m[i]) {
                row.add(i < done ? ResultsSchema.number(x) : Json.MAPPER.nullNode());
            }
        }
        return a;
    }

    static JsonNode curves(List<double[]> curves) {
        if (curves == null) {
            return Json.MAPPER.nullNode();
        }
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (double[] c : curves) {
            a.add(ResultsSchema.vector(c));
        }
        return a;
    }
}
