package dev.rehearsal.backend.nativ;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Fixture;
import dev.rehearsal.backend.Activation;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * A bf16 backward uses the copies of x and w its forward left only when they are intact and were made from the
 * same tensors; whatever it does, its gradients are bit for bit those of a backward that rounds afresh.
 */
class OperandCopiesTest {
    private static final int BATCH = 48;
    private static final int IN = 200;
    private static final int OUT = 60;

    @Test
    void aCopyIsForgottenWhenAnyOfItsBytesIsWrittenAndOnlyThen() {
        OperandCopies c = new OperandCopies(2);
        c.record(1000, 2000, 7, 200, BATCH, IN, 9, 200, OUT);
        assertTrue(c.holds(1000, 2000, 7, 200, BATCH, IN, 9, 200, OUT));
        // Another x, another leading dimension, another shape, another w: not these operands' copies.
        assertFalse(c.holds(1000, 2000, 8, 200, BATCH, IN, 9, 200, OUT));
        assertFalse(c.holds(1000, 2000, 7, 256, BATCH, IN, 9, 200, OUT));
        assertFalse(c.holds(1000, 2000, 7, 200, BATCH - 1, IN, 9, 200, OUT));
        assertFalse(c.holds(1000, 2000, 7, 200, BATCH, IN, 9, 200, OUT + 1));
        assertFalse(c.holds(1000, 2000, 7, 200, BATCH, IN, 10, 200, OUT));
        // Writes that end where the copy starts or start where it ends leave it; one byte inside does not.
        c.invalidate(0, 1000);
        c.invalidate(2000, 3000);
        assertTrue(c.holds(1000, 2000, 7, 200, BATCH, IN, 9, 200, OUT));
        c.invalidate(1999, 2001);
        assertFalse(c.holds(1000, 2000, 7, 200, BATCH, IN, 9, 200, OUT));
        assertEquals(0, c.held());
        // Two slots: a third copy takes the oldest's, which is then forgotten (a rounding lost, nothing wrong).
        c.record(0, 10, 1, 1, 1, 1, 2, 1, 1);
        c.record(10, 20, 3, 1, 1, 1, 4, 1, 1);
        c.record(20, 30, 5, 1, 1, 1, 6, 1, 1);
        assertFalse(c.holds(0, 10, 1, 1, 1, 1, 2, 1, 1));
        assertTrue(c.holds(10, 20, 3, 1, 1, 1, 4, 1, 1));
        assertTrue(c.holds(20, 30, 5, 1, 1, 1, 6, 1, 1));
    }

    /** dx, dw and db of one backward on {@code ws}, after whatever the caller ran. */
    private static float[][] backward(NativeBackend be, Fixture fx, Tensor x, Tensor w, Tensor dy, Tensor ws) {
        Tensor dx = fx.floats(BATCH, IN, 0, null);
        Tensor dw = fx.floats(OUT, IN, 0, null);
        Tensor db = fx.floats(1, OUT, 0, null);
        be.linearBackward(dx, false, dw, false, db, dy, x, w, ws);
        return new float[][] {dx.toFloatArray(), dw.toFloatArray(), db.toFloatArray()};
    }

    private static void assertBitwise(float[][] want, float[][] got, String what) {
        for (int k = 0; k < want.length; k++) {
            assertArrayEquals(want[k], got[k], 0f, what + " gradient " + k);
        }
    }

    @Test
    void aBackwardUsesItsForwardsCopiesOnlyWhileTheyAreIntactAndGetsTheSameGradients() {
        assumeTrue(NativeRuntime.hasBf16(), "this CPU has no AVX512_BF16 or AMX");
        NativeBackend be = Backends.nativeBf16();
        assertTrue(be.reusesOperandCopies());
        int need = (int) be.linearWorkspace(BATCH, IN, OUT);
        try (Fixture fx = new Fixture(be, 11)) {
            Tensor x = fx.floats(BATCH, IN, 5, fx.uniform(BATCH * IN, 1));
            Tensor other = fx.floats(BATCH, IN, 0, fx.uniform(BATCH * IN, 1));
            Tensor w = fx.floats(OUT, IN, 0, fx.uniform(OUT * IN, 0.1));
            Tensor b = fx.floats(1, OUT, 0, fx.uniform(OUT, 0.1));
            Tensor dy = fx.floats(BATCH, OUT, 0, fx.uniform(BATCH * OUT, 1));
            Tensor y = fx.floats(BATCH, OUT, 0, null);
            // The reference: a backward in a workspace no forward wrote, which rounds x and w itself.
            Tensor fresh = fx.floats(1, need, 0, null);
            long before = be.reusedOperandCopies();
            float[][] want = backward(be, fx, x, w, dy, fresh);
            assertEquals(before, be.reusedOperandCopies(), "nothing to use in a fresh workspace");

            // Forward then backward in one workspace: the backward uses the copies, with the same result.
            Tensor ws = fx.floats(1, need, 0, null);
            be.linearForward(y, x, w, b, Activation.RELU, ws);
            before = be.reusedOperandCopies();
            assertBitwise(want, backward(be, fx, x, w, dy, ws), "after its forward");
            assertEquals(before + 1, be.reusedOperandCopies(), "the forward's copies used");

            // Another input's forward in between: the copies are the other input's, so x is rounded again.
            be.linearForward(y, x, w, b, Activation.RELU, ws);
            be.linearForward(y, other, w, b, Activation.RELU, ws);
            before = be.reusedOperandCopies();
            assertBitwise(want, backward(be, fx, x, w, dy, ws), "after another input's forward");
            assertEquals(before, be.reusedOperandCopies(), "another input's copies not used");

            // A call through a workspace that overlaps this one's copies from elsewhere (its own start, its own
            // copies): this layer's copies are forgotten, though nothing was recorded at their start.
            Tensor big = fx.floats(1, 3 * need, 0, null);
            Tensor late = new Tensor(big.block(), big.offset() + 64, 1, need, need);
            be.linearForward(y, x, w, b, Activation.RELU, late);
            be.linearForward(y, other, w, b, Activation.RELU, big);
            before = be.reusedOperandCopies();
            assertBitwise(want, backward(be, fx, x, w, dy, late), "after an overlapping call");
            assertEquals(before, be.reusedOperandCopies(), "overwritten copies not used");
        }
    }

    @Test
    void aTrainingModelsLayersEachKeepTheirCopiesForTheirBackward() {
        assumeTrue(NativeRuntime.hasBf16(), "this CPU has no AVX512_BF16 or AMX");
        NativeBackend be = Backends.nativeBf16();
        int batch = 32;
        try (Mlp mlp = new Mlp(be, "copies-mlp", Preset.WIDE.mlp(), batch, OptimizerConfig.adam(1e-3), new Rng(3));
                Fixture fx = new Fixture(be, 5)) {
            mlp.input(batch).copyFrom(fx.uniform(batch * 784, 1));
            int[] labels = new int[batch];
            for (int i = 0; i < batch; i++) {
                labels[i] = i % 10;
            }
            Tensor t = fx.ints(batch, 1, labels);
            for (int step = 0; step < 3; step++) {
                long before = be.reusedOperandCopies();
                mlp.zeroGrad();
                mlp.forward(batch);
                be.crossEntropy(mlp.logitsGrad(batch), mlp.logits(batch), t, 0, mlp.outputs(), 1f / batch);
                mlp.backward(batch);
                mlp.optimizer().step();
                // 784-400-400-10: three layers, each backward on its own forward's copies.
                assertEquals(3, be.reusedOperandCopies() - before, "step " + step);
            }
        }
    }
}
