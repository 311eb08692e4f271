package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.AtomicFiles;
import dev.rehearsal.ResultsFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --resume DIR} runs DIR's saved config: an option that would change it is refused naming it, instead of
 * being ignored, and options that change no result are allowed.
 */
class ResumeConflictTest {
    @Test
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    void conflictingOptionsAreRefusedAndHarmlessOnesAllowed(@TempDir Path dir) throws Exception {
        Path done = dir.resolve("done");
        Cli first = Cli.run("run", "--strategy", "naive", "--train-limit", "200", "--test-limit", "100", "--epochs",
                "1", "--lr", "0.002", "--quiet", "--out", done.toString());
        assertEquals(0, first.exitCode(), first.err());
        // A finished run is not resumed at all: an interrupted one, which has written its config.json.
        Path out = dir.resolve("run");
        try (ResultsFolder f = ResultsFolder.open(out, "run", ResultsFolder.Mode.NEW)) {
            AtomicFiles.write(out.resolve("config.json"), Files.readAllBytes(done.resolve("config.json")));
        }
        String manifest = Files.readString(out.resolve(ResultsFolder.MANIFEST));

        Cli lr = Cli.run("run", "--resume", out.toString(), "--lr", "0.01", "--strategy", "er");
        assertEquals(2, lr.exitCode(), lr.err());
        assertTrue(lr.oneLineError(), lr.err());
        assertTrue(lr.err().contains("--lr 0.01 (saved: 0.002)") && lr.err().contains("--strategy er (saved: naive)"),
                lr.err());
        Cli threads = Cli.run("run", "--resume", out.toString(), "--threads", "1", "--no-reset-optimizer");
        assertTrue(threads.exitCode() == 2 && threads.err().contains("--threads 1")
                && threads.err().contains("--reset-optimizer false"), threads.err());
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "epochs: 1\n");
        Cli file = Cli.run("run", "--resume", out.toString(), "--config", config.toString(), "--quick");
        assertTrue(file.exitCode() == 2 && file.err().contains("--config " + config)
                && file.err().contains("--quick"), file.err());
        assertEquals(manifest, Files.readString(out.resolve(ResultsFolder.MANIFEST)), "a refused resume changes nothing");
        assertFalse(Files.exists(out.resolve("results.json")));

        // The saved values again, and what changes no result: allowed.
        Cli same = Cli.run("run", "--resume", out.toString(), "--lr", "0.002", "--quiet", "--omp-wait", "passive");
        assertEquals(0, same.exitCode(), same.err());
        assertFalse(same.err().contains("rehearsal:"), same.err());
    }
}
