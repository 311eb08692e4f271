package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Json;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * An experiment is what its strategy reads: grid points that differ only in keys their strategy does not read
 * are one experiment (run once, listed once, with a line saying so), and records earlier builds wrote under the
 * ids such points had then are found by the config they record, so no finished experiment runs again. No
 * training: grids, records on disk, and merges without an engine.
 */
class SweepIdentityTest {
    private static Grid grid(String yaml) throws Exception {
        return Grid.of((ObjectNode) new YAMLMapper().readTree(yaml), "grid test.yaml", c -> c.threads = 1);
    }

    /** The README's grid.yaml: naive and gr do not read per-class, so crossing it gives them nothing new. */
    @Test
    void pointsThatDifferOnlyInKeysTheirStrategyDoesNotReadAreOneExperiment() throws Exception {
        Grid g = grid("""
                preset: seed
                train-limit: 4000
                grid:
                  strategy: [naive, er, gr]
                  seed: [1, 2, 3]
                  per-class: [100, 300]
                points:
                  - {strategy: gr, replay-targets: soft}   # x seed x per-class
                """);
        // 3 x 3 x 2 + 3 x 2 = 24 points: er's 6 are 6 experiments, naive's, gr's and gr soft's 6 are 3 each.
        assertEquals(15, g.points().size());
        assertEquals(9, g.duplicates());
        Map<String, Long> perLabel = g.points().stream().collect(Collectors.groupingBy(Sweep::label,
                Collectors.counting()));
        assertEquals(Map.of("naive", 3L, "er per-class=100", 3L, "er per-class=300", 3L, "gr", 3L,
                "gr replay-targets=soft", 3L), perLabel, "labels name what each experiment reads, so none repeats");
        for (Grid.Point p : g.points()) {
            if (!p.config().strategy.equals("er")) {
                assertEquals(300, p.config().perClass, p.id() + ": a key its strategy does not read is at its default");
                assertFalse(p.options().containsKey("per-class"), p.options().toString());
            }
        }
        assertEquals("24 grid points are 15 experiments: 9 repeat an earlier one (not read, so not part of an "
                + "experiment: per-class by naive and gr)", g.collapsed());
        String dry = Sweep.dryRun(g, null);
        assertTrue(dry.startsWith("15 experiments\n" + g.collapsed() + "\n"), dry);
    }

