package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.Backends;
import dev.rehearsal.cli.Cli;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * EWC and SI on real Split MNIST (data/mnist, fetched when missing) in the task-incremental setting, with
 * the published per-setting strengths (ewc-lambda 1e5, si-c 10) and van de Ven's Fisher defaults.
 */
class RegularizersOnMnistTest {

    /** ACC of each strategy of a compare run. */
    private static Map<String, Double> compare(Path out, String... extra) throws Exception {
        String[] base = {"compare", "--setting", "task", "--quiet", "--threads", Integer.toString(Backends.THREADS),
            "--out", out.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Cli r = Cli.run(args);
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Double> acc = new HashMap<>();
        for (JsonNode s : Json.MAPPER.readTree(out.resolve("results.json").toFile()).get("results")) {
            acc.put(s.get("strategy").asText(), s.get("acc").asDouble());
        }
        return acc;
    }

    /**
     * The short configuration CI runs (about 15 s on 2 cores): the seed preset, 2000 training samples and 300
     * steps a task. Fine-tuning forgets (ACC about 0.85), EWC and SI keep clearly more (measured: about 0.96
     * and 0.90 at one thread).
     */
    @Test
    void shortTaskIncrementalRunRemembersBetterThanFineTuning(@TempDir Path out) throws Exception {
        Map<String, Double> acc = compare(out, "--strategies", "naive,ewc,si", "--train-limit", "2000",
                "--iterations", "300");
        String all = acc.toString();
        assertTrue(acc.get("naive") < 0.92, "task-IL fine-tuning forgets here: " + all);
        assertTrue(acc.get("ewc") > acc.get("naive") + 0.05, all);
        assertTrue(acc.get("si") > acc.get("naive") + 0.025, all);
    }

    /**
     * The literature protocol (wide preset 784-400-400-10, 2000 steps of 128 a task, Adam 1e-3), seed 1, against
     * the spread measured over seeds 1-3 with {@code compare --preset wide --iterations 2000 --strategies ewc,si
     * --seeds 1,2,3 --setting task --threads 1}. Tagged long: {@code mvn verify -Dgroups=long -DexcludedGroups=}
     * (about a minute on an idle 2-core machine).
     */
    @Test
    @Tag("long")
    void literatureProtocolReachesTheMeasuredSpread(@TempDir Path out) throws Exception {
        Map<String, Double> acc = compare(out, "--strategies", "ewc,si", "--preset", "wide", "--iterations", "2000");
        String all = acc.toString();
        assertTrue(acc.get("ewc") >= EWC_MIN && acc.get("ewc") <= EWC_MAX, all);
        assertTrue(acc.get("si") >= SI_MIN && acc.get("si") <= SI_MAX, all);
    }

    // Measured at one thread: SI over seeds 1-3 0.9915, 0.9940, 0.9950 (0.9935 +- 0.0018), the bounds the range
    // widened by about four standard deviations each way. EWC with the exact Fisher (fisher-labels all, the
    // default since 2026-12-06): 0.9935 on seed 1 (with the sampled label it was 0.9645 +- 0.0023 over seeds 1-3);
    // the bounds hold the paper's 0.991 +- 0.002 (s.e.m., 20 seeds) with room for one seed's spread.
    private static final double EWC_MIN = 0.985;
    private static final double EWC_MAX = 1.0;
    private static final double SI_MIN = 0.985;
    private static final double SI_MAX = 1.0;
}
