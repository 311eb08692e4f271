package dev.rehearsal.sweep;

import dev.rehearsal.backend.Precision;
import dev.rehearsal.config.OmpWait;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.Experiment;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Grid files: crossing, explicit points, ids, and the one-line refusals (no Spark, no training). */
class GridTest {
    private static Grid grid(String yaml) throws Exception {
        return Grid.of((ObjectNode) new YAMLMapper().readTree(yaml), "grid test.yaml", c -> c.threads = 1);
    }

    @Test
    void listsAreCrossedAndPointsCrossTheListsTheyDoNotSet() throws Exception {
        Grid g = grid("""
                train-limit: 500
                grid:
                  strategy: [naive, er]
                  seed: [1, 2, 3]
                  per-class: [10, 20]
                points:
                  - {strategy: gr, replay-targets: soft}
                """);
        // 2 x 3 x 2 crossed, plus the point x seeds x per-class (it sets strategy itself): 18 points. naive and gr
        // do not read per-class, so each of their pairs that differ only in it is one experiment.
        assertEquals(3 + 6 + 3, g.points().size());
        assertEquals(6, g.duplicates());
        assertEquals(List.of("strategy", "seed", "per-class", "replay-targets"), g.swept());
        Grid.Point soft = g.points().get(9);
        assertEquals("gr", soft.config().strategy);
        assertEquals(dev.rehearsal.config.ReplayTargets.SOFT, soft.config().replayTargets);
        assertEquals(500, soft.config().trainLimit, "fixed options apply to points too");
        assertEquals(List.of("gr"), soft.config().strategies, "each experiment is one strategy and one seed");
        assertEquals(12, g.points().stream().map(Grid.Point::id).distinct().count(), "ids are distinct");
    }

    /** paired-by names one option key; the family it declares is formed by the sweep (PairedComparisonsTest). */
    @Test
    void pairedByNamesOneOptionKey() throws Exception {
        Grid g = grid("""
                paired-by: head
                grid:
                  seed: [1, 2]
                points:
                  - {strategy: er, head: fixed}
                  - {strategy: er}
                """);
        assertEquals("head", g.pairedBy());
        assertEquals(4, g.points().size(), "not an option of any experiment: the ids are those without it");
        assertEquals(null, grid("grid: {strategy: [er], seed: [1]}").pairedBy());
        RehearsalException e = assertThrows(RehearsalException.class,
                () -> grid("paired-by: hed\ngrid: {strategy: [er], seed: [1]}"));
        assertTrue(e.getMessage().startsWith("grid test.yaml: unknown key 'hed' in paired-by"), e.getMessage());
        e = assertThrows(RehearsalException.class, () -> grid("paired-by: [head]\ngrid: {strategy: [er], seed: [1]}"));
        assertTrue(e.getMessage().contains("'paired-by' names one option key"), e.getMessage());
    }

    /**
     * Beside points, the grid's own combinations are experiments only where a strategy is named for them: a grid
     * of seeds with a gr point is gr on those seeds, not also the built-in default strategy on them.
     */
    @Test
    void gridCombinationsBesidePointsRunOnlyWithANamedStrategy() throws Exception {
        Grid onlyPoints = grid("""
                train-limit: 500
                grid:
                  seed: [1, 2]
                points:
                  - {strategy: gr}
                  - {strategy: naive}
                """);
        assertEquals(List.of("gr", "gr", "naive", "naive"), onlyPoints.points().stream()
                .map(p -> p.config().strategy).toList());
        assertEquals(0, onlyPoints.duplicates(), "nothing dropped: no default-strategy combination was made");

        Grid listed = grid("""
                train-limit: 500
                grid:
                  strategy: [si]
                  seed: [1, 2]
                points:
                  - {strategy: gr}
                """);
        assertEquals(List.of("si", "si", "gr", "gr"), listed.points().stream().map(p -> p.config().strategy).toList());

        Grid fixed = grid("""
                train-limit: 500
                strategy: er
                grid:
                  seed: [1]
                points:
                  - {storage: binary}
                """);
        assertEquals(2, fixed.points().size(), "er as fixed, and er with binary storage");
        assertEquals(List.of("er", "er"), fixed.points().stream().map(p -> p.config().strategy).toList());
    }

