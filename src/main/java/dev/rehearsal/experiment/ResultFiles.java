package dev.rehearsal.experiment;

import dev.rehearsal.RehearsalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Writes result files atomically: a temporary file in the same directory, then a rename. */
public final class ResultFiles {
    private ResultFiles() {
    }

    public static void write(Path file, String content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The summary as results.json and results.md in {@code dir}. */
    public static void writeSummary(Path dir, Summary summary) {
        try {
            write(dir.resolve("results.json"), Json.MAPPER.writeValueAsString(summary.toJson()) + "\n");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        write(dir.resolve("results.md"), summary.markdown());
    }
}
