package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.Backends;
import dev.rehearsal.cli.Cli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Permuted MNIST, domain-incremental (one 10-way head shared by every permutation), for naive, EWC, SI, LwF
 * and ER on real MNIST (data/mnist, fetched when missing).
 *
 * <p><b>The published protocol</b> (van de Ven et al., GMvandeVen/continual-learning, {@code
 * params/param_values.py} {@code set_default_values} for experiment permMNIST, and {@code params/options.py}):
 * 10 contexts, 5000 iterations per context, lr 1e-4, batch 128, Adam without a reset between contexts (option
 * {@code --optimizer adam}; {@code adam_reset} is the one that resets), the fully connected network 784-1000-1000-10
 * ({@code fc_units} 1000: the {@code perm} preset), a buffer of 10 samples per class ({@code budget}). The
 * domain-scenario regularisation strengths for permMNIST differ from the Split-MNIST defaults our strategies
 * declare (ewc-lambda 1e10, si-c 50000 in the domain setting), so they are passed here: {@code ewc_lambda} 100
 * and {@code si_c} 10. Everything else a method reads has the same default for both experiments there (SI's
 * epsilon 0.1, EWC's gamma 1 and its Fisher over the whole task, the distillation temperature 2).
 *
 * <p>What is asserted is only what that work's permuted-MNIST results leave no doubt about: replay and the
 * parameter regularisers remember clearly better than fine-tuning. LwF is run and recorded but its ordering
 * against fine-tuning is not asserted: on permuted MNIST it is not expected to help (distilling on the current
 * task's permutation says little about the earlier ones), and the short run below measures it below naive.
 */
class PermutedMnistLongTest {

    /**
     * The published protocol, one seed. Tagged long ({@code mvn -B verify -Dgroups=long -DexcludedGroups=}):
     * 10 tasks x 5000 steps of 128 on a 1.8M-parameter MLP for each of five strategies. Estimated, not measured:
     * a naive step took 5.4 ms at 2 threads (300 steps in 1.63 s), so naive needs about 5 minutes and the five
     * strategies, with replay's doubled batches and LwF's teacher, roughly 30-45 minutes. Not yet run.
     */
    @Tag("long")
    @Test
    void publishedProtocolOrdersTheMethodsAsPublished(@TempDir Path out) throws Exception {
        Map<String, JsonNode> r = compare(out, "--tasks", "10", "--preset", "perm", "--iterations", "5000",
                "--lr", "1e-4", "--no-reset-optimizer", "--per-class", "10");
        String all = accs(r);
        assertComplete(r, 10);
        assertTrue(acc(r, "er") > acc(r, "naive") + 0.1, "replay clearly above fine-tuning: " + all);
        assertTrue(acc(r, "ewc") > acc(r, "naive"), "EWC above fine-tuning: " + all);
        assertTrue(acc(r, "si") > acc(r, "naive"), "SI above fine-tuning: " + all);
    }

    /**
     * The short configuration CI runs: 5 permutations, 2000 training and 500 test samples a task, 300 steps of
     * 128, the seed preset, lr 1e-3 (at the published 1e-4 so few steps barely forget: measured naive 0.833
     * against ewc 0.847 and er 0.863 on 3 tasks with the wide preset), the published strengths and buffer.
     * Measured (2 threads, `compare` from the jar, about 15 s including JVM start-up): seed 1 naive 0.644, ewc
     * 0.802, si 0.769, lwf 0.464, er 0.835 (twice, bit-identical); seed 2 naive 0.665, ewc 0.797, si 0.750, lwf
     * 0.516, er 0.835. The margins asserted are about two thirds of the smallest measured ones.
     */
    @Test
    void shortRunRemembersBetterThanFineTuning(@TempDir Path out) throws Exception {
        Map<String, JsonNode> r = compare(out, "--tasks", "5", "--preset", "seed", "--train-limit", "2000",
                "--test-limit", "500", "--iterations", "300", "--lr", "1e-3", "--per-class", "10");
        String all = accs(r);
        assertComplete(r, 5);
        assertTrue(acc(r, "naive") < 0.75, "domain-IL fine-tuning forgets earlier permutations: " + all);
        assertTrue(acc(r, "er") > acc(r, "naive") + 0.1, all);
        assertTrue(acc(r, "ewc") > acc(r, "naive") + 0.08, all);
        assertTrue(acc(r, "si") > acc(r, "naive") + 0.05, all);
    }

    /** {@code compare} of the five methods in domain-IL permuted MNIST with the published strengths. */
    private static Map<String, JsonNode> compare(Path out, String... protocol) throws Exception {
        List<String> args = new ArrayList<>(List.of("compare", "--quiet", "--scenario", "permuted", "--setting",
                "domain", "--strategies", "naive,ewc,si,lwf,er", "--seeds", "1", "--ewc-lambda", "100", "--si-c", "10",
                "--threads", Integer.toString(Backends.THREADS), "--out", out.toString()));
        args.addAll(List.of(protocol));
        Cli c = Cli.run(args.toArray(String[]::new));
        assertEquals(0, c.exitCode(), c.err());
        Map<String, JsonNode> by = new LinkedHashMap<>();
        for (JsonNode s : Json.MAPPER.readTree(out.resolve("results.json").toFile()).get("results")) {
            by.put(s.get("strategy").asText(), s);
        }
        System.out.println("permuted MNIST, domain-IL: " + accs(by));
        return by;
    }

    /** Every method has a run whose accuracy matrix is tasks x tasks. */
    private static void assertComplete(Map<String, JsonNode> r, int tasks) {
        assertEquals(List.of("naive", "ewc", "si", "lwf", "er"), List.copyOf(r.keySet()));
        for (JsonNode s : r.values()) {
            JsonNode run = s.get("runs").get(0);
            assertTrue(run.get("complete").asBoolean(), s.get("strategy") + " finished every task");
            JsonNode matrix = run.get("accuracy_matrix");
            assertEquals(tasks, matrix.size(), s.get("strategy") + ": " + matrix);
            for (JsonNode row : matrix) {
                assertEquals(tasks, row.size(), s.get("strategy") + ": " + matrix);
            }
        }
    }

    private static double acc(Map<String, JsonNode> r, String strategy) {
        return r.get(strategy).get("acc").asDouble();
    }

    private static String accs(Map<String, JsonNode> r) {
        StringBuilder b = new StringBuilder();
        r.forEach((k, v) -> b.append(k).append(' ').append(String.format(java.util.Locale.ROOT, "%.4f",
                v.get("acc").asDouble())).append("  "));
        return b.toString().trim();
    }
}
