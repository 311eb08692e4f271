package dev.rehearsal.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rehearsal.Backends;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Parameter counts, MACs and exact block sizes, against numbers worked out by hand. */
class CountsTest {

    @Test
    void seedPresetMatchesTheReferenceReport() {
        try (Mlp mlp = new Mlp(Backends.jvm(), "mlp", Preset.SEED.mlp(), 1, null, null);
                Vae vae = new Vae(Backends.jvm(), "vae", Preset.SEED.vae(), 1, null, null)) {
            assertEquals(784 * 50 + 50 * 50 + 50 * 50 + 50 * 10, mlp.forwardMacsPerSample());
            assertEquals(44_700, mlp.forwardMacsPerSample());
            assertEquals(44_700 + 50 + 50 + 50 + 10, mlp.parameterCount());
            // encoder 784x128, heads 128x(8+8), decoder 8x128 and 128x784
            assertEquals(203_776, vae.forwardMacsPerSample());
            assertEquals(203_776 + 128 + 16 + 128 + 784, vae.parameterCount());
        }
    }

    @Test
    void widePresetIsTheLiteraturesArchitecture() {
        try (Mlp mlp = new Mlp(Backends.jvm(), "mlp", Preset.WIDE.mlp(), 1, null, null);
                Vae vae = new Vae(Backends.jvm(), "vae", Preset.WIDE.vae(), 1, null, null)) {
            assertEquals(784 * 400 + 400 * 400 + 400 * 10, mlp.forwardMacsPerSample());
            assertEquals(784 * 400 + 400 * 400 + 400 * 200 + 100 * 400 + 400 * 400 + 400 * 784,
                    vae.forwardMacsPerSample());
        }
    }

    /**
     * van de Ven et al.'s Permuted-MNIST network (fc_units 1000): 784x1000 + 1000x1000 + 1000x10 = 1,794,000
     * MACs and 1,794,000 + 2,010 biases = 1,796,010 parameters; the VAE's encoder 784x1000 and 1000x1000, heads
     * 1000x(100+100), decoder 100x1000, 1000x1000 and 1000x784: 3,868,000 MACs, plus 1000 + 1000 + 200 + 1000 +
     * 1000 + 784 = 4,984 biases.
     */
    @Test
    void permPresetIsThePermutedMnistArchitecture() {
        try (Mlp mlp = new Mlp(Backends.jvm(), "mlp", Preset.PERM.mlp(), 1, null, null);
                Vae vae = new Vae(Backends.jvm(), "vae", Preset.PERM.vae(), 1, null, null)) {
            assertEquals(1_794_000, mlp.forwardMacsPerSample());
            assertEquals(1_796_010, mlp.parameterCount());
            assertEquals(3_868_000, vae.forwardMacsPerSample());
            assertEquals(3_868_000 + 4_984, vae.parameterCount());
            assertEquals(Preset.PERM, Preset.parse("perm"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void blocksHaveExactlyTheTablesSizes(String backendName) {
        Backend be = Backends.named(backendName);
        int batch = 128;
        try (Mlp mlp = new Mlp(be, "mlp", Preset.SEED.mlp(), batch, OptimizerConfig.adam(1e-3), new Rng(1))) {
            long params = 44_860;
            long perRow = 784 + 50 + 50 + 50 + 10 + (50 + 50 + 50 + 10); // activations and their gradients
            long workspace = 0;
            for (Linear l : mlp.layers()) {
                workspace = Math.max(workspace, be.linearWorkspace(batch, l.in(), l.capacity()));
            }
            assertEquals(4 * params, bytesOf(mlp, "mlp.params"));
            assertEquals(4 * params, bytesOf(mlp, "mlp.grads"));
            assertEquals(2 * 4 * params, bytesOf(mlp, "mlp.optimizer"), "Adam keeps m and v");
            assertEquals(4 * perRow * batch, bytesOf(mlp, "mlp.activations"));
            assertEquals(4 * workspace, bytesOf(mlp, "mlp.workspace"));
            assertEquals(4 * workspace, mlp.workspaceBytes());
            for (Model.MemoryBlock b : mlp.memory()) {
                assertEquals(b.name().equals("mlp.workspace"), b.workspace(), b.name());
            }
            assertEquals(4 * (4 * params + perRow * batch + workspace), mlp.bytes());
        }
    }

    @Test
    void frozenModelsHoldNoGradientsOrOptimiserState() {
        try (Mlp mlp = new Mlp(Backends.jvm(), "prev", Preset.SEED.mlp(), 16, null, new Rng(1))) {
            assertEquals(3, mlp.memory().size(), "params, activations, workspace: " + mlp.memory());
            assertEquals(4 * 44_860, bytesOf(mlp, "prev.params"));
        }
    }

    private static long bytesOf(Model m, String block) {
        return m.memory().stream().filter(b -> b.name().equals(block)).findFirst().orElseThrow().bytes();
    }
}
