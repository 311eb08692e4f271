package dev.rehearsal.profile;

import dev.rehearsal.ResultsSchema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.metrics.Efficiency;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.metrics.TaskRecord;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A run's profile. Exact figures are bytes Rehearsal allocated itself, listed block by block in three parts: the
 * strategy's (a function of the config alone), the shared data's (the data sets the config names), and the
 * backend's (the workspace oneDNN asks for and its argument lists, sized by the library for the machine, thread
 * count and wait policy: {@code backend_setting} records what they were). Measured figures (JavaCPP's counter,
 * resident memory, JVM heap) are what the process and its libraries hold and are never added to the exact ones.
 */
public final class Profile {
    /** Where an exact block belongs, in the order the profile lists them. */
    public enum Part {
        /** The strategy's blocks but its workspace: {@code memory_bytes} of the results, a function of the config. */
        STRATEGY("strategy", "strategy total (a function of the config alone)"),
        /** The data sets (and permutations) every strategy shares: a function of the config too. */
        DATA("data", "data total"),
        /** The backend's workspace and bookkeeping: sized by the library for this machine and setting. */
        BACKEND("backend", "backend total (sized by the library for the setting below)");

        private final String id;
        private final String total;

        Part(String id, String total) {
            this.id = id;
            this.total = total;
        }

        public String id() {
            return id;
        }
    }

    /**
     * What the process measured, next to the exact figures; {@code javacppRise} is -1 on the jvm backend
     * (its blocks are heap arrays, exact by construction, that JavaCPP does not see).
     */
    public record Measured(long javacppRise, long residentBytes, long jvmHeapUsed) {
    }

    /** The compute shape of a strategy: forward MACs per sample of each model (from their parameter tables). */
    public record Shape(long solverForwardMacs, long generatorForwardMacs) {
    }

    private Profile() {
    }

