package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rehearsal.Backends;
import dev.rehearsal.engine.Engine;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.Json;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed experiment is recorded with its one-line error and exit code and does not stop the others; the
 * next run of the sweep retries it alone. In this JVM, with an engine that runs tasks one by one and fails
 * the second (the sweep's logic, not Spark's, is under test here).
 */
class SweepFailureTest {
    /** Runs every task in this thread; the {@code failing} one returns a failure record instead. */
    static final class Serial implements Engine {
        final String failing;
        final List<String> ran = new ArrayList<>();

        Serial(String failing) {
            this.failing = failing;
        }

        @Override
        public void run(List<Task> tasks, Work work, Sink sink) {
            for (Task t : tasks) {
                ran.add(t.id());
                sink.finished(t, t.id().equals(failing)
                        ? Json.write(Experiment.failure(ConfigFiles.fromJson(t.payload()), "training diverged: test", 4))
                        : work.run(t));
            }
        }

        @Override
        public int slots() {
            return 1;
        }

        @Override
        public String describe() {
            return "this thread";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aFailureIsRecordedTheOthersFinishAndARerunRetriesItAlone(@TempDir Path dir) throws Exception {
        Grid grid = Grid.of((ObjectNode) new YAMLMapper().readTree("""
                data: %s
                train-limit: 300
                test-limit: 100
                epochs: 1
                grid: {strategy: [naive], seed: [1, 2, 3]}
                """.formatted(Path.of("data/mnist").toAbsolutePath())), "grid", c -> {
                    c.threads = Backends.THREADS;
                    c.ompWait = dev.rehearsal.config.OmpWait.of(Backends.WAIT.name());
                });
        String second = grid.points().get(1).id();
        PrintStream quiet = new PrintStream(java.io.OutputStream.nullOutputStream());
        Sweep.Outcome first = Sweep.run(grid, dir, new Serial(second), false, quiet);
        assertEquals(3, first.ran());
        assertEquals(1, first.failed());
        JsonNode failed = Json.MAPPER.readTree(Records.record(dir, second).toFile());
        assertEquals("failed", failed.get("status").asText());
        assertEquals("training diverged: test", failed.get("error").asText());
        assertEquals(4, failed.get("exit_code").asInt());
        JsonNode listed = Json.MAPPER.readTree(dir.resolve("sweep.json").toFile()).get("experiments").get(1);
        assertEquals("failed", listed.get("status").asText());
        assertEquals(4, listed.get("exit_code").asInt());
        assertEquals(1 + 2 * 25, Files.readAllLines(dir.resolve("sweep.csv")).size(), "the two finished ones");

        Serial again = new Serial(null);
        Sweep.Outcome retry = Sweep.run(grid, dir, again, false, quiet);
        assertEquals(List.of(second), again.ran, "only the failed experiment runs again");
        assertEquals(0, retry.failed());
        assertEquals(2, retry.kept());
        assertEquals(1 + 3 * 25, Files.readAllLines(dir.resolve("sweep.csv")).size());
        assertTrue(Files.readString(dir.resolve("sweep.md")).contains("| naive |"));

        Serial all = new Serial(null);
        Sweep.run(grid, dir, all, true, quiet);
        assertEquals(3, all.ran.size(), "--rerun runs every experiment");
    }
}
