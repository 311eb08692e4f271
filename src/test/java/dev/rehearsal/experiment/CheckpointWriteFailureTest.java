package dev.rehearsal.experiment;

import dev.rehearsal.config.BackendType;

import dev.rehearsal.config.ExperimentConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.Synthetic;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.strategy.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A checkpoint that cannot be written stops the run with a one-line error naming the file, leaves no
 * temporary file, and keeps the results of the finished task. The write is made to fail without
 * permissions (tests may run as root): a non-empty folder sits where the tensors file goes.
 */
class CheckpointWriteFailureTest {

    @Test
    void aFailedCheckpointWriteIsReportedNotSwallowed(@TempDir Path out) throws Exception {
        ExperimentConfig c = StrategyRunTest.config("naive");
        c.backend = BackendType.JVM;
        c.strategies = List.of("naive");
        c.seeds = List.of(1L);
        c.epochs = 1;
        Path tensors = out.resolve("checkpoint").resolve("naive-seed1").resolve("tensors-task1.safetensors");
        Files.createDirectories(tensors.resolve("in-the-way"));
        try (Dataset train = Synthetic.dataset(Backends.jvm(), "syn-train", 10, 120, 11);
                Dataset test = Synthetic.dataset(Backends.jvm(), "syn-test", 10, 30, 12)) {
            RehearsalException e = assertThrows(RehearsalException.class, () -> Comparison.run(c.validate(), out,
                    Backends.jvm(), train, test, Progress.NONE, (png, s) -> { }, x -> List.of(), false));
            assertEquals(RehearsalException.RUN, e.exitCode());
            assertTrue(e.getMessage().startsWith("cannot write " + tensors + ": "), e.getMessage());
            assertFalse(e.getMessage().contains(".tmp"), "names the file, not its temporary: " + e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
        }
        try (Stream<Path> s = Files.walk(out)) {
            List<Path> temporary = s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), temporary, "no temporary file is left");
        }
        assertFalse(Files.exists(out.resolve("runs").resolve("naive-seed1.json")), "the run did not go on");
        assertEquals(1, Json.MAPPER.readTree(out.resolve("results.json").toFile()).get("results").get(0)
                .get("runs").get(0).get("tasks_done").asInt(), "the first task's results were kept");
    }
}
