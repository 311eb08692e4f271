package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.cli.Cli;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cgr on real class-incremental Split-MNIST through the command line, short enough for CI (2000 training and 500
 * test samples a task, 200 solver and 200 generator steps a task; seconds): conditional replay keeps much of
 * what fine-tuning forgets entirely.
 */
class ConditionalReplayMnistTest {
    @Test
    void classIncrementalConditionalReplayRemembersWhatFineTuningForgets(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("compare", "--strategies", "naive,cgr", "--setting", "class", "--train-limit", "2000",
                "--iterations", "200", "--vae-iterations", "200", "--test-limit", "500", "--threads",
                Integer.toString(Backends.THREADS), "--quiet", "--out", dir.toString());
        assertEquals(0, r.exitCode(), r.err());
        Map<String, Double> acc = DistillationMethodsMnistTest.acc(dir);
        // Measured (seed 1, 2 threads, native backend): naive 0.197, cgr 0.486, a margin of 0.29; the assertion
        // leaves 0.09 of it for other thread counts and GEMM engines. (gr measures 0.781 here: after 200 steps the
        // conditional VAE still carries part of the class in z, so some images drawn for a label show another
        // class; with soft targets cgr measures 0.768, and with 600 generator steps hard cgr 0.670.)
        assertTrue(acc.get("naive") < 0.25, "class-IL fine-tuning forgets: " + acc);
        assertTrue(acc.get("cgr") > acc.get("naive") + 0.2, "cgr remembers: " + acc);
    }
}
