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

    /**
     * Every arrow points down (STYLE.md, "Growing the house"): a package imports only packages of a lower
     * layer. Strategies read their options from {@code config}, which sits below them (and above the
     * packages whose enums its keys take: nn's Preset, scenario's Setting); the registry reaches
     * the config through a ServiceLoader, not an import.
     */
    private static final java.util.Map<String, Integer> LAYER = java.util.Map.ofEntries(
            java.util.Map.entry("tensor", 0), java.util.Map.entry("random", 0), java.util.Map.entry("metrics", 0),
            java.util.Map.entry("stats", 0),
            java.util.Map.entry("backend", 1), java.util.Map.entry("backend.jvm", 2),
            java.util.Map.entry("backend.nativ", 2), java.util.Map.entry("optim", 3), java.util.Map.entry("data", 3),
            java.util.Map.entry("nn", 4), java.util.Map.entry("scenario", 4),
            java.util.Map.entry("config", 5), java.util.Map.entry("checkpoint", 5), java.util.Map.entry("bench", 5), java.util.Map.entry("replay", 6),
            java.util.Map.entry("strategy", 7), java.util.Map.entry("experiment", 8),
            java.util.Map.entry("report", 8), java.util.Map.entry("profile", 9),
            java.util.Map.entry("engine", 9), java.util.Map.entry("sweep", 10), java.util.Map.entry("cli", 11));

    /** Engines know nothing of Rehearsal's concepts (strategies, configs, results): they run strings. */
    @Test
    void enginesImportNothingOfRehearsal() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN.resolve("engine"))) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> read(p).contains("import dev.rehearsal.")).map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }

    /** Spark is loaded by the sweep alone: only the engine package imports it (and Scala). */
    @Test
    void onlyTheEngineImportsSpark() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            List<String> offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> !p.startsWith(MAIN.resolve("engine")))
                    .filter(p -> read(p).contains("import org.apache.spark") || read(p).contains("import scala."))
                    .map(Path::toString).toList();
            assertEquals(List.of(), offenders);
        }
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyImportPointsDown() throws IOException {
        java.util.regex.Pattern imp = java.util.regex.Pattern.compile("import (?:static )?dev\\.rehearsal\\.([a-z.]+?)\\.[A-Z]");
        List<String> offenders = new java.util.ArrayList<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Path rel = MAIN.relativize(f.getParent());
                if (rel.toString().isEmpty()) {
                    continue; // RehearsalException and AtomicFiles: the shared root
                }
                String pkg = rel.toString().replace('/', '.');
                Integer mine = LAYER.get(pkg);
                assertTrue(mine != null, "package " + pkg + " has no layer in ArchitectureTest.LAYER");
                java.util.regex.Matcher m = imp.matcher(Files.readString(f));
                while (m.find()) {
                    String used = m.group(1);
                    Integer theirs = LAYER.get(used);
                    if (!used.equals(pkg) && (theirs == null || theirs >= mine)) {
                        offenders.add(pkg + " (" + f.getFileName() + ") imports " + used);
                    }
                }
            }
        }
        assertEquals(List.of(), offenders);
    }

    private static boolean importsBytedeco(Path p) {
        try {
            return Files.readString(p).contains("import org.bytedeco") || Files.readString(p).contains("org.bytedeco.");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
