package dev.rehearsal.experiment;

import dev.rehearsal.config.BackendType;

import dev.rehearsal.config.ExperimentConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.Backends;
import dev.rehearsal.Diverging;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.Synthetic;
import dev.rehearsal.cli.ChildCli;
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
 * {@code --resume} refuses a checkpoint or a run record that was altered, damaged, or written for another
 * config, with exit code 3 and one line naming the file and what is wrong; the untouched folder resumes.
 * The folder is a real interrupted compare (naive finished and recorded, joint stopped after two tasks with
 * a checkpoint), each case alters a copy of it, and the real CLI resumes it in a child JVM.
 */
class ResumeIntegrityTest {
    @TempDir
    static Path base;
    private static Path interrupted;

    @BeforeAll
    static void interruptedCompare() throws Exception {
        interrupted = base.resolve("interrupted");
        ExperimentConfig c = StrategyRunTest.config("naive");
        c.backend = BackendType.JVM;
        c.strategies = List.of("naive", "joint");
        c.seeds = List.of(1L);
        c.epochs = 1;
        // Two steps of 32 per task: naive computes 10 cross-entropies in all; joint, one per task of each step's
        // batch, 2 in its first task and 2 x 4 in its second.
        c.trainLimit = 64;
        c.testLimit = 50;
        try (Dataset train = Synthetic.dataset(Backends.jvm(), "syn-train", 10, 120, 11);
                Dataset test = Synthetic.dataset(Backends.jvm(), "syn-test", 10, 30, 12);
                ResultsFolder folder = ResultsFolder.open(interrupted, "compare", ResultsFolder.Mode.NEW)) {
            RehearsalException e = assertThrows(RehearsalException.class, () -> Comparison.run(c.validate(),
                    folder.dir(), Diverging.after(Backends.jvm(), 10 + 2 + 8 + 1), train, test, Progress.NONE,
                    (png, s) -> { }, x -> List.of(), false));
            assertTrue(e.getMessage().contains("at task 3"), e.getMessage());
        }
        assertTrue(Files.exists(interrupted.resolve("runs").resolve("naive-seed1.json")));
        assertEquals(2, Json.MAPPER.readTree(state(interrupted).toFile()).get("tasks_done").asInt());
    }

    /** What an interrupted run leaves is in the schema too: the checkpoint and the partial results.json. */
    @Test
    void theInterruptedFilesValidate() {
        dev.rehearsal.SchemaCheck.assertValid(state(interrupted));
        JsonNode partial = dev.rehearsal.SchemaCheck.assertValid(interrupted.resolve("results.json"));
        JsonNode joint = partial.get("results").get(1).get("runs").get(0);
        assertEquals(false, joint.get("complete").asBoolean(), "joint stopped in its third task");
        assertTrue(joint.get("accuracy_matrix").get(2).get(0).isNull(), "its third row is not trained: null");
    }

