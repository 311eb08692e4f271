package dev.rehearsal.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rehearsal.Backends;
import dev.rehearsal.Compare;
import dev.rehearsal.Fixture;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Tensor;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The native backend against the jvm specification on the real presets: forward outputs and every
 * gradient after one step (1e-4 relative to each tensor's scale), parameters after 100 Adam steps on the
 * same data (1e-4; measured on the seed preset: 7e-6 for the MLP, 9e-7 for the VAE), and bit-identical
 * results when a run is repeated with the same seed.
 */
class BackendAgreementTest {
    private static final int BATCH = 64;
    private static final double ONE_STEP = 1e-4;
    private static final double HUNDRED_STEPS = 1e-4;

    /** Deterministic pseudo-images in [0, 1] and labels in [0, 10). */
    private static float[] images(long seed, int rows) {
        Rng r = new Rng(seed);
        float[] x = new float[rows * 784];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextDouble();
        }
        return x;
    }

    private static int[] labels(long seed, int rows) {
        Rng r = new Rng(seed);
        int[] y = new int[rows];
        for (int i = 0; i < rows; i++) {
            y[i] = r.nextInt(10);
        }
        return y;
    }

    /** Trains an MLP for {@code steps} Adam steps; returns its logits of the last step and its parameters. */
    private static float[][] trainMlp(Backend be, Preset preset, int steps, Map<String, float[]> gradsOut) {
        try (Mlp mlp = new Mlp(be, "mlp", preset.mlp(), BATCH, OptimizerConfig.adam(1e-3), new Rng(7));
                Fixture fx = new Fixture(be, 1)) {
            float[] logits = null;
            for (int s = 0; s < steps; s++) {
                mlp.input(BATCH).copyFrom(images(100 + s % 5, BATCH));
                Tensor labels = fx.ints(BATCH, 1, labels(200 + s % 5, BATCH));
                mlp.zeroGrad();
                mlp.forward(BATCH);
                logits = mlp.logits(BATCH).toFloatArray();
                be.crossEntropy(mlp.logitsGrad(BATCH), mlp.logits(BATCH), labels, 0, 10, 1f / BATCH);
                mlp.backward(BATCH);
                if (gradsOut != null) {
                    mlp.namedGradients().forEach((k, v) -> gradsOut.put(k, v.toFloatArray()));
                }
                mlp.optimizer().step();
            }
            return new float[][] {logits, mlp.parameterBlock().toFloatArray()};
        }
    }

    private static float[][] trainVae(Backend be, Preset preset, int steps, Map<String, float[]> gradsOut) {
        try (Vae vae = new Vae(be, "vae", preset.vae(), BATCH, OptimizerConfig.adam(1e-3), new Rng(8))) {
            Rng noise = new Rng(9);
            float[] logits = null;
            for (int s = 0; s < steps; s++) {
                vae.image(BATCH).copyFrom(images(300 + s % 5, BATCH));
                vae.sampleNoise(BATCH, noise);
                vae.zeroGrad();
                vae.forward(BATCH);
                logits = vae.logits(BATCH).toFloatArray();
                vae.loss(0, BATCH, 1f / BATCH);
                vae.backward(BATCH);
                if (gradsOut != null) {
                    vae.namedGradients().forEach((k, v) -> gradsOut.put(k, v.toFloatArray()));
                }
                vae.optimizer().step();
            }
            return new float[][] {logits, vae.parameterBlock().toFloatArray()};
        }
    }

    @Test
    void oneStepForwardAndGradientsAgree() {
        for (Preset preset : Preset.values()) {
            Map<String, float[]> gj = new java.util.LinkedHashMap<>();
            Map<String, float[]> gn = new java.util.LinkedHashMap<>();
            float[][] j = trainMlp(Backends.jvm(), preset, 1, gj);
            float[][] n = trainMlp(Backends.nativ(), preset, 1, gn);
            Compare.close(preset.id() + " MLP logits", n[0], j[0], ONE_STEP);
            gj.forEach((k, v) -> Compare.close(preset.id() + " MLP d" + k, gn.get(k), v, ONE_STEP));
            gj.clear();
            gn.clear();
            j = trainVae(Backends.jvm(), preset, 1, gj);
            n = trainVae(Backends.nativ(), preset, 1, gn);
            Compare.close(preset.id() + " VAE logits", n[0], j[0], ONE_STEP);
            gj.forEach((k, v) -> Compare.close(preset.id() + " VAE d" + k, gn.get(k), v, ONE_STEP));
        }
    }

    @Test
    void parametersAgreeAfterHundredAdamSteps() {
        float[][] j = trainMlp(Backends.jvm(), Preset.SEED, 100, null);
        float[][] n = trainMlp(Backends.nativ(), Preset.SEED, 100, null);
        Compare.close("seed MLP params after 100 Adam steps", n[1], j[1], HUNDRED_STEPS);
        j = trainVae(Backends.jvm(), Preset.SEED, 100, null);
        n = trainVae(Backends.nativ(), Preset.SEED, 100, null);
        Compare.close("seed VAE params after 100 Adam steps", n[1], j[1], HUNDRED_STEPS);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void sameSeedSameThreadsIsBitIdentical(String backendName) {
        Backend be = Backends.named(backendName);
        assertArrayEquals(trainMlp(be, Preset.SEED, 20, null)[1], trainMlp(be, Preset.SEED, 20, null)[1]);
        assertArrayEquals(trainVae(be, Preset.SEED, 20, null)[1], trainVae(be, Preset.SEED, 20, null)[1]);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void growingTheHeadKeepsOldLogits(String backendName) {
        Backend be = Backends.named(backendName);
        MlpSpec spec = Preset.SEED.mlp().withOutputs(10, 2);
        try (Mlp mlp = new Mlp(be, "mlp", spec, 8, OptimizerConfig.adam(1e-3), new Rng(3))) {
            mlp.input(8).copyFrom(images(5, 8));
            mlp.forward(8);
            float[] before = mlp.logits(8).toFloatArray();
            Tensor stateBefore = mlp.optimizerBlock();
            float[] m0 = stateBefore.toFloatArray();
            mlp.growHead(4, new Rng(4));
            assertEquals(4, mlp.outputs());
            assertEquals(44_700 - 8 * 50 + 2 * 50, mlp.forwardMacsPerSample() - 0, "MACs count the active head");
            mlp.forward(8);
            Tensor after = mlp.logits(8);
            for (int r = 0; r < 8; r++) {
                for (int c = 0; c < 2; c++) {
                    assertEquals(before[r * 2 + c], after.get(r, c), 0f, "old logit (" + r + ", " + c + ")");
                }
            }
            assertArrayEquals(m0, mlp.optimizerBlock().toFloatArray(), "growing does not touch optimiser state");
        }
    }
}
