package dev.rehearsal.cli;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.Inputs;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/** What run, compare and scale share: loading the data of a config, stderr for progress, and --dry-run. */
final class Experiments {
    private Experiments() {
    }

    static Inputs.Data load(ExperimentConfig c, Backend backend, PrintStream log) {
        return Inputs.load(c, backend, log::println);
    }

    /**
     * What {@code --dry-run} prints for {@code run} and {@code compare}: the resolved config (as config.json
     * would hold it), then each run, one strategy and seed, with its experiment id (each checked as its own
     * experiment), and the folder it would write.
     */
    static void dryRun(PrintWriter console, ExperimentConfig c, Path dir, boolean resume) {
        String checked = checkBuilds(c); // first: a run refused here prints nothing but the refusal
        console.print(ConfigFiles.toJson(c));
        console.printf(Locale.ROOT, "%d run(s), %s%n", c.strategies.size() * c.seeds.size(), resume
                ? "resuming " + dir : "into " + dir);
        for (String strategy : c.strategies) {
            for (long seed : c.seeds) {
                console.printf(Locale.ROOT, "  %s  %s seed %d%n", Experiment.id(Experiment.single(c, strategy, seed)),
                        strategy, seed);
            }
        }
        console.println(checked);
        console.println(checked.startsWith(NOT_CHECKED) ? "dry run: the config's values are valid (those that "
                + "depend on the data not checked against the data); nothing was run or written"
                : "dry run: the config is valid; nothing was run or written");
        console.flush();
    }

    private static final String NOT_CHECKED = "not checked";

    /**
     * Builds every run's scenario and strategy on the data set when it is on the machine, as the command does before
     * its first run ({@link dev.rehearsal.experiment.PreRunCheck}): a value that only a strategy can judge fails
     * here, as it would there. Returns the line saying what was checked.
     */
    static String checkBuilds(ExperimentConfig c) {
        java.util.List<ExperimentConfig> runs = new java.util.ArrayList<>();
        for (long seed : c.seeds) {
            for (String strategy : c.strategies) {
                runs.add(Experiment.single(c, strategy, seed));
            }
        }
        dev.rehearsal.experiment.PreRunCheck.Checked checked = dev.rehearsal.experiment.PreRunCheck.onLocalData(runs,
                null, false);
        return checked.done() ? "checked on the data: every run's scenario and strategy build (replay budgets, "
                + "stored samples per class)" : NOT_CHECKED + ": what depends on the data (replay budgets, stored "
                + "samples per class), since " + checked.notCheckedBecause();
    }

    /** The process's real stderr (progress goes there even when a test captures the command's streams). */
    static PrintStream stderr() {
        return new PrintStream(new FileOutputStream(FileDescriptor.err), true);
    }
}
