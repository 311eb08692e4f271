package dev.rehearsal.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.function.Executable;

/** Builds small IDX files for tests, and checks the one-line {@code DATA} errors they should cause. */
final class IdxFiles {
    private IdxFiles() {
    }

    /** An IDX file: the magic {@code 0x0000 type rank}, the dims, then {@code data}. */
    static byte[] idx(int type, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length); // big-endian by default
        b.putInt((type << 8) | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        b.put(data);
        return b.array();
    }

    static byte[] labels(byte[] labels) {
        return idx(0x08, new int[] {labels.length}, labels);
    }

    static byte[] images(int n, int rows, int cols, byte[] pixels) {
        return idx(0x08, new int[] {n, rows, cols}, pixels);
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] gzip(byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Asserts a {@code DATA} failure whose single-line message contains every phrase. */
    static RehearsalException assertDataError(Executable action, String... phrases) {
        RehearsalException e = assertThrows(RehearsalException.class, action);
        assertEquals(RehearsalException.DATA, e.exitCode(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "message must be one line: " + e.getMessage());
        for (String p : phrases) {
            assertTrue(e.getMessage().contains(p), "expected '" + p + "' in: " + e.getMessage());
        }
        return e;
    }
}
