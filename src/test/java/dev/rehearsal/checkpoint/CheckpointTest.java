package dev.rehearsal.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.Backends;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.random.Rng;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** safetensors files: the byte layout the format specifies, and exact round trips across backends. */
class CheckpointTest {

    @Test
    void fileFollowsTheSafetensorsLayout(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mlp.safetensors");
        try (Mlp mlp = new Mlp(Backends.jvm(), "mlp", Preset.SEED.mlp(), 1, null, new Rng(1))) {
            Checkpoints.saveWeights(mlp, f, Map.of("preset", "seed"));
            byte[] bytes = Files.readAllBytes(f);
            long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, (8 + n) % 8, "data starts 8-byte aligned");
            JsonNode header = new ObjectMapper().readTree(new String(bytes, 8, (int) n, StandardCharsets.UTF_8));
            assertEquals("seed", header.get("__metadata__").get("preset").asText());
            JsonNode w = header.get("fc1.weight");
            assertEquals("F32", w.get("dtype").asText());
            assertEquals("[50,784]", w.get("shape").toString(), "PyTorch's nn.Linear layout [out, in]");
            assertEquals("[50]", header.get("fc1.bias").get("shape").toString(), "biases are 1-D");
            long end = header.get("fc4.bias").get("data_offsets").get(1).asLong();
            assertEquals(4L * 44_860, end, "every parameter, nothing else");
            assertEquals(8 + n + end, bytes.length);
            float first = ByteBuffer.wrap(bytes, (int) (8 + n), 4).order(ByteOrder.LITTLE_ENDIAN).getFloat();
            assertEquals(mlp.namedParameters().get("fc1.weight").get(0, 0), first);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void roundTripIsExactAndCrossesBackends(String backendName, @TempDir Path dir) {
        Backend be = Backends.named(backendName);
        Path f = dir.resolve("vae.safetensors");
        try (Vae a = new Vae(be, "vae", Preset.SEED.vae(), 2, null, new Rng(2));
                Vae b = new Vae(Backends.jvm(), "vae", Preset.SEED.vae(), 2, null, null)) {
            Checkpoints.saveWeights(a, f, Map.of());
            Checkpoints.loadWeights(b, f);
            assertArrayEquals(a.parameterBlock().toFloatArray(), b.parameterBlock().toFloatArray());
            assertTrue(Safetensors.read(f).containsKey("mu.weight"), "the fused heads are saved as mu and logvar");
            assertTrue(Safetensors.read(f).containsKey("logvar.bias"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aGrownHeadLoadsIntoAFreshModel(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("mlp.safetensors");
        var spec = Preset.SEED.mlp().withOutputs(10, 2);
        try (Mlp a = new Mlp(Backends.jvm(), "mlp", spec, 1, null, new Rng(1));
                Mlp b = new Mlp(Backends.jvm(), "mlp", spec, 1, null, null)) {
            a.growHead(6, new Rng(2));
            Checkpoints.saveWeights(a, f, Map.of());
            assertEquals("[6,50]", new ObjectMapper().readTree(header(f)).get("fc4.weight").get("shape").toString());
            Checkpoints.loadWeights(b, f);
            assertEquals(6, b.outputs());
            assertArrayEquals(a.parameterBlock().toFloatArray(), b.parameterBlock().toFloatArray());
        }
    }

    @Test
    void corruptFilesAreRejectedWithTheReason(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.safetensors");
        Files.write(f, new byte[] {1, 2, 3});
        RehearsalException e = assertThrows(RehearsalException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("no header"), e.getMessage());
        Files.write(f, ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).array());
        e = assertThrows(RehearsalException.class, () -> Safetensors.read(f));
        assertTrue(e.getMessage().contains("header length"), e.getMessage());
        try (Mlp mlp = new Mlp(Backends.jvm(), "mlp", Preset.SEED.mlp(), 1, null, new Rng(1));
                Vae vae = new Vae(Backends.jvm(), "vae", Preset.SEED.vae(), 1, null, null)) {
            Checkpoints.saveWeights(mlp, f, Map.of());
            e = assertThrows(RehearsalException.class, () -> Checkpoints.loadWeights(vae, f));
            assertTrue(e.getMessage().contains("has no tensor 'enc1.weight'"), e.getMessage());
        }
    }

    private static String header(Path f) throws Exception {
        byte[] bytes = Files.readAllBytes(f);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        return new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
    }
}
