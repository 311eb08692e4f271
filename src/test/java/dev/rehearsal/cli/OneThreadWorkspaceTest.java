package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * On one thread oneDNN's weight-gradient scratchpad for the 128 current rows of a task without replay is
 * larger than for the 256 rows of a replay step, so a workspace sized for the largest batch alone failed at the
 * first step of the wide preset. Tests run the native runtime on two threads, so this one needs its own process.
 */
class OneThreadWorkspaceTest {

    @ParameterizedTest
    @ValueSource(strings = {"er", "gr", "agem", "icarl"})
    void everyStepSizeHasItsWorkspaceOnOneThread(String strategy, @TempDir Path dir) throws Exception {
        // In a folder of its own (nothing left in the repository), on the repository's MNIST (not a fresh fetch).
        ChildCli r = ChildCli.run(dir, "run", "--strategy", strategy, "--preset", "wide", "--threads", "1",
                "--iterations", "2", "--vae-iterations", "2", "--train-limit", "300", "--test-limit", "100",
                "--per-class", "5", "--quiet", "--out", dir.resolve("out").toString(), "--data",
                Path.of("data", "mnist").toAbsolutePath().toString());
        assertEquals(0, r.exitCode(), r.err());
    }
}
