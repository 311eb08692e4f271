package dev.rehearsal.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rehearsal.Backends;
import dev.rehearsal.Fixture;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link Model#zeroGrad} defers the zeros of the layers' weight gradients: each layer's next backward writes its
 * product instead of adding it to zeros, and whatever reads the gradients first gets zeros for a layer no backward
 * reached. Checked against a model whose gradients were truly zero, bit for bit, after the gradient block was filled
 * with garbage (NaN, or 7): on an MLP whose head has 4 of its 6 output rows active, so the 2 inactive rows, which
 * no backward writes, must read as zeros too.
 */
class DeferredZeroGradTest {
    private static final int IN = 12;
    private static final int BATCH = 5;
    private static final int[] LABELS = {1, 2, 3, 3, 0};

    private static Mlp mlp(Backend be) {
        return new Mlp(be, "mlp", new MlpSpec(IN, new int[] {7, 5}, 6, 4), 8, OptimizerConfig.adam(1e-3), new Rng(3));
    }

    /** zeroGrad, forward, cross-entropy over the 4 active outputs, backward; {@code passes} backwards in a row. */
    private static float[] gradients(Backend be, Mlp m, Fixture fx, float[] x, int passes) {
        m.input(BATCH).copyFrom(x);
        m.zeroGrad();
        for (int i = 0; i < passes; i++) {
            m.forward(BATCH);
            be.crossEntropy(m.logitsGrad(BATCH), m.logits(BATCH), fx.ints(BATCH, 1, LABELS), 0, 4, 1f / BATCH);
            m.backward(BATCH);
        }
        return m.gradientBlock().toFloatArray();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void gradientsAfterZeroGradAreThoseOfTrueZeros(String backend) {
        Backend be = Backends.named(backend);
        try (Mlp clean = mlp(be); Mlp stale = mlp(be); Fixture fx = new Fixture(be, 4)) {
            float[] x = fx.uniform(BATCH * IN, 1);
            float[] once = gradients(be, clean, fx, x, 1);
            float[] twice = gradients(be, clean, fx, x, 2);

            be.fill(stale.gradientBlock(), Float.NaN);
            assertArrayEquals(once, gradients(be, stale, fx, x, 1), "one backward after zeroGrad over NaN");
            be.fill(stale.gradientBlock(), 7f);
            assertArrayEquals(twice, gradients(be, stale, fx, x, 2), "the second backward adds to the first");

            Linear head = stale.layers().get(stale.layers().size() - 1);
            float[] all = stale.gradientBlock().toFloatArray();
            int inactiveFrom = (int) head.weightEntry().offset() + 4 * head.in();
            for (int i = inactiveFrom; i < inactiveFrom + 2 * head.in(); i++) {
                assertEquals(0f, all[i], "inactive head row gradient at " + i);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void whatReadsTheGradientsBeforeAnyBackwardReadsZeros(String backend) {
        Backend be = Backends.named(backend);
        try (Mlp m = mlp(be)) {
            be.fill(m.gradientBlock(), 7f);
            m.zeroGrad();
            assertArrayEquals(new float[(int) m.gradientBlock().numel()], m.gradientBlock().toFloatArray(),
                    "the gradient block after zeroGrad");
            for (var t : m.namedGradients().values()) {
                assertArrayEquals(new float[(int) t.numel()], t.toFloatArray(), "a named gradient after zeroGrad");
            }

            // The optimiser settles the deferred zeros itself: Adam's first step on zero gradients moves nothing,
            // where the stale 7s it would otherwise read would move every weight by about lr.
            be.fill(m.gradientBlock(), 7f);
            float[] before = m.parameterBlock().toFloatArray();
            m.zeroGrad();
            m.optimizer().step();
            assertArrayEquals(before, m.parameterBlock().toFloatArray(), "Adam on the zeros zeroGrad stands for");
        }
    }
}
