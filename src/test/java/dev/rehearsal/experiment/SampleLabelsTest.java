package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.strategy.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The labels written beside generated sample grids: after task k, every generated image gets the dataset
 * class the solver trained through task k predicts (mapped through the class order, among the classes seen
 * so far) and that class's softmax probability, which is at least 1 / (classes seen). Stored samples get no
 * labels file.
 */
class SampleLabelsTest {

    @Test
    void generatedGridsAreLabelledWithClassesSeenSoFar(@TempDir Path dir) throws Exception {
        Backend be = Backends.named("jvm");
        ExperimentConfig c = Synthetic.shortConfig("jvm", List.of("er", "gr"), 8, 64, 20);
        c.classOrder = dev.rehearsal.config.ClassOrder.of(List.of(3, 7, 0, 1, 2, 4, 5, 6, 8, 9)); // task 1 is {3, 7}, task 2 {0, 1}
        c.validate();
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 40, 91);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 10, 92)) {
            Comparison.run(c, dir, be, train, test, Progress.NONE, (png, samples) -> { }, s -> List.of(), false);
        }
        Path samples = dir.resolve("samples");
        assertLabels(samples.resolve("gr-task1-generated.json"), Set.of(3, 7));
        assertLabels(samples.resolve("gr-task2-generated.json"), Set.of(3, 7, 0, 1));
        assertTrue(Files.isRegularFile(samples.resolve("gr-task5-generated.json")), "one per task");
        assertFalse(Files.exists(samples.resolve("er-task1-buffer.json")), "stored samples are not labelled");
    }

    private static void assertLabels(Path file, Set<Integer> seen) throws Exception {
        JsonNode json = Json.MAPPER.readTree(file.toFile());
        assertEquals("class", json.path("label_kind").asText());
        JsonNode labels = json.path("labels");
        JsonNode confidence = json.path("confidence");
        assertEquals(32, labels.size(), "as many images as the generator draws at once: 16 current + 16 replayed rows");
        assertEquals(labels.size(), confidence.size());
        for (int i = 0; i < labels.size(); i++) {
            assertTrue(seen.contains(labels.get(i).asInt()), file + ": label " + labels.get(i) + " not in " + seen);
            double p = confidence.get(i).asDouble();
            assertTrue(p >= 1.0 / seen.size() - 1e-4 && p <= 1, file + ": confidence " + p);
        }
    }
}
