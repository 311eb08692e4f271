package dev.rehearsal.data;

import static dev.rehearsal.data.IdxFiles.random;
import static dev.rehearsal.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tar reader against archives made by the system's GNU tar, an implementation independent of ours. */
class TarReaderTest {
    @TempDir
    Path dir;

    /** Runs tar in {@code dir}; returns the archive it wrote. */
    static Path tar(Path dir, String archive, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("tar", "--format=ustar", "--owner=0", "--group=0"));
        cmd.addAll(Arrays.asList(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), "tar failed: " + out);
        return dir.resolve(archive);
    }

    private static Map<String, byte[]> readAll(InputStream in) throws IOException {
        TarReader tar = new TarReader(in, "test.tar");
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (TarReader.Entry e; (e = tar.next()) != null; ) {
            if (e.isFile()) {
                byte[] content = tar.content().readAllBytes();
                assertEquals(e.size(), content.length, e.name());
                files.put(e.name(), content);
            }
        }
        assertNull(tar.next());
        return files;
    }

    @Test
    void readsAGzippedArchiveMadeByTar() throws Exception {
        Map<String, byte[]> expected = new LinkedHashMap<>();
        expected.put("package/data/a", random(1000, 1));
        expected.put("package/data/exact-block", random(1024, 2)); // no padding after the content
        expected.put("package/data/empty", new byte[0]);
        expected.put("package/readme.md", "hello\n".getBytes());
        // Over 100 characters: ustar stores it as prefix + name.
        String longName = "package/" + "d".repeat(60) + "/" + "e".repeat(60) + "/long.bin";
        expected.put(longName, random(700, 3));
        for (Map.Entry<String, byte[]> e : expected.entrySet()) {
            write(dir.resolve(e.getKey()), e.getValue());
        }
        Path tgz = tar(dir, "x.tgz", "-czf", "x.tgz", "package");
        try (InputStream in = new GZIPInputStream(Files.newInputStream(tgz))) {
            Map<String, byte[]> found = readAll(in);
            assertEquals(expected.keySet(), found.keySet());
            for (String name : expected.keySet()) {
                assertArrayEquals(expected.get(name), found.get(name), name);
            }
        }
    }

    @Test
    void skipsUnreadContent() throws Exception {
        write(dir.resolve("p/one"), random(3000, 4));
        write(dir.resolve("p/two"), "second".getBytes());
        Path t = tar(dir, "x.tar", "-cf", "x.tar", "p/one", "p/two");
        try (InputStream in = Files.newInputStream(t)) {
            TarReader tar = new TarReader(in, "x.tar");
            assertEquals("p/one", tar.next().name());
            TarReader.Entry second = tar.next();
            assertEquals("p/two", second.name());
            assertArrayEquals("second".getBytes(), tar.content().readAllBytes());
            assertNull(tar.next());
        }
    }

    @Test
    void rejectsACorruptHeader() throws Exception {
        write(dir.resolve("p/f"), random(100, 5));
        byte[] archive = Files.readAllBytes(tar(dir, "x.tar", "-cf", "x.tar", "p/f"));
        archive[3] ^= 1; // inside the name field
        IOException e = assertThrows(IOException.class, () -> readAll(new ByteArrayInputStream(archive)));
        assertTrue(e.getMessage().contains("corrupt tar header at byte 0"), e.getMessage());
    }

    @Test
    void rejectsATruncatedEntry() throws Exception {
        write(dir.resolve("p/f"), random(5000, 6));
        byte[] archive = Files.readAllBytes(tar(dir, "x.tar", "-cf", "x.tar", "p/f"));
        byte[] cut = Arrays.copyOf(archive, 512 + 1000);
        EOFException e = assertThrows(EOFException.class, () -> readAll(new ByteArrayInputStream(cut)));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
}
