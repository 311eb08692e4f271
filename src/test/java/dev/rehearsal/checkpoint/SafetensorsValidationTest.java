package dev.rehearsal.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.random.Rng;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The safetensors reader refuses every malformed file with exit code 3 and what is wrong, instead of
 * returning garbage or failing with an internal error. Files are built byte by byte here.
 */
class SafetensorsValidationTest {
    /** Two F32 tensors [2] and [1]: 12 data bytes. */
    private static final String GOOD = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";

    private static byte[] file(String header, int dataBytes) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        for (int i = 0; i < dataBytes; i++) {
            b.put((byte) i);
        }
        return b.array();
    }

    private static void refused(Path f, String phrase) {
        RehearsalException e = assertThrows(RehearsalException.class, () -> Safetensors.read(f));
        assertEquals(RehearsalException.DATA, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), "names the file: " + e.getMessage());
        assertTrue(e.getMessage().contains(phrase), "expected '" + phrase + "' in: " + e.getMessage());
    }

    @Test
    void aWellFormedFileReads(@TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("good.safetensors"), file(GOOD, 12));
        var t = Safetensors.read(f);
        assertEquals(2, t.size());
        assertArrayEquals(new long[] {2}, t.get("a").shape());
        assertArrayEquals(new byte[] {8, 9, 10, 11}, t.get("b").raw());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        // what is wrong | header | data bytes | expected phrase
        "truncated data | " + GOOD + " | 10 | outside the 10 data bytes of the file (truncated?)",
        "trailing bytes | " + GOOD + " | 16 | its tensors end at data byte 12 but the file has 16 data bytes",
        "garbled header | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_off | 8 | its header is not valid JSON",
        "header not an object | [1,2,3] | 0 | its header is a JSON array, not an object of tensors",
        "garbage after the header | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}} x | 4 | "
            + "its header is not valid JSON",
        "duplicate tensor | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}} | 8 | Duplicate field 'a'",
        "tensor not an object | {\"a\":3} | 0 | tensor 'a' is 3, not an object",
        "unknown dtype | {\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}} | 8 | has dtype \"F64\"",
        "negative size | {\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}} | 4 | sizes must be integers",
        "shape too large | {\"a\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,4]}} | 4 | "
            + "too large",
        "offsets not a pair | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}} | 4 | expected [begin, end]",
        "offsets reversed | {\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}} | 4 | data_offsets [4, 0] outside",
        "offsets past the end | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,400]}} | 4 | "
            + "data_offsets [0, 400] outside the 4 data bytes",
        "shape and bytes disagree | {\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}} | 8 | "
            + "F32 [3] (3 elements, 12 bytes) but data_offsets [0, 8] hold 8 bytes",
        "a gap | {\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}} | 8 | starts at data byte 4, expected 0",
        "overlapping tensors | {\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}} | 8 | it overlaps the tensor before it",
        "metadata not an object | {\"__metadata__\":[1],\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}} "
            + "| 1 | its __metadata__ is [1]"})
    void malformedFilesAreRefusedWithTheReason(String what, String header, int dataBytes, String phrase,
            @TempDir Path dir) throws Exception {
        Path f = Files.write(dir.resolve("bad.safetensors"), file(header.strip(), dataBytes));
        refused(f, phrase.strip());
    }

    @Test
    void aTruncatedHeaderIsRefused(@TempDir Path dir) throws Exception {
        byte[] good = file(GOOD, 12);
        Path f = Files.write(dir.resolve("cut.safetensors"), Arrays.copyOf(good, 8 + 20));
        refused(f, "header length " + GOOD.length() + " does not fit a file of 28 bytes");
        Files.write(f, Arrays.copyOf(good, 5));
        refused(f, "file of 5 bytes has no header");
    }

    @Test
    void weightsOfTheWrongDtypeOrShapeAreRefusedByName(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mlp.safetensors");
        try (Mlp mlp = new Mlp(Backends.jvm(), "mlp", Preset.SEED.mlp(), 1, null, new Rng(1))) {
            Checkpoints.saveWeights(mlp, f, Map.of());
            byte[] bytes = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
            // Same byte length, another dtype: the file is well formed, the model cannot take it.
            String asInts = header.replaceFirst("\"fc1.bias\":\\{\"dtype\":\"F32\"", "\"fc1.bias\":{\"dtype\":\"I32\"");
            assertTrue(!asInts.equals(header), header);
            System.arraycopy(asInts.getBytes(StandardCharsets.UTF_8), 0, bytes, 8, (int) n);
            Files.write(f, bytes);
            RehearsalException e = assertThrows(RehearsalException.class, () -> Checkpoints.loadWeights(mlp, f));
            assertEquals(RehearsalException.DATA, e.exitCode());
            assertTrue(e.getMessage().contains("tensor 'fc1.bias' is I32, the model needs F32"), e.getMessage());

            String transposed = header.replace("\"shape\":[50,784]", "\"shape\":[784,50]");
            assertTrue(!transposed.equals(header), header);
            System.arraycopy(transposed.getBytes(StandardCharsets.UTF_8), 0, bytes, 8, (int) n);
            Files.write(f, bytes);
            e = assertThrows(RehearsalException.class, () -> Checkpoints.loadWeights(mlp, f));
            assertEquals(RehearsalException.DATA, e.exitCode());
            assertTrue(e.getMessage().contains("has shape [784, 50], the model needs [50, 784]"), e.getMessage());
        }
    }
}
