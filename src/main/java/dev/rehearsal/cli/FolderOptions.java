package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of every command that runs experiments into a results folder. */
final class FolderOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Experiment config (YAML or JSON); every option "
            + "has a key of the same name; flags override the file.")
    Path config;

    @Group.In(Group.OUTPUT)
    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default results/<command>): a new or "
            + "empty folder, or an earlier run's with --force.")
    Path out;

    @Group.In(Group.OUTPUT)
    @Option(names = "--force", description = "Replace the earlier run in the results folder (exactly the files it "
            + "wrote; a folder holding other files is still refused).")
    boolean force;

    @Group.In(Group.OUTPUT)
    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    /** The results folder: --out, else the config's out key, else results/&lt;command&gt;; never blank. */
    Path folder(String configOut, String command) {
        Path dir = out != null ? out : configOut != null ? Path.of(configOut) : Path.of("results/" + command);
        if (dir.toString().isBlank()) {
            throw new RehearsalException(RehearsalException.USAGE, "the results folder must be a path, got '" + dir
                    + "' (give --out DIR; '.' is the current directory)");
        }
        return dir;
    }

    /** Opens and locks the results folder of {@code command} (a new run, --force, or --resume). */
    ResultsFolder open(Path dir, String command, boolean resume) {
        if (resume && force) {
            throw new RehearsalException(RehearsalException.USAGE, "--resume continues the run in its folder and "
                    + "--force replaces it: give one of them");
        }
        return ResultsFolder.open(dir, command,
                resume ? ResultsFolder.Mode.RESUME : force ? ResultsFolder.Mode.FORCE : ResultsFolder.Mode.NEW);
    }
}
