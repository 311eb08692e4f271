package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.cli.ChildCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sweep stopped by a signal (what Ctrl-C and kill send) says so in one line, records no experiment as failed,
 * and the same command then resumes it: the experiments recorded before the signal are kept, the others run.
 */
class SweepStopTest {

    private static long records(Path runs) throws Exception {
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).count();
        }
    }

    @Test
    @Timeout(300)
    void aSignalStopsTheSweepInOneLineAndTheSameCommandResumesIt(@TempDir Path dir) throws Exception {
        Path grid = Files.writeString(dir.resolve("grid.yaml"),
                "train-limit: 500\ntest-limit: 200\nepochs: 1\ngrid: {strategy: [naive], seed: [1, 2, 3, 4, 5, 6, 7, 8, "
                        + "9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]}\n");
        Path out = dir.resolve("out");
        String[] args = {"sweep", "--config", grid.toString(), "--out", out.toString(), "--threads", "1",
            "--parallel", "1"};
        Process p = ChildCli.start(null, dir.resolve("stdout"), dir.resolve("stderr"), args);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (records(out.resolve("runs")) < 1 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(p.isAlive(), "the sweep finished before it could be stopped: " + Files.readString(dir.resolve(
                "stderr")));
        p.destroy(); // SIGTERM
        ChildCli stopped = ChildCli.finish(p, dir.resolve("stdout"), dir.resolve("stderr"));
        String err = stopped.err();
        assertEquals(143, stopped.exitCode(), "128 + SIGTERM, as the shell reports a process a signal ended: " + err);
        assertEquals(1, err.lines().filter(l -> l.startsWith("rehearsal: stopped before the sweep finished")).count(),
                err);
        assertFalse(err.contains("internal error"), err);
        assertFalse(err.lines().anyMatch(l -> l.startsWith("\tat ")), "no stack trace: " + err);
        assertFalse(err.contains(" ERROR "), "Spark's shutdown errors are not shown: " + err);
        long kept = records(out.resolve("runs"));
        assertTrue(kept >= 1 && kept < 24, kept + " records");
        try (Stream<Path> s = Files.list(out.resolve("runs"))) {
            for (Path f : s.toList()) {
                assertFalse(Files.readString(f).contains("\"status\":\"failed\""), f + " is recorded as failed");
            }
        }

        ChildCli resumed = ChildCli.run(null, args);
        assertEquals(0, resumed.exitCode(), resumed.err());
        assertEquals(24, records(out.resolve("runs")));
        assertTrue(resumed.err().contains(kept + " kept") || resumed.out().contains(kept + " kept")
                || resumed.err().contains("kept " + kept) || resumed.out().contains("kept " + kept),
                resumed.out() + resumed.err());
    }
}
