package dev.rehearsal.cli;

import dev.rehearsal.RunFolders;
import java.nio.file.Path;
import picocli.CommandLine.ITypeConverter;

/**
 * A path given on the command line ({@code --out}, {@code --config}, {@code --resume}, the folders of
 * {@code report} and {@code runs}), with Rehearsal's {@code latest} links resolved where it enters
 * ({@link RunFolders#resolve}): {@code results/compare/latest/config.json} becomes the file in the newest compare
 * run's own folder, and nothing downstream reads through a link.
 */
final class RunPath implements ITypeConverter<Path> {
    @Override
    public Path convert(String value) {
        return RunFolders.resolve(Path.of(value));
    }
}
