package dev.rehearsal.report;

import dev.rehearsal.AtomicFiles;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes report files atomically (a temporary file in the same directory, then a rename), so a reader
 * never sees half a PNG or half a page.
 */
final class Output {
    private Output() {
    }

    static void write(Path file, byte[] content) {
        try {
            AtomicFiles.write(file, content);
        } catch (IOException e) {
            throw AtomicFiles.cannotWrite(file, e);
        }
    }

    /** Before any AWT class loads: servers have no display, and an explicit choice by the user wins. */
    static void headless() {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }
}
