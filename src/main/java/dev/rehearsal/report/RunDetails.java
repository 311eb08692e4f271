package dev.rehearsal.report;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the report draws from the first run of each strategy ({@code results[].runs[0]}, kept by {@link Results})
 * beyond Results' own numbers: the training losses per task ({@code solver_loss}, {@code generator_loss}: one array
 * per task of mean losses over windows of {@code loss_window_steps} steps; the generator's is null without a
 * generator), the final solver's confusion matrix ({@code confusion_matrix}: rows true class, columns
 * predicted, counts), and the replay memory after the last task (its {@code tasks[]} records). Each is
 * empty when the file predates it.
 */
record RunDetails(long seed, List<double[]> solverLoss, List<double[]> generatorLoss, int lossWindowSteps,
        long[][] confusion, double replayBytes) {

    /** By strategy name, in file order, from each strategy's first run as {@link Results} parsed it. */
    static Map<String, RunDetails> read(List<Results.Strategy> strategies) {
        Map<String, RunDetails> out = new LinkedHashMap<>();
        for (Results.Strategy s : strategies) {
            if (!s.runs().isEmpty() && s.runs().get(0).isObject()) {
                out.put(s.name(), of(s.runs().get(0)));
            }
        }
        return out;
    }

    static RunDetails of(JsonNode run) {
        long[][] confusion = null;
        JsonNode m = run.path("confusion_matrix");
        if (m.isArray() && m.size() > 0) {
            confusion = new long[m.size()][];
            for (int i = 0; i < m.size(); i++) {
                confusion[i] = new long[m.get(i).size()];
                for (int j = 0; j < confusion[i].length; j++) {
                    confusion[i][j] = m.get(i).get(j).asLong();
                }
            }
        }
        JsonNode tasks = run.path("tasks");
        JsonNode last = tasks.path(tasks.size() - 1);
        JsonNode replay = last.path("replay_bytes");
        return new RunDetails(run.path("seed").asLong(0), losses(run.path("solver_loss")),
                losses(run.path("generator_loss")), run.path("loss_window_steps").asInt(0), confusion,
                replay.isNumber() ? replay.asDouble() : Double.NaN);
    }

    private static List<double[]> losses(JsonNode tasks) {
        List<double[]> out = new ArrayList<>();
        for (JsonNode t : tasks) {
            double[] v = new double[t.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = t.get(i).asDouble(Double.NaN);
            }
            out.add(v);
        }
        return out;
    }

    boolean hasLosses() {
        return solverLoss.stream().anyMatch(v -> v.length > 0);
    }
}