    /** A folder written by the previous layout (schema_version 2, names like ACC and R) is refused in one line. */
    @Test
    void aFolderOfThePreviousVersionIsRefused() throws Exception {
        Path dir = copy("schema-2", d -> reseal(record(d), o -> o.put("schema_version", 2)));
        ChildCli r = ChildCli.run(null, "compare", "--resume", dir.toString(), "--quiet");
        assertEquals(3, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), r.err());
        assertTrue(r.err().contains("naive-seed1.json has schema_version 2 (an earlier Rehearsal wrote it); this "
                + "Rehearsal reads schema_version 4: rerun the command that wrote it with this version"), r.err());
    }

    private static Path state(Path dir) {
        return dir.resolve("checkpoint").resolve("joint-seed1").resolve("state.json");
    }

    private static Path tensors(Path dir) {
        return dir.resolve("checkpoint").resolve("joint-seed1").resolve("tensors-task2.safetensors");
    }

    private static Path record(Path dir) {
        return dir.resolve("runs").resolve("naive-seed1.json");
    }

    /** A copy of the interrupted folder, altered by {@code change}. */
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

    interface IoConsumer {
        void accept(Path dir) throws IOException;
    }

    /** Edits a sealed file as someone who knows the format would: the checksum matches the new content. */
    private static void reseal(Path file, Consumer<ObjectNode> edit) throws IOException {
        ObjectNode o = (ObjectNode) Json.MAPPER.readTree(file.toFile());
        edit.accept(o);
        Files.writeString(file, Json.write(Integrity.seal(o)));
    }

    private static void replaceText(Path file, String from, String to) throws IOException {
        String s = Files.readString(file);
        assertTrue(s.contains(from), file + " has no '" + from + "'");
        Files.writeString(file, s.replaceFirst(java.util.regex.Pattern.quote(from), to));
    }

    private static void refused(Path dir, String... phrases) throws Exception {
        ChildCli r = ChildCli.run(null, "compare", "--resume", dir.toString(), "--quiet");
        assertEquals(RehearsalException.DATA, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), "one line, no stack trace: " + r.err());
        assertTrue(!r.err().contains("internal error"), r.err());
        for (String phrase : phrases) {
            assertTrue(r.err().contains(phrase), "expected '" + phrase + "' in: " + r.err());
        }
    }

    @Test
    void theUntouchedFolderResumes() throws Exception {
        Path dir = copy("untouched", d -> { });
        ChildCli r = ChildCli.run(null, "compare", "--resume", dir.toString(), "--quiet");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode results = Json.MAPPER.readTree(dir.resolve("results.json").toFile()).get("results");
        assertEquals("naive", results.get(0).get("strategy").asText());
        assertEquals(5, results.get(1).get("runs").get(0).get("tasks_done").asInt(), "joint finished");
    }

    @Test
    void alteredTensorBytesAreRefused() throws Exception {
        refused(copy("tensor-bytes", d -> {
            byte[] b = Files.readAllBytes(tensors(d));
            b[b.length - 7] ^= 0x40; // one bit of the last parameters
            Files.write(tensors(d), b);
        }), tensors(base.resolve("tensor-bytes")) + " is damaged", "SHA-256");
    }

    @Test
    void anEditedStateFileIsRefused() throws Exception {
        refused(copy("state-edited", d -> replaceText(state(d), "\"tasks_done\" : 2", "\"tasks_done\" : 1")),
                state(base.resolve("state-edited")) + " is damaged: its content does not match its SHA-256 checksum");
    }

    @Test
    void impossibleValuesAreRefusedEvenWithAMatchingChecksum() throws Exception {
        refused(copy("state-accuracy", d -> reseal(state(d), o -> ((ArrayNode) o.get("accuracy_matrix").get(0)).set(0, 1.7))),
                "state.json is damaged: accuracy_matrix[1][1] is 1.7, not an accuracy in [0, 1]");
        refused(copy("state-task", d -> reseal(state(d), o -> ((ObjectNode) o.get("task_records").get(1))
                .put("task", 9))), "'task' is 9, expected an integer in [1, 5]");
        refused(copy("state-count", d -> reseal(state(d), o -> ((ObjectNode) o.get("task_records").get(0))
                .put("train_samples", -64))), "'train_samples' is -64, expected a count");
        refused(copy("state-done", d -> reseal(state(d), o -> o.put("tasks_done", 7))),
                "'tasks_done' is 7, expected an integer in [0, 5]");
    }

    @Test
    void aConfigThatNoLongerMatchesIsRefused() throws Exception {
        refused(copy("other-preset", d -> replaceText(d.resolve("config.json"), "\"preset\" : \"seed\"",
                "\"preset\" : \"wide\"")), "naive-seed1.json was written for another config: 'preset' is \"seed\" "
                + "there and \"wide\" in this run's config");
        refused(copy("other-tasks", d -> replaceText(d.resolve("config.json"), "\"classes-per-task\" : 2",
                "\"classes-per-task\" : 5")), "was written for another config: 'classes-per-task' is 2 there and 5");
        // Only the checkpoint left to check: it was written for preset seed too.
        refused(copy("other-preset-checkpoint", d -> {
            Files.delete(record(d));
            replaceText(d.resolve("config.json"), "\"preset\" : \"seed\"", "\"preset\" : \"wide\"");
        }), state(base.resolve("other-preset-checkpoint")) + " was written for another config: 'preset'");
    }

    @Test
    void checkpointTensorsThatDoNotFitTheStrategyAreRefused() throws Exception {
        // Well-formed files with matching checksums, as another version or a hand-made file could leave.
        for (String[] edit : new String[][] {{"\"dtype\":\"F32\"", "\"dtype\":\"I32\"", "I32"},
            {"\"solver.params\"", "\"solver.paramz\"", "no tensor 'solver.params'"}}) {
            Path dir = copy("tensors-" + edit[2].hashCode(), d -> {
                byte[] b = Files.readAllBytes(tensors(d));
                long n = ByteBuffer.wrap(b, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                String header = new String(b, 8, (int) n, StandardCharsets.UTF_8);
                String changed = header.replaceFirst(java.util.regex.Pattern.quote(edit[0]), edit[1]);
                assertTrue(!changed.equals(header) && changed.length() == header.length(), header);
                System.arraycopy(changed.getBytes(StandardCharsets.UTF_8), 0, b, 8, (int) n);
                Files.write(tensors(d), b);
                String sum = Integrity.sha256(tensors(d));
                reseal(state(d), o -> ((ObjectNode) o.get("tensors")).put("sha256", sum));
            });
            refused(dir, "does not fit a joint run of this config", edit[2]);
        }
    }

    @Test
    void anAlteredRunRecordIsRefused() throws Exception {
        refused(copy("record-edited", d -> replaceText(record(d), "\"acc\" : ", "\"acc\" : 0.99 , \"was\" : ")),
                record(base.resolve("record-edited")) + " is damaged: its content does not match its SHA-256");
        refused(copy("record-accuracy", d -> reseal(record(d), o -> ((ArrayNode) o.get("accuracy_matrix").get(4)).set(0, 1.5))),
                "naive-seed1.json is damaged: accuracy_matrix[5][1] is 1.5, not an accuracy");
        refused(copy("record-rows", d -> reseal(record(d), o -> ((ArrayNode) o.get("accuracy_matrix")).remove(4))),
                "naive-seed1.json is damaged: accuracy_matrix has 4 rows, the scenario has 5 tasks");
        refused(copy("record-unsealed", d -> {
            ObjectNode o = (ObjectNode) Json.MAPPER.readTree(record(d).toFile());
            o.remove(Integrity.SHA256);
            Files.writeString(record(d), Json.write(o));
        }), "naive-seed1.json is damaged: it has no \"sha256\" checksum");
    }
}
