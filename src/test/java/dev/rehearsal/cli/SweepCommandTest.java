package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code sweep} refuses, and what --dry-run prints, before any engine starts. */
class SweepCommandTest {
    @Test
    void dryRunListsTheExperimentsAndTheirEstimatedCostWithoutRunning(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "train-limit: 1000\ngrid: {strategy: [naive, er], seed: [1, 2, 3]}\n");
        Cli r = Cli.run("sweep", "--config", grid.toString(), "--out", dir.resolve("out").toString(), "--dry-run",
                "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("6 experiments"), r.out());
        assertTrue(r.out().contains("estimate"), r.out());
        assertTrue(r.out().contains("{\"strategy\":\"er\",\"seed\":3}"), r.out());
        assertFalse(Files.exists(dir.resolve("out")), "a dry run writes nothing");
    }

    /** sweep --quick: every experiment starts from the short configuration, and the grid's own keys win. */
    @Test
    void quickShortensEveryExperimentButTheGridsKeysOverrideIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("grid.yaml");
        Files.writeString(file, "epochs: 1\ngrid: {strategy: [naive, er], seed: [1]}\n");
        dev.rehearsal.sweep.Grid quick = dev.rehearsal.sweep.Grid.read(file, true, c -> c.threads = 1);
        dev.rehearsal.sweep.Grid full = dev.rehearsal.sweep.Grid.read(file, false, c -> c.threads = 1);
        for (dev.rehearsal.sweep.Grid.Point p : quick.points()) {
            assertTrue(p.config().quick);
            assertEquals(dev.rehearsal.config.ExperimentConfig.QUICK_TRAIN_LIMIT, p.config().trainLimit);
            assertEquals(1, p.config().epochs, "the grid's key overrides the short configuration");
        }
        assertEquals(0, full.points().get(0).config().trainLimit);
        assertFalse(quick.points().get(0).id().equals(full.points().get(0).id()), "quick experiments have own ids");
        Cli r = Cli.run("sweep", "--config", file.toString(), "--quick", "--dry-run", "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains(quick.points().get(0).id()), r.out());
    }

    @Test
    void anInvalidPointIsAOneLineUsageErrorNamingTheKey(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "grid: {strategy: [er], per-class: [10, 0]}\n");
        Cli r = Cli.run("sweep", "--config", grid.toString(), "--out", dir.resolve("out").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.oneLineError() && r.err().contains("'per-class'"), r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing ran, nothing was written");
    }

    /** A grid that selects: --dry-run lists the selection stage and says the evaluation stage comes after it. */
    @Test
    void dryRunOfAGridThatSelectsListsTheSelectionStage(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, """
                train-limit: 1000
                validation: 0.1
                grid: {strategy: [er], per-class: [10, 100]}
                select: {by: validation_acc, seeds: [1]}
                evaluate: {seeds: 2-21}
                """);
        Cli r = Cli.run("sweep", "--config", grid.toString(), "--out", dir.resolve("out").toString(), "--dry-run",
                "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("2 experiments in the selection stage (2 candidates x seeds 1)"), r.out());
        assertTrue(r.out().contains("then the evaluation stage") && r.out().contains("seeds 2-21 (20 experiments)"),
                r.out());
        assertFalse(Files.exists(dir.resolve("out")), "a dry run writes nothing");
    }

    /** Selection reads validation results: a grid that selects without a validation split is refused. */
    @Test
    void aGridThatSelectsWithoutValidationIsRefused(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "grid: {strategy: [er], per-class: [10, 100]}\n"
                + "select: {by: validation_acc, seeds: [1]}\nevaluate: {seeds: 2-21}\n");
        Cli r = Cli.run("sweep", "--config", grid.toString(), "--out", dir.resolve("out").toString(), "--threads",
                "1");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.oneLineError() && r.err().contains("validation: FRACTION"), r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing ran, nothing was written");
    }

    @Test
    void moreThreadsThanCoresAreRefused(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "grid: {seed: [1]}\n");
        int cores = Runtime.getRuntime().availableProcessors();
        Cli r = Cli.run("sweep", "--config", grid.toString(), "--parallel", Integer.toString(cores + 1), "--threads",
                "1", "--out", dir.resolve("out").toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.oneLineError() && r.err().contains("exceed"), r.err());
        Cli noGrid = Cli.run("sweep", "--out", dir.resolve("out").toString());
        assertEquals(2, noGrid.exitCode());
        assertTrue(noGrid.err().contains("--config"), noGrid.err());
    }
}
