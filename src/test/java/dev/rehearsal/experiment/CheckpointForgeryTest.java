package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.Backends;
import dev.rehearsal.Diverging;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.Synthetic;
import dev.rehearsal.cli.ChildCli;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.strategy.Progress;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checkpoint's SHA-256 has no key, so anyone can edit {@code state.json} or its tensors and recompute it:
 * the seal detects damage, not forgery. What stops a forged checkpoint is the range check of every field
 * against the run's config on load. Each case edits a real checkpoint of an interrupted er run (buffer of 5
 * per class), re-seals it exactly as the writer does, and expects {@code --resume} to refuse it with exit code 3
 * and one line naming the file and the field.
 */
class CheckpointForgeryTest {
    @TempDir
    static Path base;
    private static Path interrupted;

    @BeforeAll
    static void interruptedEr() throws Exception {
        interrupted = base.resolve("interrupted");
        ExperimentConfig c = StrategyRunTest.config("er");
        c.backend = dev.rehearsal.config.BackendType.JVM;
        c.strategies = List.of("er");
        c.seeds = List.of(1L);
        c.epochs = 1;
        c.perClass = 5;
        c.trainLimit = 64;
        c.testLimit = 50;
        try (Dataset train = Synthetic.dataset(Backends.jvm(), "syn-train", 10, 120, 11);
                Dataset test = Synthetic.dataset(Backends.jvm(), "syn-test", 10, 30, 12);
                ResultsFolder folder = ResultsFolder.open(interrupted, "compare", ResultsFolder.Mode.NEW)) {
            // Two steps of 32 a task: the cross-entropies of two tasks and more, so it stops in task 3 or 4.
            assertThrows(RehearsalException.class, () -> Comparison.run(c.validate(), folder.dir(),
                    Diverging.after(Backends.jvm(), 7), train, test, Progress.NONE, (png, s) -> { }, x -> List.of(),
                    false));
        }
        ObjectNode state = (ObjectNode) Json.MAPPER.readTree(state(interrupted).toFile());
        assertTrue(state.get("tasks_done").asInt() >= 2, state.toString());
        assertTrue(state.get("values").has("buffer.filled"), state.get("values").toString());
    }

    private static Path state(Path dir) {
        return dir.resolve("checkpoint").resolve("er-seed1").resolve("state.json");
    }

    private static Path tensors(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(state(dir).getParent())) {
            return s.filter(p -> p.getFileName().toString().endsWith(".safetensors")).findFirst().orElseThrow();
        }
    }

    interface IoConsumer {
        void accept(Path dir) throws IOException;
    }

    private static Path copy(String name, IoConsumer change) throws IOException {
        Path to = base.resolve(name);
        try (Stream<Path> s = Files.walk(interrupted)) {
            for (Path p : s.toList()) {
                Files.copy(p, to.resolve(interrupted.relativize(p).toString()));
            }
        }
        change.accept(to);
        return to;
    }

    /** Edits state.json as a forger would: the checksum is recomputed exactly as the writer computes it. */
    private static void reseal(Path file, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode o = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        edit.accept(o);
        Files.writeString(file, Json.write(Integrity.seal(o)) + "\n");
    }

    private static ObjectNode values(ObjectNode state) {
        return (ObjectNode) state.get("values");
    }

    private static void refused(Path dir, String... phrases) throws Exception {
        ChildCli r = ChildCli.run(null, "compare", "--resume", dir.toString(), "--quiet");
        assertEquals(RehearsalException.DATA, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), "one line, no stack trace: " + r.err());
        assertFalse(r.err().contains("internal error"), r.err());
        for (String phrase : phrases) {
            assertTrue(r.err().contains(phrase), "expected '" + phrase + "' in: " + r.err());
        }
    }

    @Test
    void theUntouchedCheckpointResumes() throws Exception {
        Path dir = copy("untouched", d -> { });
        ChildCli r = ChildCli.run(null, "compare", "--resume", dir.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
    }

    @Test
    void aNegativeBufferCountIsRefused() throws Exception {
        Path dir = copy("filled-negative", d -> reseal(state(d), o -> ((ArrayNode) values(o).get("buffer.filled"))
                .set(0, -5)));
        refused(dir, state(dir).toString(), "'buffer.filled'", "-5");
    }

    @Test
    void aBufferCountAboveItsCapacityIsRefused() throws Exception {
        Path dir = copy("filled-over", d -> reseal(state(d), o -> ((ArrayNode) values(o).get("buffer.filled"))
                .set(0, 100000)));
        refused(dir, state(dir).toString(), "'buffer.filled'", "100000", "capacity 5");
    }

    @Test
    void anAllZeroRandomStateIsRefused() throws Exception {
        Path dir = copy("rng-zero", d -> reseal(state(d), o -> o.putArray("rng").add(0).add(0).add(0)));
        refused(dir, state(dir).toString(), "random state");
    }

    @Test
    void aStepCountBeyondTheProtocolIsRefused() throws Exception {
        Path dir = copy("steps", d -> reseal(state(d), o -> values(o).put("solver.steps", 1L << 62)));
        refused(dir, state(dir).toString(), "'solver.steps'", Long.toString(1L << 62));
    }

    @Test
    void aTensorOfTheRightSizeButTheWrongShapeIsRefused() throws Exception {
        Path dir = copy("shape", d -> {
            Path t = tensors(d);
            byte[] b = Files.readAllBytes(t);
            long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
            // buffer.samples U8 [slots, 16]: the same bytes as [16, slots].
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"buffer.samples\":\\{\"dtype\":\"U8\","
                    + "\"shape\":\\[(\\d+),(\\d+)\\]").matcher(header);
            assertTrue(m.find(), header);
            String changed = header.substring(0, m.start(1)) + m.group(2) + "," + m.group(1)
                    + header.substring(m.end(2));
            assertEquals(header.length(), changed.length(), "two sizes of as many digits: " + header);
            System.arraycopy(changed.getBytes(StandardCharsets.UTF_8), 0, b, 8, (int) n);
            Files.write(t, b);
            String sum = Integrity.sha256(t);
            reseal(state(d), o -> ((ObjectNode) o.get("tensors")).put("sha256", sum));
        });
        refused(dir, "'buffer.samples'", "shape");
    }
}
