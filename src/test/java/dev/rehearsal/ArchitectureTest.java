package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The seams the folder tree promises. */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src/main/java/dev/rehearsal");

    @Test
    void onlyTheNativeBackendImportsNativeLibraries() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(MAIN.resolve("backend/nativ")))
                    .filter(ArchitectureTest::importsBytedeco)
                    .map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }

    @Test
    void everyPackageSaysWhatItOwns() throws IOException {
        try (Stream<Path> dirs = Files.walk(MAIN)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                boolean hasJava;
                try (Stream<Path> s = Files.list(dir)) {
                    hasJava = s.anyMatch(p -> p.toString().endsWith(".java"));
                }
                if (hasJava) {
                    assertTrue(Files.exists(dir.resolve("package-info.java")), dir + " has no package-info.java");
                }
            }
        }
    }

    private static boolean importsBytedeco(Path p) {
        try {
            return Files.readString(p).contains("import org.bytedeco") || Files.readString(p).contains("org.bytedeco.");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