    @Test
    void theIdIgnoresRuntimeKeysAndSeesEveryOtherOne() throws Exception {
        ExperimentConfig a = Experiment.single(new ExperimentConfig(), "er", 1);
        ExperimentConfig b = a.copy();
        b.threads = a.threads + 1;
        b.out = "elsewhere";
        b.data = "/some/where";
        b.ompWait = OmpWait.ACTIVE;
        assertEquals(Experiment.id(a), Experiment.id(b), "threads, out, data, omp-wait are not the experiment");
        ExperimentConfig c = a.copy();
        c.perClass = 299;
        assertNotEquals(Experiment.id(a), Experiment.id(c));
        assertEquals(16, Experiment.id(a).length());
        assertTrue(Experiment.canonicalJson(a).startsWith("{\"batch\":128,"), "sorted keys, compact");
    }

    /**
     * precision came after ids were first issued: at fp32 it is left out, so the canonical JSON (and every id,
     * record and checkpoint of an earlier version) is what it was; bf16 is another experiment.
     */
    @Test
    void precisionIsPartOfTheExperimentOnlyWhenItIsNotTheDefault() {
        ExperimentConfig a = Experiment.single(new ExperimentConfig(), "er", 1);
        assertFalse(Experiment.canonicalJson(a).contains("precision"), Experiment.canonicalJson(a));
        ExperimentConfig b = a.copy();
        b.precision = Precision.BF16;
        assertTrue(Experiment.canonicalJson(b).contains("\"precision\":\"bf16\""));
        assertNotEquals(Experiment.id(a), Experiment.id(b));
    }

    @Test
    void duplicatePointsAreOneExperiment() throws Exception {
        Grid g = grid("""
                grid: {strategy: [er], seed: [1]}
                points: [{strategy: er, seed: 1}]
                """);
        assertEquals(1, g.points().size());
        assertEquals(1, g.duplicates());
    }

    @Test
    void invalidExpandedConfigsAreRefusedBeforeAnythingRunsNamingTheKey() {
        for (var bad : List.of(
                List.of("grid: {strategy: [er, nope]}", "'strategy'"),
                List.of("grid: {per-class: [10, -1]}", "'per-class'"),
                List.of("grid: {threads: [1, 2]}", "'threads'"),
                List.of("grid: {seeds: [1, 2]}", "'seeds'"),
                List.of("strategies: [er, gr]", "'strategies'"),
                List.of("grid: {nonsense: [1]}", "'nonsense'"),
                List.of("grid: {seed: 3}", "'seed'"),
                List.of("points: [{lr: 0}]", "'lr'"),
                List.of("points: []", "'points' must be a non-empty list"),
                List.of("grid: {strategy: []}", "grid key 'strategy' must be a non-empty list"))) {
            RehearsalException e = assertThrows(RehearsalException.class, () -> grid(bad.get(0)), bad.get(0));
            assertEquals(RehearsalException.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains(bad.get(1)), e.getMessage());
            assertEquals(1, e.getMessage().lines().count());
        }
    }

    @Test
    void strategyOptionsCanBeSwept() throws Exception {
        Set<String> declared = ExperimentConfig.allKeys().stream()
                .filter(k -> !ExperimentConfig.KEYS.contains(k)).collect(Collectors.toSet());
        if (declared.isEmpty()) {
            return; // no strategy declares an option in this build
        }
        String key = declared.iterator().next();
        Object dflt = dev.rehearsal.config.StrategyCatalog.installed().allOptions().stream()
                .filter(o -> o.key().equals(key)).findFirst().orElseThrow().defaultValue();
        Grid g = grid("grid: {" + key + ": [" + dflt + "]}");
        assertEquals(1, g.points().size());
    }
}
