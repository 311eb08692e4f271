package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.AtomicFiles;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A results folder is never a way to write, truncate or delete anything outside it, and a command never
 * continues or rewrites a folder that is not its own to continue: through the CLI, in this JVM, on copies of
 * one finished tiny {@code run --strategy er}. Every link points inside the test's temporary folder, at
 * "outside" files whose content and listing must stay as they were.
 */
class FolderSafetyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> TINY = List.of("--strategy", "er", "--train-limit", "200", "--test-limit",
            "100", "--epochs", "1", "--per-class", "10", "--vae-epochs", "1", "--quiet");

    @TempDir
    static Path work;
    /** A finished run's folder; tests change copies of it, never it. */
    private static Path base;

    @BeforeAll
    static void oneFinishedRun() {
        base = work.resolve("base");
        Cli r = run("--out", base.toString());
        assertEquals(0, r.exitCode(), r.err());
    }

    private static Cli run(String... more) {
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(TINY);
        args.addAll(Arrays.asList(more));
        return Cli.run(args.toArray(String[]::new));
    }

    private static void refused(Cli r, int code, String phrase) {
        assertEquals(code, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), "one line: " + r.err());
        assertTrue(r.err().contains(phrase), "expected '" + phrase + "' in: " + r.err());
    }

    /** Every entry under {@code dir}, not following links: a file's SHA-256, a link's target, a folder's name. */
    static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String name = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(name, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(name, java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                            .digest(Files.readAllBytes(p))));
                } else {
                    out.put(name, "folder");
                }
            }
        }
        return out;
    }

    /** A folder "outside" the results folder, holding one file: what a link in a results folder points at. */
    private static Path outside(Path dir) throws IOException {
        Path victim = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(victim.resolve("precious.txt"), "keep me\n");
        return victim;
    }

    private static Path copyOfBase(Path to) throws IOException {
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(base.relativize(p).toString()));
            }
        }
        return to;
    }

    @Test
    void aLockThatIsALinkIsNeverOpened(@TempDir Path dir) throws Exception {
        Path victim = outside(dir);
        Map<String, String> before = snapshot(victim);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Files.createSymbolicLink(empty.resolve(ResultsFolder.LOCK), victim.resolve("precious.txt"));
        Map<String, String> emptyBefore = snapshot(empty);
        refused(run("--out", empty.toString()), RehearsalException.USAGE, ResultsFolder.LOCK + " is a link");
        assertEquals(before, snapshot(victim), "the lock's target was not truncated");
        assertEquals(emptyBefore, snapshot(empty), "nothing was written into the folder");

        Path finished = copyOfBase(dir.resolve("finished"));
        Files.delete(finished.resolve(ResultsFolder.LOCK));
        Files.createSymbolicLink(finished.resolve(ResultsFolder.LOCK), victim.resolve("precious.txt"));
        Map<String, String> finishedBefore = snapshot(finished);
        refused(run("--out", finished.toString(), "--force"), RehearsalException.USAGE,
                ResultsFolder.LOCK + " is a link");
        assertEquals(before, snapshot(victim), "--force did not truncate the lock's target either");
        assertEquals(finishedBefore, snapshot(finished), "and removed nothing");
    }

    @Test
    void aTemporaryManifestThatIsALinkIsNeverWritten(@TempDir Path dir) throws Exception {
        Path victim = outside(dir);
        Map<String, String> before = snapshot(victim);
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path tmp = AtomicFiles.temporary(empty.resolve(ResultsFolder.MANIFEST));
        Files.createSymbolicLink(tmp, victim.resolve("precious.txt"));
        Map<String, String> emptyBefore = snapshot(empty);
        refused(run("--out", empty.toString()), RehearsalException.USAGE, tmp.getFileName() + " is a link");
        assertEquals(before, snapshot(victim), "the manifest was not written through the link");
        assertEquals(emptyBefore, snapshot(empty), "nothing was written into the folder");
    }

    @Test
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    void aTemporaryResultsFileThatIsALinkIsNeverWrittenOnResume(@TempDir Path dir) throws Exception {
        Path victim = outside(dir);
        Map<String, String> before = snapshot(victim);
        // An interrupted run: its folder lists config.json and was not finished.
        Path unfinished = dir.resolve("unfinished");
        try (ResultsFolder f = ResultsFolder.open(unfinished, "run", ResultsFolder.Mode.NEW)) {
            AtomicFiles.write(unfinished.resolve("config.json"), Files.readAllBytes(base.resolve("config.json")));
        }
        Path tmp = AtomicFiles.temporary(unfinished.resolve("results.md"));
        Files.createSymbolicLink(tmp, victim.resolve("precious.txt"));
        Map<String, String> folderBefore = snapshot(unfinished);
        refused(Cli.run("run", "--resume", unfinished.toString(), "--quiet"), RehearsalException.USAGE,
                tmp.getFileName() + " is a link");
        assertEquals(before, snapshot(victim), "results.md was not written through the link");
        assertEquals(folderBefore, snapshot(unfinished), "the refused resume changed nothing");
    }

    @Test
    void anEditedManifestAndALinkedSamplesFolderDeleteNothingOutside(@TempDir Path dir) throws Exception {
        Path folder = copyOfBase(dir.resolve("folder"));
        // The outside folder holds files named as the run's sample grids, and one more.
        Path victim = outside(dir);
        try (Stream<Path> s = Files.list(folder.resolve("samples"))) {
            for (Path p : s.toList()) {
                Files.copy(p, victim.resolve(p.getFileName()));
                Files.delete(p);
            }
        }
        assertTrue(snapshot(victim).size() > 2, "the run wrote sample grids: " + snapshot(victim));
        Files.delete(folder.resolve("samples"));
        Files.createSymbolicLink(folder.resolve("samples"), victim);
        Path manifest = folder.resolve(ResultsFolder.MANIFEST);
        ObjectNode m = (ObjectNode) JSON.readTree(manifest.toFile());
        m.withArray("files").add("samples");
        Files.writeString(manifest, m.toPrettyString());
        Map<String, String> before = snapshot(victim);
        Map<String, String> folderBefore = snapshot(folder);
        Cli r = run("--out", folder.toString(), "--force");
        assertEquals(before, snapshot(victim), "no file of the outside folder was deleted");
        assertTrue(r.exitCode() == RehearsalException.USAGE || r.exitCode() == RehearsalException.DATA, r.err());
        assertTrue(r.oneLineError(), r.err());
        assertEquals(folderBefore, snapshot(folder), "nothing of the folder was removed");
    }

    @Test
    void forceOnAnOutThatIsALinkIsRefusedInOneLine(@TempDir Path dir) throws Exception {
        Path real = copyOfBase(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        Map<String, String> before = snapshot(real);
        refused(run("--out", link.toString(), "--force"), RehearsalException.USAGE,
                "the results folder " + link + " is a link");
        assertEquals(before, snapshot(real));
    }

    @Test
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    void aResumeByAnotherCommandIsRefusedNamingTheCommandThatWroteIt(@TempDir Path dir) throws Exception {
        Path runFolder = dir.resolve("run-folder");
        try (ResultsFolder f = ResultsFolder.open(runFolder, "run", ResultsFolder.Mode.NEW)) {
            AtomicFiles.write(runFolder.resolve("config.json"), Files.readAllBytes(base.resolve("config.json")));
        }
        Map<String, String> before = snapshot(runFolder);
        refused(Cli.run("compare", "--resume", runFolder.toString(), "--quiet"), RehearsalException.USAGE,
                "'rehearsal run --resume " + runFolder + "'");
        assertEquals(before, snapshot(runFolder));

        Path compareFolder = dir.resolve("compare-folder");
        try (ResultsFolder f = ResultsFolder.open(compareFolder, "compare", ResultsFolder.Mode.NEW)) {
            AtomicFiles.write(compareFolder.resolve("config.json"), Files.readAllBytes(base.resolve("config.json")));
        }
        before = snapshot(compareFolder);
        refused(Cli.run("run", "--resume", compareFolder.toString(), "--quiet"), RehearsalException.USAGE,
                "'rehearsal compare --resume " + compareFolder + "'");
        assertEquals(before, snapshot(compareFolder));
    }

    @Test
    void aResumeOfAFinishedRunIsRefusedAndRewritesNothing(@TempDir Path dir) throws Exception {
        Path finished = copyOfBase(dir.resolve("finished"));
        Map<String, String> before = snapshot(finished);
        refused(Cli.run("run", "--resume", finished.toString(), "--quiet"), RehearsalException.USAGE,
                "nothing to resume in " + finished + ": its 'rehearsal run' finished");
        assertEquals(before, snapshot(finished), "not a byte rewritten");
    }

    @Test
    void anOutInsideAnEarlierRunsFolderIsRefused(@TempDir Path dir) throws Exception {
        Path earlier = copyOfBase(dir.resolve("earlier"));
        Map<String, String> before = snapshot(earlier);
        Path inner = earlier.resolve("figures").resolve("inner");
        refused(run("--out", inner.toString()), RehearsalException.USAGE,
                "the results folder " + inner + " is inside " + earlier);
        assertEquals(before, snapshot(earlier));
        assertFalse(Files.exists(inner));
    }
}
