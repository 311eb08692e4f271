package dev.rehearsal.experiment;

import dev.rehearsal.backend.Precision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.ExperimentConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sealed file's checksum is computed over the JSON the file holds, so it must survive the round trip
 * through the file (longs read back as ints, nulls for undefined values, doubles in exponent form), and
 * nothing else may.
 */
class IntegrityTest {

    private static ObjectNode sample() {
        ObjectNode o = dev.rehearsal.ResultsSchema.stamp(Json.MAPPER.createObjectNode(), "run");
        o.put("seed", 1L).put("lr", 1e-5).putNull("acc").put("big", Long.MAX_VALUE).putNull("data");
        o.putArray("accuracy_matrix").addArray().add(0.5).addNull().add(1.0);
        o.putObject("config").put("preset", "seed").putArray("class_order").add(0).add(1);
        return o;
    }

    @Test
    void aSealedFileReadsBackAsWritten(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("state.json");
        Files.writeString(f, Json.write(Integrity.seal(sample())) + "\n");
        ObjectNode read = Integrity.readSealed(f);
        assertEquals(Json.write(sample()), Json.write(read), "the checksum key is removed, the rest is intact");
        assertTrue(Double.isNaN(Integrity.accuracy(f, read.get("acc"), "acc")), "null is an accuracy: undefined");
    }

    @Test
    void anyChangeBreaksTheSeal(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("state.json");
        String sealed = Json.write(Integrity.seal(sample()));
        for (String[] edit : new String[][] {{"0.5", "0.6"}, {"\"seed\" :", "\"seeds\" :"}, {"null, 1.0", "0.1, 1.0"},
            {"1.0E-5", "2.0E-5"}}) {
            assertTrue(sealed.contains(edit[0]), sealed);
            Files.writeString(f, sealed.replace(edit[0], edit[1]));
            RehearsalException e = assertThrows(RehearsalException.class, () -> Integrity.readSealed(f));
            assertEquals(RehearsalException.DATA, e.exitCode());
            assertTrue(e.getMessage().contains(f + " is damaged: its content does not match its SHA-256 checksum"),
                    e.getMessage());
        }
        Files.writeString(f, sealed.substring(0, sealed.length() / 2));
        RehearsalException e = assertThrows(RehearsalException.class, () -> Integrity.readSealed(f));
        assertTrue(e.getMessage().contains("is damaged: it is not valid JSON"), e.getMessage());
    }

    @Test
    void accuraciesAndCountsAreRangeChecked(@TempDir Path dir) {
        Path f = dir.resolve("r.json");
        ObjectNode o = Json.MAPPER.createObjectNode().put("a", -0.01).put("b", 1.01).put("c", "high").put("n", -1)
                .put("x", 2.5);
        for (String key : new String[] {"a", "b", "c"}) {
            RehearsalException e = assertThrows(RehearsalException.class, () -> Integrity.accuracy(f, o.get(key), key));
            assertTrue(e.getMessage().contains(key + " is " + o.get(key) + ", not an accuracy in [0, 1]"),
                    e.getMessage());
        }
        assertEquals(0.0, Integrity.accuracy(f, Json.MAPPER.getNodeFactory().numberNode(0.0), "zero"));
        assertThrows(RehearsalException.class, () -> Integrity.count(f, o, "n"));
        assertThrows(RehearsalException.class, () -> Integrity.count(f, o, "x"), "a count is an integer");
        assertThrows(RehearsalException.class, () -> Integrity.count(f, o, "missing"));
    }

    /** A file written before precision existed is a float32 run: it resumes at fp32 and is refused at bf16. */
    @Test
    void aKeyAddedLaterMeansItsDefaultWhereAFileLeavesItOut(@TempDir Path dir) {
        ExperimentConfig c = Experiment.single(new ExperimentConfig(), "er", 1);
        ObjectNode saved = Json.config(c);
        saved.remove("precision");
        Path f = dir.resolve("checkpoint.json");
        Integrity.requireConfig(f, saved, c, "start afresh");
        ExperimentConfig bf16 = c.copy();
        bf16.precision = Precision.BF16;
        RehearsalException e = assertThrows(RehearsalException.class,
                () -> Integrity.requireConfig(f, saved, bf16, "start afresh"));
        assertTrue(e.getMessage().contains("'precision' is \"fp32\" there and \"bf16\""), e.getMessage());
    }
}
