package dev.rehearsal.profile;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.metrics.TaskRecord;
import dev.rehearsal.strategy.Progress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How memory, compute and time grow with the number of tasks: every strategy runs on task sequences of
 * each requested length (Permuted-MNIST with T permutations, or Split with the first T pairs of classes),
 * and each quantity gets a log-log fit against T: slope ~0 constant, ~1 linear, ~2 quadratic.
 */
public final class ScaleStudy {
    /**
     * The quantities fitted, as named in scale.json. The replay memory (what a strategy keeps to remember,
     * e.g. the stored samples) is what scales; the total adds the solver and buffers, which do not, so its
     * log-log slope understates the growth.
     */
    public static final List<String> QUANTITIES = List.of("replay_memory_bytes", "memory_bytes", "training_macs",
            "seconds");

    private ScaleStudy() {
    }

    /** One run: its peak exact memory, its learning MACs, its wall time and its final ACC. */
    public record Measurement(String strategy, int tasks, long replayMemoryBytes, long memoryBytes, long trainingMacs,
            double seconds, double acc) {
        double value(String quantity) {
            return switch (quantity) {
                case "replay_memory_bytes" -> replayMemoryBytes;
                case "memory_bytes" -> memoryBytes;
                case "training_macs" -> trainingMacs;
                default -> seconds;
            };
        }
    }

    public static ObjectNode run(ExperimentConfig base, List<Integer> taskCounts, Backend backend, Dataset train,
            Dataset test, Progress progress) {
        if (taskCounts.size() < 2) {
            throw new RehearsalException(RehearsalException.USAGE, "--tasks needs at least two task counts to fit a "
                    + "growth, got " + taskCounts);
        }
        List<Measurement> ms = new ArrayList<>();
        for (int t : taskCounts) {
            for (String s : base.strategies) {
                ExperimentConfig c = configFor(base, s, t);
                RunResult r = Experiment.run(c, backend, train, test, progress, null, null);
                long peak = r.tasks().stream().mapToLong(TaskRecord::strategyBytes).max().orElse(r.memoryBytes());
                long replay = r.tasks().stream().mapToLong(TaskRecord::replayBytes).max().orElse(0);
                ms.add(new Measurement(s, t, replay, peak, r.trainingMacs(), r.wallSeconds(), r.acc()));
                progress.log(String.format(Locale.ROOT, "scale: %s with %d tasks: memory %,d bytes, %.3g MACs, "
                        + "%.1f s, ACC %.3f", s, t, peak, (double) r.trainingMacs(), r.wallSeconds(), r.acc()));
            }
        }
        return toJson(base, taskCounts, ms);
    }

    /** The config of one run of the study. */
    static ExperimentConfig configFor(ExperimentConfig base, String strategy, int tasks) {
        ExperimentConfig c = Experiment.single(base, strategy, base.seed);
        if (c.scenario == dev.rehearsal.config.ScenarioType.PERMUTED) {
            c.tasks = tasks;
        } else {
            if (c.classOrder.isRandom()) {
                throw new RehearsalException(RehearsalException.USAGE, "scale on a split scenario takes the first "
                        + "classes of one order: give --class-order fixed or a list, or use --scenario permuted");
            }
            if (tasks * c.classesPerTask > c.classCount()) {
                throw new RehearsalException(RehearsalException.USAGE, "a split scenario of " + c.classCount()
                        + " classes has at most " + c.classCount() / c.classesPerTask + " tasks, asked for " + tasks
                        + " (use --scenario permuted for longer sequences)");
            }
            c.classOrder = dev.rehearsal.config.ClassOrder.of(c.classOrder.classes().subList(0,
                    tasks * c.classesPerTask));
        }
        return c.validate();
    }

    static ObjectNode toJson(ExperimentConfig base, List<Integer> taskCounts, List<Measurement> ms) {
        ObjectNode root = dev.rehearsal.experiment.Provenance.stamp(Json.MAPPER.createObjectNode(), "scale");
        root.set("config", Json.config(base));
        root.put("scenario", base.scenario.id());
        ArrayNode st = root.putArray("strategies");
        base.strategies.forEach(st::add);
        ArrayNode tk = root.putArray("tasks");
        taskCounts.forEach(tk::add);
        ArrayNode arr = root.putArray("measurements");
        for (Measurement m : ms) {
            arr.addObject().put("strategy", m.strategy()).put("tasks", m.tasks())
                    .put("replay_memory_bytes", m.replayMemoryBytes()).put("memory_bytes", m.memoryBytes())
                    .put("training_macs", m.trainingMacs()).put("seconds", m.seconds())
                    .set("acc", dev.rehearsal.ResultsSchema.number(m.acc()));
        }
        ArrayNode fits = root.putArray("fits");
        for (String s : base.strategies) {
            List<Measurement> mine = ms.stream().filter(m -> m.strategy().equals(s)).toList();
            double[] t = mine.stream().mapToDouble(Measurement::tasks).toArray();
            for (String q : QUANTITIES) {
                double[] y = mine.stream().mapToDouble(m -> m.value(q)).toArray();
                if (java.util.Arrays.stream(y).anyMatch(v -> !(v > 0))) {
                    continue; // nothing to fit on a log scale (e.g. fine-tuning keeps no replay memory)
                }
                Growth g = Growth.fit(t, y);
                fits.addObject().put("strategy", s).put("quantity", q).put("slope", g.slope())
                        .put("intercept", g.intercept()).put("log_base", "e").put("growth", g.growth());
            }
        }
        return root;
    }

    /** scale.json as Markdown: the measurements and the fitted growth. */
    public static String markdown(ObjectNode scale) {
        StringBuilder b = new StringBuilder("# Rehearsal scaling study\n\n");
        b.append("| strategy | tasks | replay memory (exact bytes) | memory (exact bytes) | training MACs | time (s) "
                + "| ACC |\n|---|---|---|---|---|---|---|\n");
        for (var m : scale.get("measurements")) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %,d | %,d | %.3g | %.1f | %.3f |%n",
                    m.get("strategy").asText(), m.get("tasks").asInt(), m.get("replay_memory_bytes").asLong(),
                    m.get("memory_bytes").asLong(), m.get("training_macs").asDouble(),
                    m.get("seconds").asDouble(), m.get("acc").asDouble()));
        }
        b.append("\n| strategy | quantity | log-log slope | growth in the number of tasks |\n|---|---|---|---|\n");
        for (var f : scale.get("fits")) {
            b.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s |%n", f.get("strategy").asText(),
                    f.get("quantity").asText(), f.get("slope").asDouble(), f.get("growth").asText()));
        }
        return b.toString();
    }
}
