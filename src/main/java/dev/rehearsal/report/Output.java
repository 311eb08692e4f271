package dev.rehearsal.report;

import dev.rehearsal.RehearsalException;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes report files atomically (a temporary file in the same directory, then a rename), so a reader
 * never sees half a PNG or half a page. The byte counterpart of {@code experiment.ResultFiles#write}.
 */
final class Output {
    private Output() {
    }

    static void write(Path file, byte[] content) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.write(tmp, content);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the write already failed; that error is the one to report
            }
            throw new RehearsalException(RehearsalException.RUN, "cannot write " + file + ": " + e
                    + " (check that the results folder is writable and the disk is not full)", e);
        }
    }

    /** Before any AWT class loads: servers have no display, and an explicit choice by the user wins. */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
