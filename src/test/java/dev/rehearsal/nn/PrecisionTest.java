package dev.rehearsal.nn;

import dev.rehearsal.config.Gemm;

import static dev.rehearsal.Fixture.toDouble;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Compare;
import dev.rehearsal.Fixture;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * {@code --precision bf16}: the rounding by hand; the native bfloat16 matmuls against their specification
 * (the double-precision reference on operands rounded to bfloat16) and against float32.
 */
class PrecisionTest {
    /**
     * float32 sums of exact bfloat16 products against double sums over K = 300 and 64: measured at most
     * 2.1e-7 (native) and 1.7e-7 (jvm) of the output's scale.
     */
    private static final double SPEC = 1e-6;

    private static void requireBf16() {
        Backends.nativ();
        assumeTrue(NativeRuntime.hasBf16(), "this CPU has no AVX512_BF16 or AMX");
    }

    @Test
    void roundsToNearestWithTiesToEven() {
        assertEquals(1f, JvmBackend.toBf16(1f));
        // bfloat16 keeps 7 mantissa bits: 1 + 2^-8 lies halfway between 1 and 1 + 2^-7; the tie goes to 1 (even).
        assertEquals(1f, JvmBackend.toBf16(1f + 0x1p-8f));
        // 1 + 3 * 2^-8 lies halfway between 1 + 2^-7 (odd) and 1 + 2^-6 (even).
        assertEquals(1f + 0x1p-6f, JvmBackend.toBf16(1f + 3 * 0x1p-8f));
        // Just above the tie rounds up.
        assertEquals(1f + 0x1p-7f, JvmBackend.toBf16(1f + 0x1p-8f + 0x1p-20f));
        assertEquals(-1.5f, JvmBackend.toBf16(-1.5f));
        assertEquals(Float.POSITIVE_INFINITY, JvmBackend.toBf16(Float.MAX_VALUE), "overflows to infinity");
        assertEquals(Float.NEGATIVE_INFINITY, JvmBackend.toBf16(Float.NEGATIVE_INFINITY));
        assertTrue(Float.isNaN(JvmBackend.toBf16(Float.NaN)));
        assertTrue(Float.isNaN(JvmBackend.toBf16(Float.intBitsToFloat(0x7f800001))), "a NaN whose top bits are "
                + "infinity's stays NaN");
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(JvmBackend.toBf16(-0f)));
        assertEquals(0f, JvmBackend.toBf16(Float.MIN_VALUE), "the smallest subnormal rounds to zero");
        // Subnormals are flushed to zero, as the hardware's dot products read them...
        assertEquals(0f, JvmBackend.toBf16(1e-39f));
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(JvmBackend.toBf16(-1e-39f)));
        // ...unless rounding carries them into the smallest normal number.
        assertEquals(0x1p-126f, JvmBackend.toBf16(Float.intBitsToFloat(0x007fffff)));
        assertEquals(0x3f80, Float.floatToRawIntBits(JvmBackend.toBf16(1.00390625f)) >>> 16);
    }

    /** x through an identity layer: each output is one bfloat16 x times 1 plus zeros, so it is bf16(x) exactly. */
    @ParameterizedTest
    @ValueSource(strings = {"native-bf16", "jvm-bf16"})
    void theMatmulsRoundTheirOperandsExactlyAsTheSpecification(String backend) {
        requireBf16();
        Backend be = Backends.named(backend);
        int n = 96;
        int batch = 40;
        try (Fixture fx = new Fixture(be, 3)) {
            float[] xf = fx.uniform(batch * n, 3);
            // Ties, NaN-free edge values and tiny numbers among random ones.
            xf[0] = 1f + 0x1p-8f;
            xf[1] = 1f + 3 * 0x1p-8f;
            xf[2] = -(1f + 0x1p-8f + 0x1p-20f);
            xf[3] = 3.0e38f;
            xf[4] = 1e-39f;
            xf[5] = Float.intBitsToFloat(0x007fffff);
            xf[6] = -1e-39f;
            float[] eye = new float[n * n];
            for (int i = 0; i < n; i++) {
                eye[i * n + i] = 1f;
            }
            Tensor x = fx.floats(batch, n, 5, xf);
            Tensor w = fx.floats(n, n, 0, eye);
            Tensor y = fx.floats(batch, n, 0, null);
            Tensor ws = fx.floats(1, (int) be.linearWorkspace(batch, n, n), 0, null);
            be.linearForward(y, x, w, null, Activation.NONE, ws);
            float[] got = y.toFloatArray();
            for (int i = 0; i < xf.length; i++) {
                float want = JvmBackend.toBf16(xf[i]);
                // A sum of zeros is +0 whatever the signs of its terms: compare zeros as values, the rest bit by bit.
                assertEquals(want == 0f ? 0 : Float.floatToRawIntBits(want),
                        got[i] == 0f ? 0 : Float.floatToRawIntBits(got[i]), backend + " element " + i + " (" + xf[i] + ")");
            }
        }
    }

    private static float[] rounded(float[] a) {
        float[] o = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            o[i] = JvmBackend.toBf16(a[i]);
        }
        return o;
    }

    @ParameterizedTest
    @ValueSource(strings = {"native-bf16", "jvm-bf16"})
    void linearForwardAndBackwardFollowTheSpecificationAndStayNearFloat32(String backend) {
        requireBf16();
        Backend be = Backends.named(backend);
        int batch = 64;
        int in = 300;
        int out = 70;
        try (Fixture fx = new Fixture(be, 4)) {
            float[] xf = fx.uniform(batch * in, 1);
            float[] wf = fx.uniform(out * in, 0.1);
            float[] bf = fx.uniform(out, 0.1);
            float[] rf = fx.uniform(batch * out, 1);
            double[] x = toDouble(xf);
            double[] w = toDouble(wf);
            double[] b = toDouble(bf);
            double[] xr = toDouble(rounded(xf));
            double[] wr = toDouble(rounded(wf));
            double[] r = toDouble(rf);
            double[] rr = toDouble(rounded(rf));
            Tensor tx = fx.floats(batch, in, 3, xf);
            Tensor tw = fx.floats(out, in, 0, wf);
            Tensor tb = fx.floats(1, out, 0, bf);
            Tensor ty = fx.floats(batch, out, 2, null);
            Tensor tdy = fx.floats(batch, out, 1, rf);
            Tensor tdx = fx.floats(batch, in, 0, null);
            Tensor tdw = fx.floats(out, in, 0, null);
            Tensor tdb = fx.floats(1, out, 0, null);
            Tensor ws = fx.floats(1, (int) be.linearWorkspace(batch, in, out), 0, null);
            be.linearForward(ty, tx, tw, tb, Activation.NONE, ws);
            // The specification: the same layer in double on the rounded operands (the bias is float32).
            Compare.close(backend + " y", ty.toFloatArray(), Ref.linear(xr, wr, b, batch, in, out, false), SPEC);
            double yErr = Compare.relativeError(ty.toFloatArray(), Ref.linear(x, w, b, batch, in, out, false));
            be.linearBackward(tdx, false, tdw, true, tdb, tdy, tx, tw, ws);
            double[][] spec = Ref.linearBackward(rr, xr, wr, batch, in, out);
            double[][] fp32 = Ref.linearBackward(r, x, w, batch, in, out);
            Compare.close(backend + " dx", tdx.toFloatArray(), spec[0], SPEC);
            Compare.close(backend + " dw", tdw.toFloatArray(), spec[1], SPEC);
            // The bias gradient is a float32 column sum of the unrounded dy.
            Compare.close(backend + " db", tdb.toFloatArray(), fp32[2], 1e-6);
            double dxErr = Compare.relativeError(tdx.toFloatArray(), fp32[0]);
            double dwErr = Compare.relativeError(tdw.toFloatArray(), fp32[1]);
            System.out.printf("%s: relative max difference from the specification: y %.2e, dx %.2e, dw %.2e; "
                    + "from float32: y %.2e, dx %.2e, dw %.2e%n", backend,
                    Compare.relativeError(ty.toFloatArray(), Ref.linear(xr, wr, b, batch, in, out, false)),
                    Compare.relativeError(tdx.toFloatArray(), spec[0]), Compare.relativeError(tdw.toFloatArray(), spec[1]),
                    yErr, dxErr, dwErr);
            // Rounding each operand to 8 significant bits moved these sums by 2.2e-3 to 2.5e-3 of their scale.
            for (double e : new double[] {yErr, dxErr, dwErr}) {
                assertTrue(e > 1e-5 && e < 1e-2, "difference from float32 " + e);
            }
        }
    }

    @Test
    void nativeAndJvmBf16AgreeOnAWideTrainingStep() {
        requireBf16();
        double[] losses = new double[2];
        for (int k = 0; k < 2; k++) {
            Backend be = k == 0 ? Backends.nativeBf16() : Backends.jvmBf16();
            try (Mlp mlp = new Mlp(be, "bf16-mlp", Preset.WIDE.mlp(), 32, dev.rehearsal.optim.OptimizerConfig.adam(1e-3),
                    new dev.rehearsal.random.Rng(7));
                    Fixture fx = new Fixture(be, 8)) {
                mlp.input(32).copyFrom(fx.uniform(32 * 784, 1));
                int[] labels = new int[32];
                for (int i = 0; i < 32; i++) {
                    labels[i] = i % 10;
                }
                Tensor y = fx.ints(32, 1, labels);
                for (int step = 0; step < 5; step++) {
                    mlp.zeroGrad();
                    mlp.forward(32);
                    losses[k] = be.crossEntropy(mlp.logitsGrad(32), mlp.logits(32), y, 0, mlp.outputs(), 1f / 32);
                    mlp.backward(32);
                    mlp.optimizer().step();
                }
            }
        }
        Compare.close("bf16 loss after 5 steps, native vs jvm", losses[0], losses[1], 1e-4);
    }

    @Test
    void bf16IsRefusedWhereItCannotRun() {
        Backends.nativ();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new NativeBackend(Backends.THREADS, GemmEngine.OPENBLAS, Backends.WAIT, Precision.BF16));
        assertTrue(e.getMessage().contains("--gemm dnnl"), e.getMessage());
        ExperimentConfig c = new ExperimentConfig();
        c.precision = null;
        RehearsalException bad = assertThrows(RehearsalException.class, c::validate);
        assertTrue(bad.getMessage().contains("precision"), bad.getMessage());
        ExperimentConfig blas = new ExperimentConfig();
        blas.precision = Precision.BF16;
        blas.gemm = Gemm.OPENBLAS;
        assertTrue(assertThrows(RehearsalException.class, blas::validate).getMessage().contains("--gemm dnnl"));
    }
}
