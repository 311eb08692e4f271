package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.experiment.Comparison;
import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.MachineUse;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.Summary;
import dev.rehearsal.profile.Answers;
import dev.rehearsal.report.HtmlReport;
import dev.rehearsal.report.ImageGrid;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategy;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What {@code run} and {@code compare} share: a config resolved from defaults, {@code --config FILE} and
 * flags (or taken from the folder being resumed), the runs, the results folder, the printed table.
 */
abstract class StudyCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;
    @Mixin
    ExperimentOptions options;

    @Mixin
    FolderOptions folder;

    @Option(names = "--resume", paramLabel = "DIR", converter = RunPath.class, description = "Continue an interrupted run from the results "
            + "folder DIR with its saved config.json, verified records and checkpoint. An option that would change "
            + "that config is refused (--threads and --gemm too: they change the arithmetic); --quiet and "
            + "--omp-wait, which change no result, are allowed.")
    Path resume;

    @Option(names = "--quick", description = ExperimentOptions.QUICK)
    boolean quick;

    @Option(names = "--dry-run", description = "Check everything this command would run (every value, and what each "
            + "strategy cannot run with), print the resolved config and the runs with their experiment ids, and stop: "
            + "nothing is run or written.")
    boolean dryRun;

    /** Keys a resumed run may be given other values of: they change how it reports or waits, not its results. */
    static final java.util.Set<String> RESUME_HARMLESS = java.util.Set.of("quiet", "omp-wait");

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** Applies this command's own flags (strategies, seeds) to the config. */
    abstract void applyOwnFlags(ExperimentConfig c);

    /** The config from defaults, the config file and flags (a resumed run's comes from its folder). */
    ExperimentConfig resolve() {
        ExperimentConfig resolved = ConfigFiles.resolve(folder.config, quick, c -> {
            runtime.apply(c);
            options.apply(c);
            applyOwnFlags(c);
            if (folder.out != null) {
                c.out = folder.out.toString();
            }
            if (folder.quiet) {
                c.quiet = true;
            }
        });
        resolved.refuseUnread(resolved.strategies);
        return resolved;
    }

    @Override
    public Integer call() {
        WallClock clock = WallClock.start();
        ExperimentConfig resolved = resume != null ? null : resolve();
        if (dryRun) {
            Path dir = resume != null ? resume : folder.destination(resolved.out, spec.name());
            ExperimentConfig c = resolved;
            if (resume != null) {
                c = Comparison.savedConfig(dir);
                refuseConflicts(c);
            }
            Experiments.dryRun(spec.commandLine().getOut(), c, dir, resume != null);
            return 0;
        }
        // The folder's own checks come first (not ours, in use, --out beside --resume): they say what is wrong
        // with the folder before any option is compared with its saved config.
        try (ResultsFolder out = resume != null ? folder.open(resume, spec.name(), true)
                : folder.openNew(resolved.out, spec.name(), spec.name())) {
            Path dir = out.dir();
            try {
                ExperimentConfig c = resolved;
                if (resume != null) {
                    c = Comparison.savedConfig(dir);
                    refuseConflicts(c);
                }
                return runInto(out, c, clock);
            } catch (RuntimeException | Error e) {
                if (!Files.exists(dir.resolve("results.json"))) {
                    out.discard(e); // stopped before a task's results: the folder is left as it was
                } else {
                    out.fail(failure(e)); // what finished stays, and the folder says it failed
                }
                throw e;
            }
        }
    }

    /**
     * Refuses what a resumed run cannot honour: a config file, another results folder, or a flag whose value
     * differs from the saved config's (all named in one line). A flag repeating the saved value is harmless.
     */
    void refuseConflicts(ExperimentConfig saved) {
        List<String> conflicts = new ArrayList<>();
        if (folder.config != null) {
            conflicts.add("--config " + folder.config);
        }
        if (folder.out != null) {
            conflicts.add("--out " + folder.out);
        }
        if (quick && !saved.quick) {
            conflicts.add("--quick");
        }
        ExperimentConfig asked = saved.copy();
        runtime.apply(asked);
        options.apply(asked);
        applyOwnFlags(asked);
        JsonNode was = Json.MAPPER.valueToTree(saved);
        JsonNode now = Json.MAPPER.valueToTree(asked);
        for (Iterator<String> keys = now.fieldNames(); keys.hasNext(); ) {
            String key = keys.next();
            // As text: a long read back from config.json is an int node, and 1 == 1.
            if (!RESUME_HARMLESS.contains(key) && !now.get(key).toString().equals(was.path(key).toString())) {
                conflicts.add("--" + key + " " + shown(now.get(key)) + " (saved: " + shown(was.path(key)) + ")");
            }
        }
        if (!conflicts.isEmpty()) {
            throw new RehearsalException(RehearsalException.USAGE, "--resume continues " + resume + " with its saved "
                    + "config.json, which these options would change: " + String.join(", ", conflicts)
                    + "; drop them, or start a new run with --out");
        }
    }

    /** The one line a failed run's folder records. */
    static String failure(Throwable e) {
        return e.getMessage() != null ? Main.oneLine(e.getMessage()) : e.getClass().getSimpleName();
    }

    private static String shown(JsonNode v) {
        return v.isMissingNode() ? "none" : Usage.text(v);
    }

    private int runInto(ResultsFolder out, ExperimentConfig c, WallClock clock) {
        Path dir = out.dir();
        PrintStream err = Experiments.stderr();
        Progress progress = Progresses.forConsole(err, c.quiet || folder.quiet);
        Summary summary;
        MachineUse.Peak peak;
        try (Backend backend = RuntimeOptions.backend(c.backend, c);
                dev.rehearsal.experiment.Inputs.Data data = Experiments.load(c, backend, err)) {
            peak = MachineUse.Peak.measure(c);
            summary = Comparison.run(c, dir, backend, data.train(), data.test(), progress, StudyCommand::grid,
                    Answers::of, resume != null);
        } catch (RehearsalException e) {
            // A run that stops (diverged, out of memory) still leaves a report of what it finished.
            if (e.exitCode() == RehearsalException.RUN && Files.exists(dir.resolve("results.json"))) {
                try {
                    HtmlReport.write(dir);
                } catch (RehearsalException again) {
                    e.addSuppressed(again); // the run's own failure is the one to report
                }
            }
            if (e instanceof Comparison.Stopped stopped && !stopped.summary().runs().isEmpty()) {
                // What did finish, marked (the failed run incomplete, the runs after it not run), then the error.
                printTable(spec.commandLine().getOut(), stopped.summary());
            }
            throw e;
        }
        // Runs one after the other in this process: one executor of c.threads threads. Counted before the report,
        // which shows it (its own seconds are outside the runs either way).
        MachineUse use = new MachineUse(summary.ranHere(), summary.kept(), clock.seconds(), clock.from(), peak, 1,
                c.threads, clock.cpuSeconds());
        summary.setMachineUse(use);
        dev.rehearsal.experiment.ResultFiles.writeSummary(dir, summary);
        progress.log("writing report.html and its figures in " + dir);
        Path report = HtmlReport.write(dir);
        out.finish();
        var console = spec.commandLine().getOut();
        printTable(console, summary);
        console.println("results: " + dir.resolve("results.json") + ", " + dir.resolve("results.md") + ", " + report);
        console.println(use.line());
        return 0;
    }

    /** The table of the console, after the line that flags a short configuration (ShortRun). */
    private static void printTable(java.io.PrintWriter console, Summary summary) {
        String shortLine = dev.rehearsal.config.ShortRun.line(summary.shortReasons());
        if (shortLine != null) {
            console.println(shortLine);
            console.println();
        }
        console.println(summary.markdownTable());
    }

    /** Writes 64 (or fewer) replay samples as an 8-column grid (or as many as the samples ask), upscaled twice. */
    private static void grid(Path png, Strategy.Samples s) {
        int cols = s.perRow() > 0 ? s.perRow() : 8;
        int rows = (s.count() + cols - 1) / cols;
        ImageGrid.writePng(png, ImageGrid.fromFloats(s.pixels(), s.count(), s.rows(), s.cols(), rows, cols, 2));
    }
}
