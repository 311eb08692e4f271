package dev.rehearsal.experiment;

import dev.rehearsal.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** Writes result files atomically ({@link AtomicFiles}), with errors the CLI reports on one line. */
public final class ResultFiles {
    private ResultFiles() {
    }

    public static void write(Path file, String content) {
        try {
            AtomicFiles.write(file, content.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(file, e);
        }
    }

    /** The summary as results.json and results.md in {@code dir}. */
    public static void writeSummary(Path dir, Summary summary) {
        write(dir.resolve("results.json"), Json.write(summary.toJson()) + "\n");
        write(dir.resolve("results.md"), summary.markdown());
    }
}
