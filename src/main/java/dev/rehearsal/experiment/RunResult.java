package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.metrics.AccuracyMatrix;
import dev.rehearsal.metrics.Efficiency;
import dev.rehearsal.metrics.TaskRecord;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import java.util.List;
import java.util.Map;

/**
 * One strategy run with one seed: the accuracy matrix and its metrics, time and MACs per phase, and the
 * exact bytes the strategy held at the end (its memory never shrinks during a run, so this is its peak).
 */
public record RunResult(String strategy, long seed, AccuracyMatrix accuracy, Ledger ledger,
        Map<String, Long> memory, Map<String, Long> heapMemory, long datasetBytes, double wallSeconds,
        List<TaskRecord> tasks, long trainingStreamBytes) {

    /** MS, SSS and CE over the finished tasks. */
    public Efficiency efficiency() {
        return Efficiency.of(tasks, trainingStreamBytes);
    }

    public double acc() {
        return accuracy.acc();
    }

    /** Exact bytes of everything the strategy allocated. */
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

    /** Solver samples (current and replayed rows) per second of solver training. */
    public double samplesPerSecond() {
        double s = ledger.seconds(Phase.SOLVER_TRAINING);
        return s > 0 ? ledger.samples(Phase.SOLVER_TRAINING) / s : 0;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("strategy", strategy);
        o.put("seed", seed);
        o.put("tasks_done", accuracy.rowsDone());
        o.put("complete", accuracy.complete());
        o.set("R", matrix(accuracy.r()));
        o.set("b", vector(accuracy.b()));
        o.put("ACC", accuracy.acc());
        o.put("BWT", accuracy.bwt());
        o.put("FWT", accuracy.fwt());
        o.put("forgetting", accuracy.forgetting());
        ObjectNode times = o.putObject("times");
        for (Phase p : Phase.values()) {
            times.put(p.id(), ledger.seconds(p));
        }
        times.put("total", wallSeconds);
        ObjectNode macs = o.putObject("macs");
        for (Phase p : Phase.values()) {
            macs.put(p.id(), ledger.macs(p));
        }
        macs.put("training_total", trainingMacs());
        ObjectNode samples = o.putObject("samples");
        for (Phase p : Phase.values()) {
            samples.put(p.id(), ledger.samples(p));
        }
        o.put("samples_per_second", samplesPerSecond());
        ObjectNode mem = o.putObject("memory_bytes");
        memory.forEach(mem::put);
        mem.put("total", memoryBytes());
        ObjectNode heap = o.putObject("heap_bytes");
        heapMemory.forEach(heap::put);
        o.put("dataset_bytes", datasetBytes);
        Efficiency e = efficiency();
        ObjectNode eff = o.putObject("efficiency");
        eff.put("MS", e.ms());
        eff.put("SSS", e.sss());
        eff.put("CE", e.ce());
        o.put("training_stream_bytes", trainingStreamBytes);
        o.set("tasks", Json.MAPPER.valueToTree(tasks));
        return o;
    }

    /** Reads what {@link #toJson} wrote (a finished run recorded before an interruption). */
    public static RunResult fromJson(JsonNode o) {
        Ledger ledger = new Ledger();
        for (Phase p : Phase.values()) {
            ledger.restore(p, Math.round(o.path("times").path(p.id()).asDouble() * 1e9),
                    o.path("macs").path(p.id()).asLong(), o.path("samples").path(p.id()).asLong());
        }
        Map<String, Long> memory = new java.util.LinkedHashMap<>();
        o.path("memory_bytes").fields().forEachRemaining(e -> {
            if (!e.getKey().equals("total")) {
                memory.put(e.getKey(), e.getValue().asLong());
            }
        });
        Map<String, Long> heap = new java.util.LinkedHashMap<>();
        o.path("heap_bytes").fields().forEachRemaining(e -> heap.put(e.getKey(), e.getValue().asLong()));
        List<TaskRecord> records = taskRecords(o.path("tasks"));
        return new RunResult(o.path("strategy").asText(), o.path("seed").asLong(),
                accuracyOf(o, o.path("tasks_done").asInt(o.path("R").size())), ledger, memory, heap,
                o.path("dataset_bytes").asLong(), o.path("times").path("total").asDouble(), records,
                o.path("training_stream_bytes").asLong());
    }

    /** The "R" and "b" of a result or checkpoint (as {@link #matrix} and {@link #vector} wrote them). */
    static AccuracyMatrix accuracyOf(JsonNode o, int rowsDone) {
        JsonNode rj = o.path("R");
        int tasks = rj.size();
        double[][] r = new double[tasks][tasks];
        double[] b = new double[tasks];
        for (int i = 0; i < tasks; i++) {
            b[i] = o.path("b").path(i).asDouble();
            for (int j = 0; j < tasks; j++) {
                r[i][j] = rj.path(i).path(j).asDouble();
            }
        }
        return new AccuracyMatrix(r, b, rowsDone);
    }

    static List<TaskRecord> taskRecords(JsonNode arr) {
        List<TaskRecord> out = new java.util.ArrayList<>();
        for (JsonNode t : arr) {
            out.add(Json.MAPPER.convertValue(t, TaskRecord.class));
        }
        return out;
    }

    static ArrayNode matrix(double[][] m) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (double[] row : m) {
            a.add(vector(row));
        }
        return a;
    }

    static ArrayNode vector(double[] v) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        for (double x : v) {
            a.add(x);
        }
        return a;
    }
}
