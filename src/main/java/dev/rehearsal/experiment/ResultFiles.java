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

    /** The summary as results.json, results.csv (its accuracy matrices, tidy) and results.md in {@code dir}. */
    public static void writeSummary(Path dir, Summary summary) {
        writeResults(dir, summary.toJson());
        write(dir.resolve("results.md"), summary.markdown());
    }

    /** A results.json tree as results.json and results.csv in {@code dir}. */
    public static void writeResults(Path dir, com.fasterxml.jackson.databind.JsonNode results) {
        write(dir.resolve("results.json"), Json.write(results) + "\n");
        write(dir.resolve("results.csv"), ResultsCsv.of(results));
    }
}
