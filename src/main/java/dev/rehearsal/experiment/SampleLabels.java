package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.strategy.Strategy;

/**
 * What the solver makes of the generated samples shown in the report: for each image, the class it
 * predicts (argmax over its active outputs) and the softmax probability of that class. Drawn after task k
 * with the solver trained through task k, which is the model that labels the next task's replay, so a
 * reader sees whether replay teaches the right thing. Written as {@code <grid>.json} next to the grid's
 * PNG ({@link #FIELDS}: {@code labels}, {@code confidence}, {@code label_kind}).
 *
 * <p>In the class and task settings a label is the dataset's class of the predicted unit; in the domain
 * setting every task shares its units, so a label is the position within a task's classes (0: its first).
 */
public record SampleLabels(int[] labels, float[] confidence, String labelKind) {
    /** The keys of the JSON file, as the report reads them. */
    public static final String FIELDS = "labels, confidence, label_kind";

    /**
     * Classifies the first {@code min(count, maxBatch)} images of {@code samples} with {@code solver} (a
     * forward pass over its input slot; the caller times it) trained through task {@code done} (0-based),
     * over the output units of the tasks seen so far. Null when the images are not the solver's input size.
     */
    public static SampleLabels of(Mlp solver, Scenario scenario, int done, Strategy.Samples samples) {
        int d = samples.rows() * samples.cols();
        if (d != solver.input(1).cols()) {
            return null;
        }
        int n = Math.min(samples.count(), solver.maxBatch());
        solver.input(n).copyFrom(samples.pixels(), 0);
        solver.forward(n);
        float[] logits = solver.logits(n).toFloatArray(); // [n, OUT active]
        int out = logits.length / n;
        int seen = scenario.setting() == Setting.DOMAIN ? out : Math.min(out, scenario.tasks().get(done).hi());
        int[] labels = new int[n];
        float[] confidence = new float[n];
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int u = 1; u < seen; u++) {
                if (logits[i * out + u] > logits[i * out + best]) {
                    best = u;
                }
            }
            double sum = 0;
            for (int u = 0; u < seen; u++) {
                sum += Math.exp(logits[i * out + u] - logits[i * out + best]);
            }
            confidence[i] = (float) (1 / sum);
            labels[i] = classOf(scenario, best);
        }
        return new SampleLabels(labels, confidence,
                scenario.setting() == Setting.DOMAIN ? "position within a task" : "class");
    }

    /** The dataset class of output unit {@code unit} (its position within a task in the domain setting). */
    private static int classOf(Scenario scenario, int unit) {
        if (scenario.setting() == Setting.DOMAIN) {
            return unit;
        }
        for (Task t : scenario.tasks()) {
            if (unit >= t.lo() && unit < t.hi() && unit - t.lo() < t.classes().length) {
                return t.classes()[unit - t.lo()];
            }
        }
        return unit;
    }

    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ArrayNode l = o.putArray("labels");
        for (int v : labels) {
            l.add(v);
        }
        ArrayNode c = o.putArray("confidence");
        for (float v : confidence) {
            c.add(Math.round(v * 1e4) / 1e4);
        }
        o.put("label_kind", labelKind);
        return o;
    }
}
