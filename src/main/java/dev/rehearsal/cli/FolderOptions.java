package dev.rehearsal.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options of every command that runs experiments into a results folder. */
final class FolderOptions {
    @Option(names = "--config", paramLabel = "FILE", description = "Experiment config (YAML or JSON); every option "
            + "has a key of the same name; flags override the file.")
    Path config;

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default results/<command>).")
    Path out;

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    /** The results folder: --out, else the config's out key, else results/&lt;command&gt;. */
    Path folder(String configOut, String command) {
        return out != null ? out : Path.of(configOut != null ? configOut : "results/" + command);
    }
}