    /**
     * @param exact          every block of every arena alive at the end by part (strategy, data, backend): on the
     *                       native backend, all of JavaCPP's allocations
     * @param backendSetting what the backend part depends on (backend, GEMM engine, precision, threads, wait
     *                       policy, the library's ISA and version)
     * @param heapExact      exactly sized heap arrays beside them (labels of datasets and of stored samples)
     */
    public static ObjectNode toJson(RunResult r, Map<Part, List<MemoryItem>> exact, ObjectNode backendSetting,
            List<MemoryItem> heapExact, Measured measured, Shape shape, long bufferSamples, int features,
            dev.rehearsal.replay.Storage storage) {
        ObjectNode root = dev.rehearsal.experiment.Provenance.stamp(Json.MAPPER.createObjectNode(), "profile");
        root.put("strategy", r.strategy());
        ObjectNode fp = root.putObject("footprint");
        ArrayNode items = fp.putArray("exact");
        long total = 0;
        Map<String, Long> byComponent = new LinkedHashMap<>();
        ObjectNode byPart = Json.MAPPER.createObjectNode();
        for (Part part : Part.values()) {
            long sum = 0;
            for (MemoryItem m : exact.getOrDefault(part, List.of())) {
                items.addObject().put("part", part.id()).put("component", m.component()).put("block", m.block())
                        .put("bytes", m.bytes());
                sum += m.bytes();
                byComponent.merge(m.component(), m.bytes(), Long::sum);
            }
            byPart.put(part.id(), sum);
            total += sum;
        }
        ObjectNode comp = fp.putObject("exact_by_component");
        byComponent.forEach(comp::put);
        fp.set("exact_by_part", byPart);
        fp.set("backend_setting", backendSetting);
        fp.put("exact_total_bytes", total);
        ArrayNode heap = fp.putArray("exact_heap");
        for (MemoryItem m : heapExact) {
            heap.addObject().put("component", m.component()).put("block", m.block()).put("bytes", m.bytes());
        }
        long fixed = total - r.memoryBytes();
        long peak = fixed + r.tasks().stream().mapToLong(TaskRecord::strategyBytes).max().orElse(r.memoryBytes());
        fp.put("peak_exact_bytes", Math.max(peak, total));
        if (bufferSamples > 0) {
            ObjectNode b = fp.putObject("buffer");
            b.put("slots", bufferSamples);
            b.put("storage", storage.id());
            b.put("bytes_per_sample_as_stored", storage.rowBytes(features));
            b.put("as_stored_bytes", bufferSamples * storage.rowBytes(features));
            b.put("bytes_per_sample_uint8", features);
            b.put("bytes_per_sample_float32", 4L * features);
            b.put("uint8_bytes", bufferSamples * features);
            b.put("float32_bytes", 4L * bufferSamples * features);
        }
        ObjectNode meas = fp.putObject("measured");
        if (measured.javacppRise() >= 0) {
            meas.put("javacpp_total_bytes_rise", measured.javacppRise());
            meas.put("exact_matches_javacpp", measured.javacppRise() == total);
        }
        meas.put("resident_bytes", measured.residentBytes());
        meas.put("jvm_heap_used_bytes", measured.jvmHeapUsed());

        ObjectNode c = root.putObject("compute");
        c.put("solver_forward_macs_per_sample", shape.solverForwardMacs());
        c.put("generator_forward_macs_per_sample", shape.generatorForwardMacs());
        if (shape.generatorForwardMacs() > 0) {
            c.put("generator_to_solver_forward_mac_ratio",
                    (double) shape.generatorForwardMacs() / shape.solverForwardMacs());
        }
        // Measured: the MACs the GEMMs of the run's largest step issued (forward, weight and input gradients).
        for (Phase p : new Phase[] {Phase.SOLVER_TRAINING, Phase.GENERATOR_TRAINING}) {
            var step = r.ledger().largestStep(p);
            if (step != null) {
                c.putObject(p == Phase.SOLVER_TRAINING ? "solver_step" : "generator_step")
                        .put("rows", step.rows()).put("macs", step.macs());
            }
        }
        ObjectNode phases = c.putObject("phases");
        for (Phase p : Phase.values()) {
            double s = r.ledger().seconds(p);
            long macs = r.ledger().macs(p);
            phases.putObject(p.id()).put("macs", macs).put("samples", r.ledger().samples(p)).put("seconds", s)
                    .set("gflops", ResultsSchema.number(s > 0 ? 2.0 * macs / s / 1e9 : Double.NaN));
        }
        c.put("training_macs", r.trainingMacs());
        ArrayNode perTask = c.putArray("per_task");
        for (TaskRecord t : r.tasks()) {
            perTask.addObject().put("task", t.task()).put("training_macs", t.trainingMacs())
                    .put("one_pass_macs", t.onePassMacs()).put("replay_bytes", t.replayBytes())
                    .put("strategy_bytes", t.strategyBytes());
        }
        Efficiency e = r.efficiency();
        ObjectNode eff = root.putObject("efficiency");
        eff.set("ms", ResultsSchema.number(e.ms()));
        eff.set("sss", ResultsSchema.number(e.sss()));
        eff.set("ce", ResultsSchema.number(e.ce()));
        root.set("acc", ResultsSchema.number(r.acc()));
        return root;
    }

