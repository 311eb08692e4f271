package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs without --out (RunFolders): each gets a new folder of its own under results/&lt;command&gt;/, never an
 * earlier one's, even within one second and from two threads at once; the latest link beside them names the
 * newest, holds a plain name, and is resolved only where a path enters and only when it is Rehearsal's; a run
 * that leaves nothing takes its folder with it.
 */
class RunFoldersTest {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd_HH-mm-ss")
            .withZone(ZoneOffset.UTC);

    /** A run of {@code command} under {@code root} that writes results.json and finishes; its folder. */
    private static Path finished(Path root, String command) throws Exception {
        try (ResultsFolder f = RunFolders.openNew(root, command)) {
            AtomicFiles.write(f.dir().resolve("results.json"), "{}".getBytes(StandardCharsets.UTF_8));
            f.finish();
            return f.dir();
        }
    }

    private static RehearsalException refused(Path root, String phrase) {
        RehearsalException e = assertThrows(RehearsalException.class, () -> RunFolders.openNew(root, "run"));
        assertEquals(RehearsalException.USAGE, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), "expected '" + phrase + "' in: " + e.getMessage());
        return e;
    }

    @Test
    void everyRunGetsANewFolderAndLatestNamesTheNewest(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("results").resolve("run");
        Path first = finished(root, "run");
        String before = Files.readString(first.resolve("results.json"));
        Path second = finished(root, "run");
        assertNotEquals(first, second);
        assertEquals(root, second.getParent(), "beside the first, directly under results/run");
        assertTrue(RunFolders.isRunName(first.getFileName().toString()), first.toString());
        assertEquals(before, Files.readString(first.resolve("results.json")), "the earlier run is untouched");
        Path latest = root.resolve(RunFolders.LATEST);
        assertTrue(Files.isSymbolicLink(latest));
        assertEquals(Path.of(second.getFileName().toString()), Files.readSymbolicLink(latest),
                "a plain, relative name of the folder beside it");
        assertEquals(List.of(first, second), RunFolders.runs(root), "oldest first");
    }

    /** The second given is taken (by another run) in the same second: the next run is _2 of it, not a reuse. */
    @Test
    void runsStartedInTheSameSecondGetNumberedFolders(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("run");
        Files.createDirectories(root);
        Instant now = Instant.now();
        Set<Path> taken = new HashSet<>();
        for (int s = 0; s < 30; s++) { // every second this test could start its run in is already taken
            Path p = root.resolve(STAMP.format(now.plusSeconds(s)));
            Files.createDirectory(p);
            Files.writeString(p.resolve("theirs.txt"), "an earlier run's");
            taken.add(p);
        }
        try (ResultsFolder f = RunFolders.openNew(root, "run")) {
            String name = f.dir().getFileName().toString();
            assertTrue(name.endsWith("_2") && taken.contains(root.resolve(name.substring(0, name.length() - 2))),
                    name);
            try (ResultsFolder g = RunFolders.openNew(root, "run")) {
                String next = g.dir().getFileName().toString();
                assertTrue(next.equals(name.substring(0, name.length() - 2) + "_3") || next.endsWith("_2"), next);
                assertNotEquals(name, next);
            }
        }
        for (Path p : taken) {
            assertEquals("an earlier run's", Files.readString(p.resolve("theirs.txt")));
        }
    }

    @Test
    void twoRunsStartingTogetherNeverShareAFolder(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("run");
        int n = 8;
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Path>> runs = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                runs.add(pool.submit(() -> {
                    go.await();
                    return finished(root, "run");
                }));
            }
            go.countDown();
            Set<Path> folders = new HashSet<>();
            for (Future<Path> r : runs) {
                folders.add(r.get());
            }
            assertEquals(n, folders.size(), "each run its own folder: " + folders);
            assertEquals(n, RunFolders.runs(root).size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aRunThatLeavesNothingTakesItsFolderAndLatestGoesBack(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("run");
        Path kept = finished(root, "run");
        Path gone;
        try (ResultsFolder f = RunFolders.openNew(root, "run")) {
            gone = f.dir();
            assertEquals(gone.getFileName().toString(), RunFolders.runNamed(root.resolve(RunFolders.LATEST)));
            f.discard(new RuntimeException("refused before its first results"));
        }
        assertFalse(Files.exists(gone), "the empty run folder is removed");
        assertEquals(kept.getFileName().toString(), RunFolders.runNamed(root.resolve(RunFolders.LATEST)),
                "latest names the newest run left");
        assertEquals(List.of(kept), RunFolders.runs(root));
    }

    @Test
    void latestIsResolvedWhereAPathEntersAndOnlyWhenItIsRehearsals(@TempDir Path tmp) throws Exception {
        Path root = tmp.resolve("results").resolve("compare");
        Path run = finished(root, "compare");
        Path viaLatest = root.resolve("latest").resolve("config.json");
        assertEquals(run.resolve("config.json"), RunFolders.resolve(viaLatest));
        assertEquals(run, RunFolders.resolve(root.resolve("latest")));

        // A link named latest that Rehearsal did not make, and any other link, stay as they are for the folder
        // checks to refuse.
        Path other = tmp.resolve("other");
        Files.createDirectories(other.resolve("stuff"));
        Path foreign = other.resolve(RunFolders.LATEST);
        Files.createSymbolicLink(foreign, tmp.resolve("results"));
        assertEquals(foreign, RunFolders.resolve(foreign), "a link to an absolute path is not resolved");
        Files.delete(foreign);
        Files.createSymbolicLink(foreign, Path.of("stuff"));
        assertEquals(foreign, RunFolders.resolve(foreign), "a link to a folder that is not a run is not resolved");
        Path named = other.resolve("mine");
        Files.createSymbolicLink(named, run);
        assertEquals(named, RunFolders.resolve(named), "only a link named latest is resolved");
        assertThrows(RehearsalException.class, () -> ResultsFolder.open(foreign, "run", ResultsFolder.Mode.NEW),
                "and a link given as a results folder is still refused");
    }

    @Test
    void aRootItCannotUseIsRefusedBeforeAnythingIsCreated(@TempDir Path tmp) throws Exception {
        // The layout before run folders: results/run is itself an earlier run's folder.
        Path old = tmp.resolve("old");
        try (ResultsFolder f = ResultsFolder.open(old, "run", ResultsFolder.Mode.NEW)) {
            f.finish();
        }
        Set<String> before = ResultsFolderTest.tree(old);
        refused(old, "holds the results of one earlier run");
        assertEquals(before, ResultsFolderTest.tree(old));

        Path folderNamedLatest = tmp.resolve("a");
        Files.createDirectories(folderNamedLatest.resolve(RunFolders.LATEST));
        refused(folderNamedLatest, "is a folder, where Rehearsal keeps the link");
        assertEquals(Set.of("latest"), ResultsFolderTest.tree(folderNamedLatest));

        Path foreignLink = tmp.resolve("b");
        Files.createDirectories(foreignLink);
        Files.createSymbolicLink(foreignLink.resolve(RunFolders.LATEST), tmp);
        refused(foreignLink, "which Rehearsal did not make");
        assertEquals(tmp, Files.readSymbolicLink(foreignLink.resolve(RunFolders.LATEST)), "left as it was");
        assertEquals(Set.of("latest"), ResultsFolderTest.tree(foreignLink));

        Path linkedRoot = tmp.resolve("c");
        Files.createSymbolicLink(linkedRoot, tmp.resolve("a"));
        refused(linkedRoot, "is a link");

        Files.writeString(tmp.resolve("d"), "a file");
        refused(tmp.resolve("d"), "is a file");
    }
}
