package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.Backends;
import dev.rehearsal.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety: a real process is killed with SIGKILL in the middle of a task, resumed with --resume, and
 * ends with the same accuracy matrix as an uninterrupted run with the same seed.
 */
class ResumeTest {
    private static final String[] RUN = {"--strategy", "gr", "--train-limit", "1500", "--vae-epochs", "6",
        "--quiet", "--threads", Integer.toString(Backends.THREADS), "--omp-wait",
        Backends.WAIT.name().toLowerCase(java.util.Locale.ROOT)};

    @Test
    void killedRunResumesToTheSameResult(@TempDir Path dir) throws Exception {
        Path killed = dir.resolve("killed");
        // Killed: its temporary files must be inside this test's folder, which JUnit removes.
        List<String> cmd = dev.rehearsal.ChildJvm.java(Files.createDirectories(dir.resolve("tmp")));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.rehearsal.cli.Main", "run"));
        cmd.addAll(List.of(RUN));
        cmd.addAll(List.of("--out", killed.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile())
                .start();
        Path state = killed.resolve("checkpoint").resolve("gr-seed1").resolve("state.json");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.exists(state) && p.isAlive() && System.nanoTime() < deadline) {
            // Polls the other process's output folder without taking a core from it.
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        assertTrue(p.isAlive(), "the run must still be going when the first task's checkpoint appears: "
                + Files.readString(dir.resolve("log.txt")));
        p.destroyForcibly(); // SIGKILL: no shutdown hooks, no finally blocks
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertFalse(Files.exists(killed.resolve("runs").resolve("gr-seed1.json")), "killed mid-run");
        JsonNode partial = new ObjectMapper().readTree(killed.resolve("results.json").toFile());
        int done = partial.get("results").get(0).get("runs").get(0).get("tasks_done").asInt();
        assertTrue(done >= 1 && done < 5, "results of the finished tasks were kept: " + done);

        Cli resumed = Cli.run("run", "--resume", killed.toString(), "--quiet");
        assertEquals(0, resumed.exitCode(), resumed.err());

        Path straight = dir.resolve("straight");
        List<String> args = new ArrayList<>(List.of("run"));
        args.addAll(List.of(RUN));
        args.addAll(List.of("--out", straight.toString()));
        Cli uninterrupted = Cli.run(args.toArray(String[]::new));
        assertEquals(0, uninterrupted.exitCode(), uninterrupted.err());

        JsonNode a = new ObjectMapper().readTree(killed.resolve("results.json").toFile()).get("results").get(0);
        JsonNode b = new ObjectMapper().readTree(straight.resolve("results.json").toFile()).get("results").get(0);
        assertEquals(b.get("accuracy_matrix"), a.get("accuracy_matrix"), "same R as the uninterrupted run");
        assertEquals(b.get("acc"), a.get("acc"));
        assertTrue(Files.exists(killed.resolve("runs").resolve("gr-seed1.json")));
        assertFalse(Files.exists(killed.resolve("checkpoint").resolve("gr-seed1")), "checkpoint removed once recorded");
    }
}
