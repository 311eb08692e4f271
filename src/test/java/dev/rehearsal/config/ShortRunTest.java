package dev.rehearsal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The one definition of a short run, case by case against each preset's protocol (wide: 2000 iterations a task
 * for the solver and the generator; seed: 2 solver and 5 generator epochs), worked out by hand.
 */
class ShortRunTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** A resolved config of {@code strategy} with {@code keys} (key, value, ...) set, as a tree. */
    private static ObjectNode config(String strategy, Object... keys) {
        ObjectNode c = MAPPER.valueToTree(new ExperimentConfig());
        c.put("strategy", strategy);
        for (int i = 0; i < keys.length; i += 2) {
            c.set((String) keys[i], MAPPER.valueToTree(keys[i + 1]));
        }
        return c;
    }

    private static List<String> reasons(ObjectNode c, String... strategies) {
        return ShortRun.reasons(c, List.of(strategies));
    }

    @Test
    void theProtocolsThemselvesAreNotShort() {
        assertEquals(List.of(), reasons(config("er"), "er", "gr"), "seed: 2 and 5 epochs, all the data");
        assertEquals(List.of(), reasons(config("gr", "preset", "wide", "iterations", 2000, "vae-iterations", 2000),
                "gr"));
        assertEquals(List.of(), reasons(config("naive", "preset", "wide", "iterations", 2000), "naive"),
                "a strategy without a generator is not judged on generator steps");
        assertEquals(List.of(), reasons(config("bir", "preset", "wide", "iterations", 2000), "bir"),
                "bir's VAE trains within the solver's steps");
        assertNull(ShortRun.line(List.of()));
    }

    @Test
    void eachWayOfBeingShortIsNamed() {
        assertEquals(List.of("--quick (a short configuration for smoke tests)", "training data limited to 4,000 "
                + "samples per task"), reasons(config("er", "quick", true, "train-limit", 4000), "er"));
        assertEquals(List.of("test data limited to 500 samples per task"), reasons(MAPPER.createObjectNode()
                .put("strategy", "er").put("preset", "seed").put("test_limit", 500).put("train_limit", (String) null)
                .put("epochs", 2), "er"), "results files spell keys in snake_case, and write no limit as null");
        assertEquals(List.of("500 solver iterations per task where the wide preset's protocol has 2000"),
                reasons(config("er", "preset", "wide", "iterations", 500), "er"));
        assertEquals(List.of("5 generator epochs per task where the wide preset's protocol has 2000 iterations "
                + "(--vae-iterations 2000)"), reasons(config("gr", "preset", "wide", "iterations", 2000), "gr"),
                "gr's generator trains for its own steps");
        assertEquals(List.of("1 solver epochs per task where the seed preset's protocol has 2"),
                reasons(config("naive", "epochs", 1), "naive"));
        // frontier-quick's steps: 60 x 128 = 7,680 rows, where 2 epochs of a Split-MNIST task are about
        // 2 x 60,000 x 2 / 10 = 24,000 rows and 5 generator epochs about 60,000.
        assertEquals(List.of("60 solver iterations per task (7,680 samples) where the seed preset's protocol has 2 "
                + "epochs (about 24,000 samples)", "60 generator iterations per task (7,680 samples) where the seed "
                + "preset's protocol has 5 epochs (about 60,000 samples)"),
                reasons(config("gr", "iterations", 60, "vae-iterations", 60), "gr replay-targets=soft"),
                "a sweep's label names its strategy first");
        // 200 x 128 = 25,600 rows pass 2 epochs (24,000); with 1,000 samples kept, 20 x 128 = 2,560 pass 2,000 and
        // 10 x 128 = 1,280 do not.
        assertEquals(List.of(), reasons(config("er", "iterations", 200), "er"));
        assertEquals(List.of("training data limited to 1,000 samples per task"),
                reasons(config("er", "iterations", 20, "train-limit", 1000), "er"));
        assertEquals(List.of("training data limited to 1,000 samples per task", "10 solver iterations per task "
                + "(1,280 samples) where the seed preset's protocol has 2 epochs (about 2,000 samples)"),
                reasons(config("er", "iterations", 10, "train-limit", 1000), "er"));
    }

    @Test
    void theLineSaysWhyAndWhatItMeans() {
        assertEquals("Short configuration, not the preset's protocol: a; b. Its numbers check that everything runs; "
                + "they are not comparable with full runs or with published results.", ShortRun.line(List.of("a",
                        "b")));
        assertEquals(List.of("a", "b", "c"), ShortRun.union(List.of(List.of("a", "b"), List.of("b", "c"))));
    }
}
