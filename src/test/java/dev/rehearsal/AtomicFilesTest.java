package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.experiment.ResultFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A write that fails leaves the old file as it was and no temporary file, and is reported as one line naming
 * the file. Failures are made without permissions (tests may run as root): a disk that fills mid-write, a
 * non-empty folder where the file should go, a regular file where a folder should be.
 */
class AtomicFilesTest {

    @Test
    void aDiskThatFillsMidWriteKeepsTheOldFileAndNoTemporary(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("results.json");
        AtomicFiles.write(file, "old".getBytes());
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(file, out -> {
            out.write("half of the new".getBytes());
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device", e.getMessage());
        assertEquals("old", Files.readString(file));
        assertEquals(Set.of("results.json"), ResultsFolderTest.tree(dir), "no temporary file is left");
    }

    @Test
    void aFailedRenameLeavesNoTemporaryAndNamesTheFile(@TempDir Path dir) throws Exception {
        Path target = dir.resolve("report.html");
        Files.createDirectories(target.resolve("in-the-way"));
        RehearsalException e = assertThrows(RehearsalException.class, () -> ResultFiles.write(target, "<html>"));
        assertEquals(RehearsalException.RUN, e.exitCode());
        assertTrue(e.getMessage().startsWith("cannot write " + target + ": "), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
        assertEquals(Set.of("report.html", "report.html/in-the-way"), ResultsFolderTest.tree(dir),
                "the temporary file was deleted");
    }

    @Test
    void aFileWhereAFolderShouldBeIsNamed(@TempDir Path dir) throws Exception {
        Path blocker = Files.writeString(dir.resolve("figures"), "a file");
        Path target = blocker.resolve("memory.png");
        RehearsalException e = assertThrows(RehearsalException.class, () -> ResultFiles.write(target, "png"));
        assertEquals(RehearsalException.RUN, e.exitCode());
        assertTrue(e.getMessage().contains("cannot write " + target + ": a file is in the way (" + blocker + ")"),
                e.getMessage());
        assertEquals(Set.of("figures"), ResultsFolderTest.tree(dir));
    }

    @Test
    void aTemporaryFileThatIsALinkIsRefusedAndItsTargetKept(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me");
        Path out = Files.createDirectories(dir.resolve("out"));
        Path file = out.resolve("results.md");
        Files.createSymbolicLink(AtomicFiles.temporary(file), victim);
        RehearsalException e = assertThrows(RehearsalException.class, () -> ResultFiles.write(file, "results"));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(".results.md.tmp is a link"), e.getMessage());
        assertEquals("keep me", Files.readString(victim));
        assertEquals(Set.of(".results.md.tmp"), ResultsFolderTest.tree(out), "the link is left for its owner");
    }

    @Test
    void aFileThatIsALinkIsRefusedAndItsTargetKept(@TempDir Path dir) throws Exception {
        Path victim = Files.writeString(dir.resolve("victim.txt"), "keep me");
        Path out = Files.createDirectories(dir.resolve("out"));
        Path file = Files.createSymbolicLink(out.resolve("results.md"), victim);
        RehearsalException e = assertThrows(RehearsalException.class, () -> ResultFiles.write(file, "results"));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("results.md is a link"), e.getMessage());
        assertEquals("keep me", Files.readString(victim));
        assertTrue(Files.isSymbolicLink(file), "not replaced either");
    }
}
