package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.engine.Engine;
import dev.rehearsal.engine.SparkEngine;
import dev.rehearsal.engine.SparkMaster;
import dev.rehearsal.engine.SparkMemory;
import dev.rehearsal.sweep.Grid;
import dev.rehearsal.sweep.Sweep;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rehearsal sweep --config grid.yaml}: every experiment of a grid file (see {@link Grid}), on embedded
 * Spark inside this process ({@code --parallel} experiments at once, {@code --threads} each) or on a standalone
 * cluster ({@code --master spark://host:port}), or on spark-submit's master when spark-submit started the process. Resumable: a finished experiment's record is kept and not run
 * again. Spark is loaded only here (no other command touches the engine package).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run a grid of experiments (strategies x seeds x options) on embedded Spark or a cluster; "
                + "resumable, merged into sweep.json, sweep.csv and sweep.md. A grid may choose each strategy's "
                + "options on validation data of some seeds (select:) and report others (evaluate:).",
        footerHeading = "%nExamples:%n", footer = {"  rehearsal sweep --config grid.yaml --dry-run",
            "  rehearsal sweep --preset frontier-quick --parallel 2 --threads 1"})
final class SweepCommand implements Callable<Integer> {
    /**
     * Threads per experiment by default (parallel = cores / threads), measured on this 2-core machine with the
     * seed preset (naive, joint, er, gr x 2 seeds, runs alternated): quiet (load below 1.3), 2 experiments x 1
     * thread took 9.3 and 10.1 s, 1 x 2 threads 14.6 and 14.0 s; busy (load 8 to 15 from other work) the order
     * flipped within the noise (49.4 s against 43.6 s on average of 4). The quiet figures decide.
     */
    static final int DEFAULT_THREADS = 1;
    /** spark.executor.memory on a cluster unless --executor-memory says otherwise. */
    static final String DEFAULT_EXECUTOR_MEMORY = "2g";

    @Mixin
    FolderOptions folder;

    @Option(names = "--preset", paramLabel = "NAME", description = "A grid shipped with Rehearsal instead of "
            + "--config: frontier (every replay strategy at 64 kB, 256 kB, 1 MB and 4 MB, seeds 2-9 with a random "
            + "class order each, the literature's protocol, with the memory-accuracy frontier report) or "
            + "frontier-quick (a short smoke version).")
    String preset;

    @Option(names = "--quick", description = "Every experiment of the grid in the short configuration ("
            + dev.rehearsal.config.ExperimentConfig.QUICK_SUMMARY + "); keys the grid sets itself still override it. "
            + "Quick experiments have ids of their own, so they never mix with full ones in a folder.")
    boolean quick;

    @Option(names = "--dry-run", description = "Print the experiments (id, options) and their cost; run nothing. "
            + "An experiment still to run takes the exact MACs and wall time of its siblings (the same experiment "
            + "on other seeds) recorded in --out or a --records-from folder, the others an estimate from the layer "
            + "shapes.")
    boolean dryRun;

    @Option(names = "--rerun", description = "Run every experiment again, also those already recorded in the folder.")
    boolean rerun;

    @Option(names = "--merge-only", description = "Run nothing: merge the records already in the folder into its "
            + "tables (sweep.md, results.*, report.html), listing the experiments not run yet; for a sweep stopped "
            + "part-way. Starts no Spark.")
    boolean mergeOnly;

    @Option(names = "--records-from", paramLabel = "DIR", description = "Another sweep's results folder (repeat "
            + "for several) whose records of this grid's experiments the sweep takes before it runs anything: each "
            + "record --out lacks is copied from the first DIR that has it (sealed, same id, not failed; links are "
            + "refused), so a grid that compares points measured by other sweeps (paired-by) needs no rerun. The "
            + "DIRs are only read. Not with --rerun.")
    List<Path> recordsFrom = new ArrayList<>();

    @Group.In(Group.SYSTEM)
    @Option(names = "--parallel", paramLabel = "P", description = "Experiments at once on embedded Spark (default: "
            + "cores / threads). Parallel x threads may not exceed the cores.")
    Integer parallel;

    @Group.In(Group.SYSTEM)
    @Option(names = "--threads", paramLabel = "T", description = "Threads per experiment (default "
            + DEFAULT_THREADS + ", at most the cores); spark.task.cpus on a cluster.")
    Integer threads;

    @Group.In(Group.SYSTEM)
    @Option(names = "--omp-wait", paramLabel = "POLICY", description = "What idle oneDNN (OpenMP) threads do: "
            + "auto (default), passive, brief, active or default; see run --help.")
    String ompWait;

    @Group.In(Group.SYSTEM)
    @Option(names = "--master", paramLabel = "URL", converter = MasterText.class, description = "A standalone "
            + "Spark master, spark://host:port (or spark://h1:p1,h2:p2 for masters in standby; client mode: this "
            + "process is the driver and writes the results). Checked before Spark starts; a master that does not "
            + "accept a connection within 10 s, or the application within 20 s more, ends the sweep with exit 4. "
            + "Default: embedded Spark.")
    SparkMaster master;

    @Group.In(Group.SYSTEM)
    @Option(names = "--executor-memory", paramLabel = "SIZE", converter = MemoryText.class, description =
            "spark.executor.memory with --master: digits and a unit k, m, g or t, at least 450m (Spark's minimum); "
            + "default " + DEFAULT_EXECUTOR_MEMORY + ". Native memory comes on top of it. Embedded Spark runs in "
            + "this JVM: its memory is java's -Xmx.")
    SparkMemory executorMemory;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        WallClock clock = WallClock.start();
        if (folder.config == null && preset == null) {
            throw usage("sweep needs a grid file: --config grid.yaml (fixed options, grid: lists to cross, points:), "
                    + "or a shipped grid: --preset " + String.join(" or --preset ", Grid.PRESETS));
        }
        if (folder.config != null && preset != null) {
            throw usage("give --config FILE or --preset NAME, not both");
        }
        int cores = Runtime.getRuntime().availableProcessors();
        int t = threads != null ? threads : Math.min(DEFAULT_THREADS, cores);
        if (t < 1 || t > 4096) {
            throw usage("invalid value for '--threads': " + t + " (expected 1 to 4096)");
        }
        int p;
        boolean submitted = master == null && SparkEngine.submittedMaster() != null;
        if (submitted) {
            if (parallel != null) {
                throw usage("--parallel is for embedded Spark; under spark-submit its master's slots run the "
                        + "experiments (slots = executor cores / --threads)");
            }
            if (executorMemory != null) {
                throw usage("--executor-memory is for --master; under spark-submit give spark-submit's own "
                        + "--executor-memory");
            }
            p = 0;
        } else if (master != null) {
            if (parallel != null) {
                throw usage("--parallel is for embedded Spark; on a cluster every free slot runs an experiment "
                        + "(slots = executor cores / --threads)");
            }
            p = 0;
        } else {
            if (executorMemory != null) {
                throw usage("--executor-memory applies to a cluster (--master): embedded Spark runs in this JVM, "
                        + "whose memory is java's -Xmx");
            }
            p = parallel != null ? parallel : Math.max(1, cores / t);
            if (p < 1) {
                throw usage("invalid value for '--parallel': " + p + " (expected at least 1)");
            }
            if ((long) p * t > cores) {
                throw usage("--parallel " + p + " x --threads " + t + " = " + (long) p * t + " threads exceed the "
                        + cores + " cores of this machine: lower one of them");
            }
        }
        dev.rehearsal.config.OmpWait wait = ompWait == null ? dev.rehearsal.config.OmpWait.AUTO
                : dev.rehearsal.config.ExperimentConfig.word("omp-wait", dev.rehearsal.config.OmpWait.class, ompWait);
        java.util.function.Consumer<dev.rehearsal.config.ExperimentConfig> flags = c -> {
            c.threads = t;
            c.ompWait = wait;
            c.quiet = true;
        };
        Grid grid = preset != null ? Grid.preset(preset, quick, flags) : Grid.read(folder.config, quick, flags);
        // --out names a sweep's folder (resumed when it holds an earlier run of the sweep); without it the sweep
        // gets a new folder of its own under results/<sweep or preset>/.
        Path explicit = folder.explicit(null);
        if (!recordsFrom.isEmpty() && rerun) {
            throw usage("--records-from takes records so as not to run them again, --rerun runs every experiment "
                    + "again: give one of them");
        }
        List<Path> from = dev.rehearsal.sweep.Records.sources(recordsFrom, explicit);
        String root = preset != null ? preset : "sweep";
        var console = spec.commandLine().getOut();
        if (dryRun) {
            Path at = explicit != null && Files.isDirectory(explicit) ? explicit : null;
            String checked = dev.rehearsal.sweep.BuildCheck.check(grid, at); // first: a refusal prints only itself
            console.print(Sweep.dryRun(grid, at, from));
            console.println(checked);
            console.flush();
            return 0;
        }
        try {
            SparkMemory.checkDriverHeap();
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        PrintStream err = Experiments.stderr();
        boolean resume = explicit != null && !folder.force
                && Files.isRegularFile(explicit.resolve(ResultsFolder.MANIFEST));
        Sweep.Outcome outcome;
        if (mergeOnly) {
            // Into an earlier sweep's folder, or with --records-from into a new one: a grid assembled from records
            // other sweeps measured, nothing run.
            if (rerun || folder.force || explicit == null || !resume && from.isEmpty()) {
                throw usage("--merge-only merges the records of an earlier sweep's folder (or, with --records-from, "
                        + "other sweeps' records into a new one): give that folder with --out, without --rerun or "
                        + "--force");
            }
            Path dir = explicit;
            try (ResultsFolder out = folder.open(dir, "sweep", resume)) {
                try {
                    // Read before the merge writes over it: the machine use of the process that ran the runs.
                    Sweep.EarlierUse earlier = resume ? Sweep.EarlierUse.read(dir) : null;
                    outcome = Sweep.run(grid, dir, null, false, from, folder.quiet ? new PrintStream(
                            java.io.OutputStream.nullOutputStream()) : err);
                    if (earlier != null) {
                        Sweep.keepMachineUse(dir, outcome, earlier);
                    }
                } catch (RuntimeException | Error e) {
                    if (!resume) {
                        out.discard(e); // a new folder that could not be assembled is left as it was
                    }
                    throw e;
                }
                out.finish();
            }
            console.print(outcome.table());
            console.println("results: " + dir.resolve("sweep.md") + " (" + outcome.kept() + " finished experiments "
                    + "merged; nothing run)");
            return 0;
        }
        // Embedded Spark: the experiments are this process's threads, on this CPU.
        boolean embedded = !submitted && master == null;
        if (embedded) {
            refuseWhatThisCpuCannotRun(grid, flags);
        }
        // Refuses a point no experiment of it can build with before anything starts (what it checked, only
        // --dry-run prints: the command's own output stays the sweep's).
        dev.rehearsal.sweep.BuildCheck.check(grid, resume ? explicit : null);
        Path dir;
        dev.rehearsal.experiment.MachineUse use;
        try (ResultsFolder out = explicit == null ? folder.openNew(null, "sweep", root)
                : folder.open(explicit, "sweep", resume)) {
            dir = out.dir();
            dev.rehearsal.config.ExperimentConfig runtime = new dev.rehearsal.config.ExperimentConfig();
            flags.accept(runtime);
            // Before Spark starts, with the experiments' threads and wait policy (what they start too).
            dev.rehearsal.experiment.MachineUse.Peak peak;
            try {
                peak = dev.rehearsal.experiment.MachineUse.Peak.measure(runtime);
            } catch (RuntimeException | Error e) {
                out.discard(e);
                throw e;
            }
            try (Engine engine = submitted ? SparkEngine.submitted(t) : master == null ? SparkEngine.embedded(p, t)
                    : SparkEngine.cluster(master, t, dir.resolve(".jars").toAbsolutePath(),
                            executorMemory != null ? executorMemory : SparkMemory.parse(DEFAULT_EXECUTOR_MEMORY))) {
                outcome = Sweep.run(grid, dir, engine, rerun, from, folder.quiet ? new PrintStream(
                        java.io.OutputStream.nullOutputStream()) : err);
                List<dev.rehearsal.experiment.MachineUse.Work> ran = dev.rehearsal.experiment.MachineUse.Work
                        .ofRecords(outcome.ranHere());
                // The process's CPU seconds cover the runs only when its executors are its own threads.
                use = new dev.rehearsal.experiment.MachineUse(ran, outcome.kept(), clock.seconds(), clock.from(), peak,
                        engine.slots(), t, embedded ? clock.cpuSeconds() : Double.NaN);
                Sweep.writeMachineUse(dir, outcome, use);
            } catch (RuntimeException | Error e) {
                if (!Files.isDirectory(dir.resolve("runs"))) {
                    out.discard(e); // nothing finished: the folder is left as it was
                } else {
                    out.fail(StudyCommand.failure(e));
                }
                throw e;
            } finally {
                deleteJars(dir.resolve(".jars"));
            }
            out.finish();
            if (outcome.failed() > 0) {
                out.fail(outcome.failed() + " of " + outcome.total() + " experiments failed");
            }
        }
        console.print(outcome.table());
        console.println("results: " + dir.resolve("sweep.csv") + ", " + dir.resolve("sweep.json") + ", "
                + dir.resolve("sweep.md") + (grid.selection() == null ? "" : ", " + dir.resolve("selection.csv"))
                + " (" + outcome.kept() + " kept, " + outcome.ran() + " run, "
                + outcome.failed() + " failed)");
        console.println(use.line());
        if (outcome.failed() > 0) {
            throw new RehearsalException(RehearsalException.RUN, outcome.failed() + " of " + outcome.total()
                    + " experiments failed (each error is in " + dir.resolve("sweep.json")
                    + "); running the sweep again retries them");
        }
        return 0;
    }

    /** The executors' copies of packed class directories (cluster mode), not results. */
    private static void deleteJars(Path jars) {
        if (!Files.isDirectory(jars, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return; // absent, or a link: nothing is deleted through it
        }
        try (var s = Files.list(jars)) {
            for (Path f : s.toList()) {
                dev.rehearsal.AtomicFiles.delete(f); // regular files only
            }
            Files.deleteIfExists(jars);
        } catch (java.io.IOException | RehearsalException e) {
            // temporary files: left behind, harmless
        }
    }

    /** --master as text: a {@link SparkMaster}, or a one-line usage error naming what is wrong with it. */
    static final class MasterText implements picocli.CommandLine.ITypeConverter<SparkMaster> {
        @Override
        public SparkMaster convert(String value) {
            try {
                return SparkMaster.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** --executor-memory as text: a {@link SparkMemory}, by Spark's rules. */
    static final class MemoryText implements picocli.CommandLine.ITypeConverter<SparkMemory> {
        @Override
        public SparkMemory convert(String value) {
            try {
                return SparkMemory.parse(value);
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    private static RehearsalException usage(String m) {
        return new RehearsalException(RehearsalException.USAGE, m);
    }

    /**
     * Embedded Spark runs every experiment on this CPU: a bf16 experiment that the CPU cannot run natively is
     * refused before any folder is opened or experiment started, in one line, rather than recorded as failed
     * once per point. (On a cluster the executors' CPUs decide, and such a run fails there with the same message.)
     */
    static void refuseWhatThisCpuCannotRun(Grid grid,
            java.util.function.Consumer<dev.rehearsal.config.ExperimentConfig> flags) {
        for (Grid.Point pt : grid.everyPoint()) {
            dev.rehearsal.config.ExperimentConfig c = pt.config();
            if (c.precision != dev.rehearsal.backend.Precision.BF16
                    || c.backend != dev.rehearsal.config.BackendType.NATIVE) {
                continue;
            }
            if (!dev.rehearsal.backend.nativ.NativeRuntime.started()) {
                // Started as the experiments will start it (their threads and wait policy), in float32.
                dev.rehearsal.config.ExperimentConfig fp32 = new dev.rehearsal.config.ExperimentConfig();
                flags.accept(fp32);
                dev.rehearsal.experiment.Inputs.backend(dev.rehearsal.config.BackendType.NATIVE, fp32).close();
            }
            if (!dev.rehearsal.backend.nativ.NativeRuntime.hasBf16()) {
                throw new RehearsalException(RehearsalException.USAGE, "experiment " + pt.id() + " asks for "
                        + "precision bf16, and this CPU has no native bfloat16 matmul (oneDNN needs AVX512_BF16 or "
                        + "AMX; it runs " + dev.rehearsal.backend.nativ.NativeRuntime.isa() + "): use precision fp32 "
                        + "here, or run the sweep on a cluster whose executors have it");
            }
        }
    }
}
