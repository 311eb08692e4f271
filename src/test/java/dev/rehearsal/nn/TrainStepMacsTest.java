package dev.rehearsal.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rehearsal.Backends;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.bench.TrainStep;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MACs a training step issues, as every backend counts them, against counts worked out by hand from the
 * layer shapes: each layer's forward GEMM and weight-gradient GEMM cost B·OUT·IN, its input-gradient GEMM
 * B·OUT·IN too, except the first layer's, which nothing needs and nothing computes.
 */
class TrainStepMacsTest {

    // seed MLP 784-50-50-50-10
    private static final long SEED_MLP_FORWARD = 784 * 50 + 50 * 50 + 50 * 50 + 50 * 10; // 44,700
    private static final long SEED_MLP_INPUT_GRADS = 50 * 50 + 50 * 50 + 50 * 10; // layers 2-4: 5,500
    // seed VAE: encoder 784x128, mu|logvar heads 128x16, decoder 8x128 and 128x784
    private static final long SEED_VAE_FORWARD = 784 * 128 + 128 * 16 + 8 * 128 + 128 * 784; // 203,776
    private static final long SEED_VAE_INPUT_GRADS = 128 * 16 + 8 * 128 + 128 * 784; // all but the encoder's first
    // wide MLP 784-400-400-10
    private static final long WIDE_MLP_FORWARD = 784 * 400 + 400 * 400 + 400 * 10; // 477,600
    private static final long WIDE_MLP_INPUT_GRADS = 400 * 400 + 400 * 10;
    // wide VAE: 784-400-400, heads 400x200, decoder 100-400-400-784
    private static final long WIDE_VAE_FORWARD = 784 * 400 + 400 * 400 + 400 * 200 + 100 * 400 + 400 * 400
            + 400 * 784; // 1,067,200
    private static final long WIDE_VAE_INPUT_GRADS = 400 * 400 + 400 * 200 + 100 * 400 + 400 * 400 + 400 * 784;

    private static long perRow(long forward, long inputGrads) {
        return forward /* forward */ + forward /* weight gradients */ + inputGrads;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native", "native-openblas"})
    void aStepIssuesTheHandCountedMacsOnEveryBackend(String backendName) {
        Backend be = Backends.named(backendName);
        // 128 current rows, and 256 = 128 current + 128 replayed rows, as a replay step has.
        for (int batch : new int[] {128, 256}) {
            assertEquals(batch * 94_900L, perRow(SEED_MLP_FORWARD, SEED_MLP_INPUT_GRADS) * batch);
            assertSteps(be, "mlp", Preset.SEED, batch, batch * 94_900L);
            assertSteps(be, "vae", Preset.SEED, batch, batch * 510_976L);
            assertSteps(be, "mlp", Preset.WIDE, batch, batch * perRow(WIDE_MLP_FORWARD, WIDE_MLP_INPUT_GRADS));
            assertSteps(be, "vae", Preset.WIDE, batch, batch * perRow(WIDE_VAE_FORWARD, WIDE_VAE_INPUT_GRADS));
        }
        assertEquals(510_976L, perRow(SEED_VAE_FORWARD, SEED_VAE_INPUT_GRADS));
        assertEquals(1_119_200L, perRow(WIDE_MLP_FORWARD, WIDE_MLP_INPUT_GRADS));
        assertEquals(2_888_000L, perRow(WIDE_VAE_FORWARD, WIDE_VAE_INPUT_GRADS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void aStepCostsLessThanThreeForwardPasses(String backendName) {
        // The old estimate, 3 x forward MACs per row, overstated a seed MLP step by 41% and a seed VAE step by 20%.
        try (TrainStep mlp = TrainStep.open("mlp", Backends.named(backendName), Preset.SEED, 64);
                TrainStep vae = TrainStep.open("vae", Backends.named(backendName), Preset.SEED, 64)) {
            assertEquals(1.413, 3.0 * 64 * SEED_MLP_FORWARD / mlp.measureMacs(), 5e-4);
            assertEquals(1.196, 3.0 * 64 * SEED_VAE_FORWARD / vae.measureMacs(), 5e-4);
        }
    }

    private static void assertSteps(Backend be, String model, Preset preset, int batch, long expected) {
        try (TrainStep step = TrainStep.open(model, be, preset, batch)) {
            assertEquals(expected, step.measureMacs(), preset.id() + " " + model + " batch " + batch + " on " + be.name());
            assertEquals(expected, step.measureMacs(), "every step issues the same GEMMs");
        }
    }
}
