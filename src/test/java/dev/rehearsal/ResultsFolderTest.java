package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.ResultsFolder.Mode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of a results folder, in-process (ResultsFolderCliTest runs them through the real CLI). */
class ResultsFolderTest {

    private static RehearsalException refused(int code, String phrase, Path dir, Mode mode) {
        RehearsalException e = assertThrows(RehearsalException.class, () -> ResultsFolder.open(dir, "run", mode));
        assertEquals(code, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), "expected '" + phrase + "' in: " + e.getMessage());
        return e;
    }

    /** A finished run that wrote results.json and figures/a.png. */
    private static void finishedRun(Path dir) throws IOException {
        try (ResultsFolder f = ResultsFolder.open(dir, "run", Mode.NEW)) {
            AtomicFiles.write(dir.resolve("results.json"), "{}".getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(dir.resolve("figures").resolve("a.png"), new byte[] {1});
            f.finish();
        }
    }

    static Set<String> tree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return new TreeSet<>(s.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).toList());
        }
    }

    @Test
    void everyWriteIsListedBeforeItHappens(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        finishedRun(out);
        JsonNode m = new ObjectMapper().readTree(out.resolve(ResultsFolder.MANIFEST).toFile());
        assertEquals("[\"results.json\",\"figures/a.png\"]", m.get("files").toString());
        assertEquals("run", m.get("command").asText());
        assertTrue(m.hasNonNull("finished"), m.toString());
        assertEquals(Set.of(".rehearsal-manifest.json", ".rehearsal.lock", "figures", "figures/a.png", "results.json"),
                tree(out));
    }

    @Test
    void aFolderRehearsalDidNotWriteIsRefusedAndLeftUntouched(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("theirs");
        Files.createDirectories(out.resolve("runs"));
        Files.writeString(out.resolve("runs").resolve("x.json"), "their record");
        Files.createDirectories(out.resolve("checkpoint"));
        Set<String> before = tree(out);
        for (Mode mode : new Mode[] {Mode.NEW, Mode.FORCE}) {
            refused(RehearsalException.USAGE, "was not written by Rehearsal", out, mode);
        }
        refused(RehearsalException.USAGE, "nothing to resume", out, Mode.RESUME);
        assertEquals(before, tree(out), "not even a lock file was added");
        assertEquals("their record", Files.readString(out.resolve("runs").resolve("x.json")));
    }

    @Test
    void blankPathsAndFilesAreNotFolders(@TempDir Path dir) throws Exception {
        refused(RehearsalException.USAGE, "must be a path", Path.of(""), Mode.NEW);
        refused(RehearsalException.USAGE, "must be a path", Path.of("  "), Mode.FORCE);
        Path file = Files.writeString(dir.resolve("file"), "x");
        refused(RehearsalException.USAGE, "is a file, not a folder", file, Mode.NEW);
        refused(RehearsalException.USAGE, "cannot create the results folder " + file.resolve("sub"), file.resolve("sub"),
                Mode.NEW);
        assertEquals("x", Files.readString(file));
    }

    @Test
    void anEarlierRunIsReplacedOnlyWithForceAndThenWhole(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        finishedRun(out);
        refused(RehearsalException.USAGE, "add --force", out, Mode.NEW);
        assertTrue(Files.exists(out.resolve("figures").resolve("a.png")), "a refusal removes nothing");
        try (ResultsFolder f = ResultsFolder.open(out, "scale", Mode.FORCE)) {
            assertEquals(Set.of(".rehearsal-manifest.json", ".rehearsal.lock"), tree(out),
                    "every file of the earlier run is gone, and its empty figures/ folder");
            AtomicFiles.write(out.resolve("scale.json"), new byte[] {1});
            f.finish();
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve(ResultsFolder.MANIFEST).toFile());
        assertEquals("[\"scale.json\"]", m.get("files").toString());
        assertEquals("scale", m.get("command").asText());
    }

    @Test
    void forceRemovesNothingWhenTheFolderAlsoHoldsSomeoneElsesFiles(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        finishedRun(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        Files.writeString(out.resolve("figures").resolve("b.png"), "mine too");
        refused(RehearsalException.USAGE, "2 file(s) Rehearsal did not write (figures/b.png, notes.txt)", out,
                Mode.FORCE);
        assertTrue(Files.exists(out.resolve("results.json")) && Files.exists(out.resolve("figures").resolve("a.png")),
                "nothing was removed");
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    }

    @Test
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    void anUnfinishedRunIsResumedOrReplacedNeverMixedInto(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        try (ResultsFolder f = ResultsFolder.open(out, "compare", Mode.NEW)) {
            AtomicFiles.write(out.resolve("config.json"), new byte[] {1});
        }
        refused(RehearsalException.USAGE, "'rehearsal compare --resume " + out + "' continues it", out, Mode.NEW);
        try (ResultsFolder f = ResultsFolder.open(out, "compare", Mode.RESUME)) {
            assertTrue(Files.exists(out.resolve("config.json")), "resuming keeps the run's files");
            AtomicFiles.write(out.resolve("results.json"), new byte[] {2});
            f.finish();
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve(ResultsFolder.MANIFEST).toFile());
        assertEquals("[\"config.json\",\"results.json\"]", m.get("files").toString());
    }

    @Test
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    void aFolderInUseIsRefusedWithItsWriter(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        try (ResultsFolder f = ResultsFolder.open(out, "compare", Mode.NEW)) {
            for (Mode mode : Mode.values()) {
                refused(RehearsalException.USAGE, "is in use by process " + ProcessHandle.current().pid(), out, mode);
            }
            assertTrue(Files.readString(out.resolve(ResultsFolder.LOCK)).contains("'rehearsal compare', since "));
        }
        try (ResultsFolder f = ResultsFolder.open(out, "compare", Mode.FORCE)) {
            assertTrue(Files.exists(out.resolve(ResultsFolder.LOCK)), "closing released the lock");
        }
    }

    @Test
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    void aFailedRunCanLeaveTheFolderAsItWas(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        try (ResultsFolder f = ResultsFolder.open(out, "run", Mode.NEW)) {
            AtomicFiles.write(out.resolve("sub").resolve("config.json"), new byte[] {1});
            f.discard(new RuntimeException("the run failed"));
        }
        assertEquals(Set.of(".rehearsal.lock"), tree(out));
        try (ResultsFolder f = ResultsFolder.open(out, "run", Mode.NEW)) {
            assertFalse(Files.exists(out.resolve("sub")), "and the next run starts in an empty folder");
        }
    }

    @Test
    void aManifestListingFilesOutsideTheFolderIsRefusedAsDamaged(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        finishedRun(out);
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me");
        Path manifest = out.resolve(ResultsFolder.MANIFEST);
        for (String entry : List.of("../victim.txt", victim.toString(), "figures/../../victim.txt")) {
            String m = Files.readString(manifest).replace("\"results.json\"", new ObjectMapper()
                    .writeValueAsString(entry));
            Path tampered = dir.resolve("t" + Math.abs(entry.hashCode()));
            copy(out, tampered);
            Files.writeString(tampered.resolve(ResultsFolder.MANIFEST), m);
            refused(RehearsalException.DATA, "is damaged: it lists '" + entry + "'", tampered, Mode.FORCE);
        }
        Files.writeString(manifest, "{ not json");
        refused(RehearsalException.DATA, "is damaged: it is not valid JSON", out, Mode.NEW);
        assertEquals("keep me", Files.readString(victim));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(from.relativize(p).toString()));
            }
        }
    }

    @Test
    void anEditedManifestIsRefusedAsDamagedAndNothingIsRemoved(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        finishedRun(out);
        Files.writeString(out.resolve("notes.txt"), "mine");
        Path manifest = out.resolve(ResultsFolder.MANIFEST);
        com.fasterxml.jackson.databind.node.ObjectNode m = (com.fasterxml.jackson.databind.node.ObjectNode)
                new ObjectMapper().readTree(manifest.toFile());
        m.withArray("files").add("notes.txt");
        Files.writeString(manifest, m.toPrettyString());
        Set<String> before = tree(out);
        refused(RehearsalException.DATA, "does not match its SHA-256 checksum", out, Mode.FORCE);
        assertEquals(before, tree(out), "nothing was removed");
        assertEquals("mine", Files.readString(out.resolve("notes.txt")));
    }

    @Test
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    void aLinkMadeWhileTheFolderIsOpenIsNeverWrittenThrough(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        Path victim = Files.createDirectories(dir.resolve("victim"));
        Files.writeString(victim.resolve("precious.txt"), "keep me");
        try (ResultsFolder f = ResultsFolder.open(out, "run", Mode.NEW)) {
            Files.createSymbolicLink(out.resolve("figures"), victim);
            RehearsalException e = assertThrows(RehearsalException.class,
                    () -> AtomicFiles.write(out.resolve("figures").resolve("a.png"), new byte[] {1}));
            assertEquals(RehearsalException.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains("figures is a link"), e.getMessage());
        }
        assertEquals(Set.of("precious.txt"), tree(victim), "nothing was written into the link's target");
    }

    @Test
    void anOutThatIsALinkOrInsideAnotherResultsFolderIsRefused(@TempDir Path dir) throws Exception {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        for (Mode mode : Mode.values()) {
            refused(RehearsalException.USAGE, "the results folder " + link + " is a link", link, mode);
        }
        assertEquals(Set.of(), tree(real));
        Path out = dir.resolve("out");
        finishedRun(out);
        Set<String> before = tree(out);
        refused(RehearsalException.USAGE, "is inside " + out, out.resolve("figures").resolve("nested"), Mode.NEW);
        assertEquals(before, tree(out));
    }

    @Test
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    void aFinishedRunOrAnotherCommandsRunIsNotResumed(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        finishedRun(out);
        String manifest = Files.readString(out.resolve(ResultsFolder.MANIFEST));
        refused(RehearsalException.USAGE, "its 'rehearsal run' finished", out, Mode.RESUME);
        assertEquals(manifest, Files.readString(out.resolve(ResultsFolder.MANIFEST)), "not rewritten");
        Path unfinished = dir.resolve("unfinished");
        try (ResultsFolder f = ResultsFolder.open(unfinished, "run", Mode.NEW)) {
            AtomicFiles.write(unfinished.resolve("config.json"), new byte[] {1});
        }
        RehearsalException e = assertThrows(RehearsalException.class,
                () -> ResultsFolder.open(unfinished, "compare", Mode.RESUME));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("'rehearsal run --resume " + unfinished + "'"), e.getMessage());
    }

    /**
     * A folder written before manifests carried a checksum (version 1) still resumes, and is written back as
     * version 2 with one; its files must still lie inside the folder.
     */
    @Test
    void aVersionOneManifestResumesAndIsUpgraded(@TempDir Path dir) throws Exception {
        Path out = Files.createDirectories(dir.resolve("sweep"));
        Files.writeString(out.resolve("grid.json"), "{}");
        Files.writeString(out.resolve(ResultsFolder.MANIFEST), "{\"format\": \"rehearsal results folder\", "
                + "\"version\": 1, \"command\": \"sweep\", \"started\": \"2026-12-06T06:14:15Z\", "
                + "\"files\": [\"grid.json\"], \"finished\": \"2026-12-06T07:00:00Z\"}");
        try (ResultsFolder f = ResultsFolder.open(out, "sweep", Mode.RESUME)) {
            AtomicFiles.write(out.resolve("sweep.md"), new byte[] {1});
            f.finish();
        }
        JsonNode m = new ObjectMapper().readTree(out.resolve(ResultsFolder.MANIFEST).toFile());
        assertEquals(2, m.path("version").asInt());
        assertTrue(m.path("sha256").isTextual(), "checksummed from now on");
        assertEquals(List.of("grid.json", "sweep.md"), List.of(m.path("files").get(0).asText(),
                m.path("files").get(1).asText()));

        Path outside = Files.createDirectories(dir.resolve("escape"));
        Files.writeString(outside.resolve(ResultsFolder.MANIFEST), "{\"format\": \"rehearsal results folder\", "
                + "\"version\": 1, \"command\": \"sweep\", \"files\": [\"../sweep/grid.json\"]}");
        RehearsalException e = assertThrows(RehearsalException.class,
                () -> ResultsFolder.open(outside, "sweep", Mode.RESUME));
        assertTrue(Files.exists(out.resolve("grid.json")), e.getMessage());
    }
}
