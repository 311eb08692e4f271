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
        console.print(ConfigFiles.toJson(c));
        console.printf(Locale.ROOT, "%d run(s), %s%n", c.strategies.size() * c.seeds.size(), resume
                ? "resuming " + dir : "into " + dir);
        for (String strategy : c.strategies) {
            for (long seed : c.seeds) {
                console.printf(Locale.ROOT, "  %s  %s seed %d%n", Experiment.id(Experiment.single(c, strategy, seed)),
                        strategy, seed);
            }
        }
        console.println("dry run: the config is valid; nothing was run or written");
        console.flush();
    }

    /** The process's real stderr (progress goes there even when a test captures the command's streams). */
    static PrintStream stderr() {
        return new PrintStream(new FileOutputStream(FileDescriptor.err), true);
    }
}