    /**
     * A strategy's own option crossed with strategies that do not declare it: their points collapse (they were
     * refused before), while an option no strategy of the grid reads is still refused, naming who reads it.
     */
    @Test
    void anOptionCrossedWithStrategiesThatDoNotReadItCollapsesForThem() throws Exception {
        Grid g = grid("""
                grid:
                  strategy: [naive, ewc]
                  ewc-lambda: [10, 1000]
                  seed: [1]
                """);
        assertEquals(List.of("naive", "ewc ewc-lambda=10", "ewc ewc-lambda=1000"),
                g.points().stream().map(Sweep::label).toList());
        assertEquals("4 grid points are 3 experiments: 1 repeat an earlier one (not read, so not part of an "
                + "experiment: ewc-lambda by naive)", g.collapsed());
        RehearsalException e = assertThrows(RehearsalException.class, () -> grid("""
                grid:
                  strategy: [naive, joint]
                  ewc-lambda: [10, 1000]
                """));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("option 'ewc-lambda' (10.0) is not read by naive: it is read by ewc"),
                e.getMessage());
        assertNull(grid("grid: {strategy: [naive, er], seed: [1, 2]}").collapsed(), "nothing to say");
    }

    private static void assertNull(Object o, String why) {
        assertEquals(null, o, why);
    }

    /**
     * A record written by the build before this change (commit 01160a5: src/test/resources/.../earlier-build)
     * for naive with per-class 100, under the id that build gave it: today's id of that experiment differs (the
     * unread per-class is left out), and the sweep still finds the record by the config it holds, lists it as
     * recorded, keeps it and runs nothing.
     */
    @Test
    void aRecordAnEarlierBuildWroteUnderItsOldIdIsFoundByItsConfig(@TempDir Path dir) throws Exception {
        String old = "2a30284bc42fa1a9";
        Files.createDirectories(dir.resolve("runs"));
        try (InputStream in = resource("runs/" + old + ".json")) {
            Files.copy(in, dir.resolve("runs").resolve(old + ".json"));
        }
        Grid g;
        try (InputStream in = resource("grid.yaml")) {
            g = Grid.of(ConfigFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "earlier grid"),
                    "earlier grid", c -> c.threads = 1);
        }
        assertEquals(1, g.points().size());
        String id = g.points().get(0).id();
        assertNotEquals(old, id, "the earlier build's id saw per-class, which naive does not read");
        assertEquals(Map.of(id, dir.resolve("runs").resolve(old + ".json")), Records.find(dir, g));
        assertTrue(Sweep.dryRun(g, dir).lines().anyMatch(l -> l.startsWith(id) && l.contains(" recorded ")),
                Sweep.dryRun(g, dir));

        ByteArrayOutputStream log = new ByteArrayOutputStream();
        Sweep.Outcome o = Sweep.run(g, dir, null, false, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertEquals(1, o.kept(), log.toString(StandardCharsets.UTF_8));
        assertEquals(0, o.ran());
        assertTrue(log.toString(StandardCharsets.UTF_8).contains("sweep: writing sweep.json, sweep.csv, sweep.md and "
                + "results.* of 1 experiment in " + dir + "\nsweep: writing report.html and its figures\n"),
                "after the runs, what is being written: " + log.toString(StandardCharsets.UTF_8));
        JsonNode e = Json.MAPPER.readTree(dir.resolve("sweep.json").toFile()).path("experiments").get(0);
        assertEquals(id, e.path("id").asText());
        assertEquals("finished", e.path("status").asText());
        assertEquals("runs/" + old + ".json", e.path("record").asText(), "the file that holds it");
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            assertEquals(1, runs.count(), "nothing was written beside it");
        }
    }

    private static InputStream resource(String name) {
        InputStream in = SweepIdentityTest.class.getResourceAsStream("earlier-build/" + name);
        assertNotNull(in, name);
        return in;
    }

    /**
     * The committed protocol folders, written by earlier builds for grids that set per-class 100 at the top for
     * strategies that do not read it: every record in them is still found as an experiment of its grid (both
     * stages of proto's), so a sweep resumed with this build re-runs none of them. Read only.
     */
    @ParameterizedTest
    @CsvSource({"literature-class.yaml, class", "literature-class-baselines.yaml, class-baselines",
        "literature-class-grow.yaml, class-grow", "literature-class-baselines-grow.yaml, class-baselines-grow",
        "head.yaml, head", "reference-orders.yaml, reference-orders",
        "literature-task.yaml, task", "literature-domain.yaml, domain", "literature-class-reset.yaml, class-reset", "literature-class-baselines-reset.yaml, "
        + "class-baselines-reset", "literature-task-reset.yaml, task-reset", "proto-selection.yaml, proto",
        "joint-at-once.yaml, joint-at-once", "literature-class-proto.yaml, class-proto",
        "literature-class-bf16.yaml, class-bf16", "domain-reference-orders.yaml, domain-reference-orders",
        "frontier-domain.yaml, frontier-domain", "literature-permuted.yaml, permuted",
        "proto-selection-domain.yaml, proto-domain"})
    void theCommittedProtocolFoldersResumeWithoutRerunningAnything(String gridFile, String folder) {
        Path protocol = Path.of("docs/results/protocol");
        Grid g = Grid.read(protocol.resolve(gridFile), false, c -> c.threads = 1);
        Path dir = protocol.resolve(folder);
        Set<Path> found = new HashSet<>(Records.find(dir, g).values());
        Set<Path> all;
        try (Stream<Path> runs = Files.list(dir.resolve("runs"))) {
            all = runs.collect(Collectors.toSet());
        } catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        assertFalse(all.isEmpty());
        assertEquals(all, found, "every record of " + dir + " is an experiment of " + gridFile);
    }
}