    /** A console rendering of {@link #toJson}. */
    public static String toText(ObjectNode p) {
        StringBuilder b = new StringBuilder();
        var fp = p.get("footprint");
        b.append(String.format(Locale.ROOT, "%s: exact memory, block by block%n", p.get("strategy").asText()));
        for (Part part : Part.values()) {
            for (var m : fp.get("exact")) {
                if (m.path("part").asText().equals(part.id())) {
                    b.append(String.format(Locale.ROOT, "  %-28s %-44s %,14d%n", m.get("component").asText(),
                            m.get("block").asText(), m.get("bytes").asLong()));
                }
            }
            b.append(String.format(Locale.ROOT, "  %-73s %,14d%n", part.total, fp.get("exact_by_part").get(part.id())
                    .asLong()));
            if (part == Part.BACKEND) {
                StringBuilder s = new StringBuilder();
                fp.get("backend_setting").properties().forEach(e -> s.append(s.length() == 0 ? "" : ", ")
                        .append(e.getKey()).append(' ').append(e.getValue().asText()));
                b.append(String.format(Locale.ROOT, "    setting: %s%n", s));
            }
        }
        b.append(String.format(Locale.ROOT, "  %-73s %,14d%n", "exact total", fp.get("exact_total_bytes").asLong()));
        b.append(String.format(Locale.ROOT, "  %-73s %,14d%n", "peak over the run (exact)",
                fp.get("peak_exact_bytes").asLong()));
        var tasks = p.get("compute").get("per_task");
        if (tasks != null && !tasks.isEmpty()) {
            b.append(String.format(Locale.ROOT, "  %-73s %,14d%n", "replay memory after the last task (exact)", tasks.get(tasks.size() - 1).get("replay_bytes")
                    .asLong()));
        }
        if (fp.has("buffer")) {
            var bu = fp.get("buffer");
            b.append(String.format(Locale.ROOT, "  replay buffer: %,d slots x %d bytes (%s) = %,d bytes; as uint8 it "
                    + "would be %,d, as float32 %,d%n", bu.get("slots").asLong(),
                    bu.get("bytes_per_sample_as_stored").asInt(), bu.get("storage").asText(),
                    bu.get("as_stored_bytes").asLong(), bu.get("uint8_bytes").asLong(), bu.get("float32_bytes").asLong()));
        }
        for (var m : fp.get("exact_heap")) {
            b.append(String.format(Locale.ROOT, "  %-28s %-44s %,14d (heap)%n", m.get("component").asText(),
                    m.get("block").asText(), m.get("bytes").asLong()));
        }
        var me = fp.get("measured");
        if (me.has("javacpp_total_bytes_rise")) {
            b.append(String.format(Locale.ROOT, "measured: JavaCPP's counter rose %,d bytes (%s the exact total)%n",
                    me.get("javacpp_total_bytes_rise").asLong(),
                    me.get("exact_matches_javacpp").asBoolean() ? "equal to" : "DIFFERENT from"));
        }
        b.append(String.format(Locale.ROOT, "measured, not exact: resident %,d bytes (whole process); JVM heap used "
                + "%,d bytes%n", me.get("resident_bytes").asLong(), me.get("jvm_heap_used_bytes").asLong()));
        var c = p.get("compute");
        b.append(String.format(Locale.ROOT, "compute: solver %,d forward MACs/sample", c.get(
                "solver_forward_macs_per_sample").asLong()));
        if (c.has("generator_to_solver_forward_mac_ratio")) {
            b.append(String.format(Locale.ROOT, ", generator %,d (%.2fx the solver)",
                    c.get("generator_forward_macs_per_sample").asLong(),
                    c.get("generator_to_solver_forward_mac_ratio").asDouble()));
        }
        b.append(String.format(Locale.ROOT, "%n"));
        for (String k : new String[] {"solver_step", "generator_step"}) {
            if (c.has(k)) {
                b.append(String.format(Locale.ROOT, "  largest %s step: %,d rows, %,d MACs issued (%,d per row)%n",
                        k.substring(0, k.indexOf('_')), c.get(k).get("rows").asLong(), c.get(k).get("macs").asLong(),
                        c.get(k).get("macs").asLong() / Math.max(1, c.get(k).get("rows").asLong())));
            }
        }
        b.append(String.format(Locale.ROOT, "  %-20s %18s %10s %10s%n", "phase", "MACs", "seconds", "GFLOP/s"));
        c.get("phases").properties().forEach(e -> b.append(String.format(Locale.ROOT, "  %-20s %,18d %10.2f %10.1f%n",
                e.getKey(), e.getValue().get("macs").asLong(), e.getValue().get("seconds").asDouble(),
                e.getValue().get("gflops").asDouble())));
        var e = p.get("efficiency");
        b.append(String.format(Locale.ROOT, "efficiency: MS %.3f, SSS %.3f, CE %.4f; ACC %.4f%n", e.get("ms").asDouble(),
                e.get("sss").asDouble(), e.get("ce").asDouble(), p.get("acc").asDouble()));
        return b.toString();
    }
}
