package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
        assertTrue(r.out().contains("6 without: ") && r.out().contains("estimated from the layer shapes"), r.out());
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

    /**
     * A point whose strategy cannot be built on the data (here 80 stored samples of a class the 100-sample tasks
     * hold about 50 of) refuses the grid before anything runs, naming the experiment, and the dry run the same
     * way; a replay budget too small for a sample is not refused (the sweep records that experiment as not fitting
     * its budget), and a grid that builds says how many experiments it checked.
     */
    @Test
    void aPointNoStrategyCanBuildIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "train-limit: 100\ntest-limit: 50\niterations: 2\n"
                + "points:\n  - {strategy: naive}\n  - {strategy: er, per-class: 80}\ngrid: {seed: [1, 2]}\n");
        for (boolean dry : new boolean[] {false, true}) {
            Cli r = dry ? Cli.run("sweep", "--config", grid.toString(), "--dry-run", "--threads", "1")
                    : Cli.run("sweep", "--config", grid.toString(), "--out", dir.resolve("out").toString(),
                            "--threads", "1", "--parallel", "1");
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.oneLineError(), r.err());
            assertTrue(r.err().contains("\"strategy\":\"er\",\"per-class\":80}") && r.err().contains("cannot run: "
                    + "invalid value for 'per-class': 80 exceeds the"), r.err());
            assertEquals("", r.out(), "a refused grid prints nothing but the refusal");
        }
        assertFalse(Files.exists(dir.resolve("out")), "nothing ran, nothing was written");

        Files.writeString(grid, "train-limit: 100\ntest-limit: 50\niterations: 2\n"
                + "points:\n  - {strategy: naive}\n  - {strategy: er, per-class: 5, replay-budget: 100}\n"
                + "grid: {seed: [1, 2]}\n");
        Cli dry = Cli.run("sweep", "--config", grid.toString(), "--dry-run", "--threads", "1");
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains("sweep: checked before running: 4 experiments built on the data"), dry.out());
    }

    /**
     * On a CPU without native bfloat16 (this one: AVX-512 without AVX512_BF16 or AMX), a local sweep with a bf16
     * point is refused in one line before any experiment starts, and leaves no folder; an fp32 point beside it
     * changes nothing. Where the CPU has it, the test does not apply.
     */
    @Test
    void aBf16PointThisCpuCannotRunIsRefusedBeforeAnythingRuns(@TempDir Path dir) throws Exception {
        dev.rehearsal.Backends.nativ(); // the runtime started, so that it can say what the CPU runs
        org.junit.jupiter.api.Assumptions.assumeFalse(dev.rehearsal.backend.nativ.NativeRuntime.hasBf16(),
                "this CPU runs bf16 natively");
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "train-limit: 100\ntest-limit: 50\nepochs: 1\n"
                + "grid: {strategy: [naive], precision: [fp32, bf16], seed: [1]}\n");
        Path out = dir.resolve("out");
        Cli r = Cli.run("sweep", "--config", grid.toString(), "--out", out.toString(), "--threads",
                Integer.toString(dev.rehearsal.Backends.THREADS), "--omp-wait",
                dev.rehearsal.Backends.WAIT.name().toLowerCase(java.util.Locale.ROOT));
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.oneLineError() && r.err().contains("asks for precision bf16") && r.err().contains(
                "no native bfloat16"), r.err());
        assertFalse(Files.exists(out), "nothing ran, nothing was written");
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

    /**
     * A write that fails while the sweep merges its report (a disk that fills; here a non-empty folder where
     * report.html goes, since tests may run as root) fails the sweep with exit code 4, in one line even with -q,
     * and the folder is not marked finished.
     */
    @Test
    void aReportThatCannotBeWrittenFailsTheSweepAndLeavesItUnfinished(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "data: " + Path.of("data/mnist").toAbsolutePath() + "\ntrain-limit: 200\n"
                + "test-limit: 100\nepochs: 1\ngrid: {strategy: [naive], seed: [1]}\n");
        Path out = dir.resolve("out");
        String[] sweep = {"sweep", "--config", grid.toString(), "--out", out.toString(), "--parallel", "1",
            "--threads", Integer.toString(dev.rehearsal.Backends.THREADS), "--omp-wait",
            dev.rehearsal.Backends.WAIT.name().toLowerCase(java.util.Locale.ROOT), "-q"}; // this JVM's native runtime
        Cli first = Cli.run(sweep);
        assertEquals(0, first.exitCode(), first.err());
        Files.delete(out.resolve("report.html"));
        Files.createDirectories(out.resolve("report.html").resolve("in-the-way"));
        Cli again = Cli.run(sweep);
        assertEquals(4, again.exitCode(), again.err());
        assertTrue(again.oneLineError() && again.err().contains("cannot write " + out.resolve("report.html")),
                again.err());
        assertFalse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(out.resolve(
                dev.rehearsal.ResultsFolder.MANIFEST).toFile()).hasNonNull("finished"), "not marked finished");
    }

    /**
     * A master URL Spark would refuse (or misread: {@code spark://host:7077,host2} is a list whose second entry
     * has no port) is a one-line usage error before Spark starts: no context, no folder.
     */
    @ParameterizedTest
    @ValueSource(strings = {"spark://", "spark://[::1", "spark://a b:7077", "spark://127.0.0.1:notaport",
        "spark://host:7077,host2", "spark://127.0.0.1:0", "spark://127.0.0.1:65536", "spark://:7077",
        "local[2]", "spark://host:7077/path", "spark://user@host:7077"})
    @Timeout(30)
    void anInvalidMasterIsRefusedBeforeSparkStarts(String url, @TempDir Path dir) throws Exception {
        Cli r = sweep(dir, "--master", url);
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.oneLineError() && r.err().contains("'--master'"), r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing ran, nothing was written");
    }

    /** Spark's size syntax (digits and a unit), at least Spark's minimum executor memory, and only on a cluster. */
    @Test
    @Timeout(30)
    void executorMemoryIsCheckedAndOnlyForACluster(@TempDir Path dir) throws Exception {
        for (String size : new String[] {"lots", "2", "1.5g", "-1g", "100m", "9999999999t"}) {
            Cli r = sweep(dir, "--master", "spark://127.0.0.1:7077", "--executor-memory", size);
            assertEquals(2, r.exitCode(), size + ": " + r.err());
            assertTrue(r.oneLineError() && r.err().contains("'--executor-memory'"), r.err());
        }
        Cli embedded = sweep(dir, "--executor-memory", "2g");
        assertEquals(2, embedded.exitCode(), embedded.err());
        assertTrue(embedded.oneLineError() && embedded.err().contains("--master"), embedded.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing ran, nothing was written");
    }

    @Test
    void zeroParallelSaysAtLeastOne(@TempDir Path dir) throws Exception {
        Cli r = sweep(dir, "--parallel", "0", "--threads", "1");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.oneLineError() && r.err().contains("'--parallel'") && r.err().contains("at least 1"), r.err());
        assertFalse(r.err().contains("exceed"), r.err());
    }

    /** {@code sweep --config grid.yaml --out DIR/out ARGS}, a one-experiment grid. */
    private static Cli sweep(Path dir, String... args) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "grid: {seed: [1]}\n");
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("sweep", "--config", grid.toString(),
                "--out", dir.resolve("out").toString()));
        all.addAll(java.util.List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    /**
     * --merge-only runs nothing: it merges the records a stopped sweep left into its tables, lists the experiments
     * not run yet, starts no Spark and writes no record; it needs an earlier sweep's folder.
     */
    @Test
    void mergeOnlyMergesWhatIsThereAndRunsNothing(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "data: " + Path.of("data/mnist").toAbsolutePath() + "\ntrain-limit: 200\n"
                + "test-limit: 100\nepochs: 1\ngrid: {strategy: [naive], seed: [1, 2]}\n");
        Path out = dir.resolve("out");
        String[] common = {"--config", grid.toString(), "--out", out.toString(), "--threads",
            Integer.toString(dev.rehearsal.Backends.THREADS), "--omp-wait",
            dev.rehearsal.Backends.WAIT.name().toLowerCase(java.util.Locale.ROOT), "-q"};
        Cli refused = Cli.run(concat(new String[] {"sweep", "--merge-only"}, common));
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.oneLineError() && refused.err().contains("--merge-only"), refused.err());
        assertFalse(Files.exists(out), "nothing written for a folder that is not a sweep's");

        Cli first = Cli.run(concat(new String[] {"sweep", "--parallel", "1"}, common));
        assertEquals(0, first.exitCode(), first.err());
        java.util.List<Path> records;
        try (var files = Files.list(out.resolve("runs"))) {
            records = files.sorted().toList();
        }
        assertEquals(2, records.size());
        Files.delete(records.get(1)); // as if the sweep had stopped before its second experiment
        Cli merged = Cli.run(concat(new String[] {"sweep", "--merge-only"}, common));
        assertEquals(0, merged.exitCode(), merged.err());
        try (var files = Files.list(out.resolve("runs"))) {
            assertEquals(1, files.count(), "nothing was run");
        }
        String md = Files.readString(out.resolve("sweep.md"));
        assertTrue(md.contains("| naive (incomplete: 1 of 2 seeds") || md.contains("naive (incomplete"), md);
        assertTrue(merged.out().contains("1 finished experiments merged; nothing run"), merged.out());
    }

    /**
     * --records-from takes the records another sweep finished instead of running them again: a grid of seeds 1-3
     * over a folder that has seeds 1 and 2 runs only seed 3, its folder's manifest lists the copies (so --force
     * lists them), and the source is unchanged; with --merge-only it assembles a new folder and runs nothing; a dry
     * run shows the records it would take as taken, not to run. A
     * source that is not a sweep's folder, the output folder itself, a link under its runs/, a record whose config
     * is not its name's, or --rerun is refused in one line.
     */
    @Test
    void recordsFromTakesAnotherSweepsRecordsAndRunsOnlyTheRest(@TempDir Path dir) throws Exception {
        String head = "data: " + Path.of("data/mnist").toAbsolutePath() + "\ntrain-limit: 200\ntest-limit: 100\n"
                + "epochs: 1\n";
        Path twoSeeds = dir.resolve("two.yaml");
        Files.writeString(twoSeeds, head + "grid: {strategy: [naive], seed: [1, 2]}\n");
        Path threeSeeds = dir.resolve("three.yaml");
        Files.writeString(threeSeeds, head + "grid: {strategy: [naive], seed: [1, 2, 3]}\n");
        String[] system = {"--threads", Integer.toString(dev.rehearsal.Backends.THREADS), "--omp-wait",
            dev.rehearsal.Backends.WAIT.name().toLowerCase(java.util.Locale.ROOT), "--parallel", "1", "-q"};
        Path a = dir.resolve("a");
        Cli first = Cli.run(concat(new String[] {"sweep", "--config", twoSeeds.toString(), "--out", a.toString()},
                system));
        assertEquals(0, first.exitCode(), first.err());
        java.util.Map<String, byte[]> before = new java.util.TreeMap<>();
        try (var files = Files.list(a.resolve("runs"))) {
            for (Path f : files.toList()) {
                before.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }
        assertEquals(2, before.size());

        Path b = dir.resolve("b");
        Cli taken = Cli.run(concat(new String[] {"sweep", "--config", threeSeeds.toString(), "--out", b.toString(),
            "--records-from", a.toString()}, system));
        assertEquals(0, taken.exitCode(), taken.err());
        assertTrue(taken.out().contains("(2 kept, 1 run, 0 failed)"), taken.out());
        java.util.List<Path> records;
        try (var files = Files.list(b.resolve("runs"))) {
            records = files.sorted().toList();
        }
        assertEquals(3, records.size(), "two taken, one run");
        for (var e : before.entrySet()) {
            org.junit.jupiter.api.Assertions.assertArrayEquals(e.getValue(),
                    Files.readAllBytes(b.resolve("runs").resolve(e.getKey())), "a byte-for-byte copy of " + e.getKey());
            org.junit.jupiter.api.Assertions.assertArrayEquals(e.getValue(),
                    Files.readAllBytes(a.resolve("runs").resolve(e.getKey())), "the source is unchanged");
        }
        String manifest = Files.readString(b.resolve(dev.rehearsal.ResultsFolder.MANIFEST));
        for (Path r : records) {
            assertTrue(manifest.contains("\"runs/" + r.getFileName() + "\""), "the manifest lists " + r.getFileName());
        }
        assertTrue(Files.readString(b.resolve("sweep.md")).contains("naive"), "merged");
        // A dry run of seeds 1-4 over folder a: seeds 3 and 4 have no record, but their siblings (seeds 1 and 2)
        // do, so each costs their mean exact MACs (training and evaluation, read here from the two files) and
        // mean wall time; the totals count the two still to run.
        double macs = 0;
        double seconds = 0;
        for (byte[] bytes : before.values()) {
            com.fasterxml.jackson.databind.JsonNode o = new com.fasterxml.jackson.databind.ObjectMapper().readTree(bytes);
            macs += (o.path("macs").path("training_total").asDouble() + o.path("macs").path("evaluation").asDouble()) / 2;
            seconds += o.path("seconds").path("total").asDouble() / 2;
        }
        Path fourSeeds = dir.resolve("four.yaml");
        Files.writeString(fourSeeds, head + "grid: {strategy: [naive], seed: [1, 2, 3, 4]}\n");
        Cli dry = Cli.run(concat(new String[] {"sweep", "--config", fourSeeds.toString(), "--out", a.toString(),
            "--dry-run"}, system));
        assertEquals(0, dry.exitCode(), dry.err());
        String macsText = String.format(java.util.Locale.ROOT, "%-10.3g", macs);
        assertEquals(4, dry.out().lines().filter(l -> l.contains("  " + macsText + "  ") && l.contains("2 seeds"))
                .count(), "every row from the two siblings: " + dry.out());
        assertEquals(2, dry.out().lines().filter(l -> l.contains("  recorded  ")).count(), dry.out());
        assertTrue(dry.out().contains(String.format(java.util.Locale.ROOT, "to run: 2 experiments; 2 with siblings "
                + "recorded on other seeds: %.3g MACs exact as they counted, %.1f CPU-hours", 2 * macs,
                2 * seconds / 3600)), dry.out());
        Cli dryElsewhere = Cli.run(concat(new String[] {"sweep", "--config", fourSeeds.toString(), "--out",
            dir.resolve("nothing-yet").toString(), "--records-from", a.toString(), "--dry-run"}, system));
        // Into a new folder with --records-from a: seeds 1 and 2 would be taken from a (the sweep's own rule), not
        // run, so only seeds 3 and 4 are counted.
        assertEquals(2, dryElsewhere.out().lines().filter(l -> l.contains("  taken  ")).count(), dryElsewhere.out());
        assertEquals(2, dryElsewhere.out().lines().filter(l -> l.contains("  to run  ")).count(), dryElsewhere.out());
        assertTrue(dryElsewhere.out().contains("to run: 2 experiments; 2 with siblings"), dryElsewhere.out());
        assertFalse(Files.exists(dir.resolve("nothing-yet")), "a dry run writes nothing");

        // Refusals, each before anything is written: no such folder, a folder that is not a sweep's, the output
        // folder itself, and --rerun (which runs everything again).
        Path c = dir.resolve("c");
        java.util.List<String[]> refused = java.util.List.of(
                new String[] {"--out", c.toString(), "--records-from", dir.resolve("nowhere").toString()},
                new String[] {"--out", c.toString(), "--records-from", dir.toString()},
                new String[] {"--out", a.toString(), "--records-from", a.toString()},
                new String[] {"--out", c.toString(), "--records-from", a.toString(), "--rerun"});
        for (String[] extra : refused) {
            Cli r = Cli.run(concat(concat(new String[] {"sweep", "--config", threeSeeds.toString()}, extra), system));
            assertEquals(2, r.exitCode(), String.join(" ", extra) + ": " + r.err());
            assertTrue(r.oneLineError() && r.err().contains("--r"), r.err());
            assertFalse(Files.exists(c), "nothing written for " + String.join(" ", extra));
        }
        Path linked = dir.resolve("linked");
        Files.createDirectories(linked.resolve("runs"));
        Files.createSymbolicLink(linked.resolve("runs").resolve(records.get(0).getFileName()), records.get(0));
        Cli link = Cli.run(concat(new String[] {"sweep", "--config", threeSeeds.toString(), "--out", c.toString(),
            "--records-from", linked.toString()}, system));
        assertEquals(2, link.exitCode(), link.err());
        assertTrue(link.oneLineError() && link.err().contains("is a link"), link.err());
        assertFalse(Files.exists(c));

        // A record under another experiment's name (seed 1's file holding seed 2's record) is refused, not taken.
        Path swapped = dir.resolve("swapped");
        Files.createDirectories(swapped.resolve("runs"));
        java.util.List<String> names = new java.util.ArrayList<>(before.keySet());
        Files.write(swapped.resolve("runs").resolve(names.get(0)), before.get(names.get(1)));
        for (String mode : new String[] {"--merge-only", "--parallel"}) {
            Cli wrong = Cli.run(concat(new String[] {"sweep", "--config", twoSeeds.toString(), "--out", c.toString(),
                "--records-from", swapped.toString(), mode, mode.equals("--parallel") ? "1" : "-q"}, system));
            assertEquals(3, wrong.exitCode(), mode + ": " + wrong.err());
            assertTrue(wrong.oneLineError() && wrong.err().contains("is not that of experiment"), wrong.err());
            assertFalse(Files.exists(c.resolve("runs")), "nothing taken, nothing run");
        }

        // --merge-only with --records-from assembles a new folder from other sweeps' records and runs nothing:
        // seed 3, which no source has, is listed as not run.
        Path d = dir.resolve("d");
        Cli assembled = Cli.run(concat(new String[] {"sweep", "--config", threeSeeds.toString(), "--out",
            d.toString(), "--records-from", a.toString(), "--merge-only"}, system));
        assertEquals(0, assembled.exitCode(), assembled.err());
        try (var files = Files.list(d.resolve("runs"))) {
            assertEquals(2, files.count(), "the two taken, nothing run");
        }
        assertTrue(assembled.out().contains("2 finished experiments merged; nothing run"), assembled.out());
        assertTrue(Files.readString(d.resolve("sweep.md")).contains("incomplete"), "seed 3 not run");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
