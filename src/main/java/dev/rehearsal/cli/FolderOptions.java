package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.RunFolders;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of every command that runs experiments into a results folder. */
final class FolderOptions {
    @Option(names = "--config", paramLabel = "FILE", converter = RunPath.class, description = "Experiment config "
            + "(YAML or JSON); every option has a key of the same name; flags override the file.")
    Path config;

    @Group.In(Group.OUTPUT)
    @Option(names = "--out", paramLabel = "DIR", converter = RunPath.class, description = "Results folder: a new or "
            + "empty folder, or an earlier run's with --force. Default: a new folder of this run's own under "
            + "results/<command>/ (results/<preset>/ for sweep --preset; named by its start, UTC), with latest "
            + "beside it naming the newest.")
    Path out;

    @Group.In(Group.OUTPUT)
    @Option(names = "--force", description = "Replace the earlier run in --out (exactly the files it wrote; a folder "
            + "holding other files is still refused).")
    boolean force;

    @Group.In(Group.OUTPUT)
    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    /**
     * The results folder asked for: --out, else the config's out key, with a latest link resolved; null when
     * neither is given (the run gets a folder of its own, {@link #openNew}). Never blank.
     */
    Path explicit(String configOut) {
        Path dir = out != null ? out : configOut != null ? RunFolders.resolve(Path.of(configOut)) : null;
        if (dir != null && dir.toString().isBlank()) {
            throw new RehearsalException(RehearsalException.USAGE, "the results folder must be a path, got '" + dir
                    + "' (give --out DIR; '.' is the current directory)");
        }
        return dir;
    }

    /**
     * Where a new run would write, for a dry run that opens nothing: the folder asked for, or a new folder of its
     * own under {@code results/<root>/}.
     */
    Path destination(String configOut, String root) {
        Path dir = explicit(configOut);
        return dir != null ? dir : Path.of("results", root, "<a new folder>");
    }

    /**
     * Opens and locks the folder of a new run of {@code command}: the one asked for ({@link #explicit}: a new or
     * empty folder, or an earlier run's with --force), else a new folder of its own under
     * {@code results/<root>/} ({@link RunFolders}).
     */
    ResultsFolder openNew(String configOut, String command, String root) {
        Path dir = explicit(configOut);
        if (dir == null) {
            if (force) {
                throw new RehearsalException(RehearsalException.USAGE, "--force replaces the run in --out DIR; "
                        + "without --out every run gets a new folder of its own under results/" + root + "/, so "
                        + "there is nothing to replace");
            }
            return RunFolders.openNew(Path.of("results", root), command);
        }
        return ResultsFolder.open(dir, command, force ? ResultsFolder.Mode.FORCE : ResultsFolder.Mode.NEW);
    }

    /** Opens and locks the results folder {@code dir} of {@code command} (a new run, --force, or --resume). */
    ResultsFolder open(Path dir, String command, boolean resume) {
        if (resume && force) {
            throw new RehearsalException(RehearsalException.USAGE, "--resume continues the run in its folder and "
                    + "--force replaces it: give one of them");
        }
        return ResultsFolder.open(dir, command,
                resume ? ResultsFolder.Mode.RESUME : force ? ResultsFolder.Mode.FORCE : ResultsFolder.Mode.NEW);
    }
}
