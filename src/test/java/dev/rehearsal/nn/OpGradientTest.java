package dev.rehearsal.nn;

import static dev.rehearsal.Fixture.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Compare;
import dev.rehearsal.Fixture;
import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.tensor.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every op of both backends against the double-precision reference {@link Ref}, whose gradients are first
 * checked by finite differences. Operands use padded rows (row stride > cols) to exercise strides.
 * Tolerances: 1e-5 relative for elementwise ops, 1e-4 for GEMM-based ones (float32 accumulation).
 */
class OpGradientTest {
    private static final double ELEMENTWISE = 1e-5;
    private static final double GEMM = 1e-4;

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void linearWithAndWithoutRelu(String backend) {
        Backend be = Backends.named(backend);
        for (boolean relu : new boolean[] {false, true}) {
            int batch = 5;
            int in = 7;
            int out = 4;
            try (Fixture fx = new Fixture(be, relu ? 1 : 2)) {
                float[] xf = fx.uniform(batch * in, 1);
                float[] wf = fx.uniform(out * in, 0.5);
                float[] bf = fx.uniform(out, 0.5);
                float[] rf = fx.uniform(batch * out, 1);
                double[] x = toDouble(xf);
                double[] w = toDouble(wf);
                double[] b = toDouble(bf);
                double[] r = toDouble(rf);
                double[] y = Ref.linear(x, w, b, batch, in, out, relu);
                double[] dyPre = relu ? Ref.reluMask(r, y) : r;
                double[][] g = Ref.linearBackward(dyPre, x, w, batch, in, out);
                FiniteDifference.check("linear dx", x, g[0], p -> dot(Ref.linear(p, w, b, batch, in, out, relu), r));
                FiniteDifference.check("linear dw", w, g[1], p -> dot(Ref.linear(x, p, b, batch, in, out, relu), r));
                FiniteDifference.check("linear db", b, g[2], p -> dot(Ref.linear(x, w, p, batch, in, out, relu), r));

                Tensor tx = fx.floats(batch, in, 3, xf);
                Tensor tw = fx.floats(out, in, 0, wf);
                Tensor tb = fx.floats(1, out, 0, bf);
                Tensor ty = fx.floats(batch, out, 2, null);
                Tensor tdy = fx.floats(batch, out, 1, rf);
                Tensor tdx = fx.floats(batch, in, 0, null);
                Tensor tdw = fx.floats(out, in, 0, null);
                Tensor tdb = fx.floats(1, out, 0, null);
                Tensor ws = fx.floats(1, (int) Math.max(1, be.linearWorkspace(batch, in, out)), 0, null);
                be.linearForward(ty, tx, tw, tb, relu ? Activation.RELU : Activation.NONE, ws);
                Compare.close(be.name() + " linear y", ty.toFloatArray(), y, GEMM);
                if (relu) {
                    be.reluBackward(tdy, ty, tdy);
                }
                be.linearBackward(tdx, false, tdw, true, tdb, tdy, tx, tw, ws);
                Compare.close(be.name() + " linear dx", tdx.toFloatArray(), g[0], GEMM);
                Compare.close(be.name() + " linear dw", tdw.toFloatArray(), g[1], GEMM);
                Compare.close(be.name() + " linear db", tdb.toFloatArray(), g[2], GEMM);

                // Backward accumulates parameter gradients, and input gradients on request.
                be.linearBackward(tdx, true, tdw, true, tdb, tdy, tx, tw, ws);
                Compare.close(be.name() + " linear dx accumulated", tdx.toFloatArray(), scale(g[0], 2), GEMM);
                Compare.close(be.name() + " linear dw accumulated", tdw.toFloatArray(), scale(g[1], 2), GEMM);
                Compare.close(be.name() + " linear db accumulated", tdb.toFloatArray(), scale(g[2], 2), GEMM);

                // Written rather than added to, dw holds exactly the floats that zeros plus the product give,
                // whatever it held before (a model's zeroGrad leaves it stale and lets backward overwrite it).
                be.fill(tdw, 0f);
                be.linearBackward(null, false, tdw, true, null, tdy, tx, tw, ws);
                float[] added = tdw.toFloatArray();
                be.fill(tdw, Float.NaN);
                be.linearBackward(null, false, tdw, false, null, tdy, tx, tw, ws);
                assertArrayEquals(added, tdw.toFloatArray(), be.name() + " dw written: the floats of 0 + product");
                be.linearBackward(null, false, tdw, true, null, tdy, tx, tw, ws);
                Compare.close(be.name() + " dw added after written", tdw.toFloatArray(), scale(g[1], 2), GEMM);
            }
        }
    }

    private static double[] scale(double[] a, double s) {
        double[] o = a.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] *= s;
        }
        return o;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void sigmoidAndItsGradient(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 3)) {
            int rows = 3;
            int cols = 37;
            float[] xf = fx.uniform(rows * cols, 6);
            float[] rf = fx.uniform(rows * cols, 1);
            double[] x = toDouble(xf);
            double[] r = toDouble(rf);
            double[] y = new double[x.length];
            double[] dx = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = Ref.sigmoid(x[i]);
                dx[i] = r[i] * y[i] * (1 - y[i]);
            }
            FiniteDifference.check("sigmoid", x, dx, p -> {
                double s = 0;
                for (int i = 0; i < p.length; i++) {
                    s += Ref.sigmoid(p[i]) * r[i];
                }
                return s;
            });
            Tensor tx = fx.floats(rows, cols, 2, xf);
            Tensor ty = fx.floats(rows, cols, 1, null);
            Tensor tr = fx.floats(rows, cols, 0, rf);
            be.sigmoid(ty, tx);
            Compare.close(be.name() + " sigmoid", ty.toFloatArray(), y, ELEMENTWISE);
            be.sigmoidBackward(tr, ty, tr);
            Compare.close(be.name() + " sigmoid backward", tr.toFloatArray(), dx, ELEMENTWISE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void reluBackwardMasksByOutput(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 4)) {
            Tensor y = fx.floats(2, 3, 1, new float[] {0, 1, -2, 3, 0, 0.5f});
            Tensor dy = fx.floats(2, 3, 0, new float[] {1, 2, 3, 4, 5, 6});
            Tensor dx = fx.floats(2, 3, 2, null);
            be.reluBackward(dx, y, dy);
            assertArrayEquals(new float[] {0, 2, 0, 4, 0, 6}, dx.toFloatArray());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void maskedCrossEntropy(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 5)) {
            int rows = 6;
            int cols = 5;
            int lo = 1;
            int hi = 4;
            float weight = 0.3f;
            float[] zf = fx.uniform(rows * cols, 4);
            int[] labels = new int[rows];
            for (int r = 0; r < rows; r++) {
                labels[r] = lo + fx.random().nextInt(hi - lo);
            }
            double[] z = toDouble(zf);
            double[] dz = new double[z.length];
            double loss = Ref.crossEntropy(z, labels, rows, cols, lo, hi, weight, dz);
            FiniteDifference.check("cross-entropy", z, dz,
                    p -> Ref.crossEntropy(p, labels, rows, cols, lo, hi, weight, new double[p.length]));
            Tensor tz = fx.floats(rows, cols, 2, zf);
            Tensor tdz = fx.floats(rows, cols, 1, fx.uniform(rows * cols, 9));
            Tensor tl = fx.ints(rows, 1, labels);
            Compare.close(be.name() + " CE loss", be.crossEntropy(tdz, tz, tl, lo, hi, weight), loss, 1e-6);
            Compare.close(be.name() + " CE grad", tdz.toFloatArray(), dz, ELEMENTWISE);
            Tensor bad = fx.ints(rows, 1, new int[] {1, 2, 3, 0, 1, 2});
            assertThrows(IllegalArgumentException.class, () -> be.crossEntropy(tdz, tz, bad, lo, hi, weight));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void softTargetsAtTemperatureTwo(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 6)) {
            int rows = 4;
            int cols = 6;
            int lo = 0;
            int hi = 4;
            float t = 2f;
            float w = 0.7f;
            float[] zf = fx.uniform(rows * cols, 3);
            float[] teacher = fx.uniform(rows * cols, 3);
            Tensor tz = fx.floats(rows, cols, 1, zf);
            Tensor tq = fx.floats(rows, hi - lo, 0, null);
            be.softmax(tq, fx.floats(rows, cols, 0, teacher), lo, hi, t);
            float[] qf = tq.toFloatArray();
            // q = softmax(teacher[lo, hi) / t), row by row, in double precision.
            double[] qRef = new double[rows * (hi - lo)];
            for (int r = 0; r < rows; r++) {
                double sum = 0;
                for (int j = 0; j < hi - lo; j++) {
                    qRef[r * (hi - lo) + j] = Math.exp(teacher[r * cols + lo + j] / t);
                    sum += qRef[r * (hi - lo) + j];
                }
                for (int j = 0; j < hi - lo; j++) {
                    qRef[r * (hi - lo) + j] /= sum;
                }
            }
            Compare.close(be.name() + " softmax at temperature " + t, qf, qRef, ELEMENTWISE);
            double[] z = toDouble(zf);
            double[] q = toDouble(qf);
            double[] dz = new double[z.length];
            double loss = Ref.softCrossEntropy(z, q, rows, cols, lo, hi, t, w, dz);
            FiniteDifference.check("soft cross-entropy", z, dz,
                    p -> Ref.softCrossEntropy(p, q, rows, cols, lo, hi, t, w, new double[p.length]));
            Tensor tdz = fx.floats(rows, cols, 0, null);
            Compare.close(be.name() + " soft CE loss", be.softCrossEntropy(tdz, tz, tq, lo, hi, t, w), loss, 1e-6);
            Compare.close(be.name() + " soft CE grad", tdz.toFloatArray(), dz, ELEMENTWISE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void bernoulliCrossEntropyWithLogits(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 7)) {
            int rows = 4;
            int cols = 51;
            float w = 0.25f;
            float[] xf = fx.uniform(rows * cols, 12);
            float[] tf = fx.uniform(rows * cols, 0.5);
            for (int i = 0; i < tf.length; i++) {
                tf[i] += 0.5f;
            }
            double[] x = toDouble(xf);
            double[] t = toDouble(tf);
            double[] dx = new double[x.length];
            double loss = Ref.bce(x, t, w, dx);
            FiniteDifference.check("BCE", x, dx, p -> Ref.bce(p, t, w, new double[p.length]));
            Tensor tx = fx.floats(rows, cols, 3, xf);
            Tensor tt = fx.floats(rows, cols, 1, tf);
            Tensor tdx = fx.floats(rows, cols, 2, null);
            Compare.close(be.name() + " BCE loss", be.bceWithLogits(tdx, tx, tt, w), loss, 1e-6);
            Compare.close(be.name() + " BCE grad", tdx.toFloatArray(), dx, ELEMENTWISE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void reparameterisationAndKl(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 8)) {
            int rows = 3;
            int cols = 17;
            float w = 0.5f;
            float[] muf = fx.uniform(rows * cols, 1.5);
            float[] lvf = fx.uniform(rows * cols, 2);
            float[] epsf = fx.uniform(rows * cols, 2);
            float[] rf = fx.uniform(rows * cols, 1);
            double[] mu = toDouble(muf);
            double[] lv = toDouble(lvf);
            double[] eps = toDouble(epsf);
            double[] r = toDouble(rf);
            // L = sum(z * r) + w KL
            double[] z = new double[mu.length];
            double[] dmu = new double[mu.length];
            double[] dlv = new double[mu.length];
            for (int i = 0; i < mu.length; i++) {
                z[i] = mu[i] + Math.exp(lv[i] / 2) * eps[i];
                dmu[i] = r[i];
                dlv[i] = r[i] * eps[i] * Math.exp(lv[i] / 2) / 2;
            }
            double kl = Ref.kl(mu, lv, w, dmu, dlv);
            java.util.function.BiFunction<double[], double[], Double> loss = (m, l) -> {
                double s = 0;
                for (int i = 0; i < m.length; i++) {
                    s += (m[i] + Math.exp(l[i] / 2) * eps[i]) * r[i];
                }
                return s + Ref.kl(m, l, w, new double[m.length], new double[m.length]);
            };
            FiniteDifference.check("reparam+KL dmu", mu, dmu, p -> loss.apply(p, lv));
            FiniteDifference.check("reparam+KL dlogvar", lv, dlv, p -> loss.apply(mu, p));

            Tensor tmu = fx.floats(rows, cols, 1, muf);
            Tensor tlv = fx.floats(rows, cols, 2, lvf);
            Tensor teps = fx.floats(rows, cols, 0, epsf);
            Tensor tz = fx.floats(rows, cols, 3, null);
            Tensor tr = fx.floats(rows, cols, 0, rf);
            Tensor tdmu = fx.floats(rows, cols, 1, null);
            Tensor tdlv = fx.floats(rows, cols, 0, null);
            be.reparameterize(tz, tmu, tlv, teps);
            Compare.close(be.name() + " reparam z", tz.toFloatArray(), z, ELEMENTWISE);
            be.reparameterizeBackward(tdmu, tdlv, tr, tlv, teps);
            Compare.close(be.name() + " KL", be.gaussianKl(tdmu, tdlv, tmu, tlv, w), kl, 1e-6);
            Compare.close(be.name() + " dmu", tdmu.toFloatArray(), dmu, ELEMENTWISE);
            Compare.close(be.name() + " dlogvar", tdlv.toFloatArray(), dlv, ELEMENTWISE);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void mixturePriorKl(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 21)) {
            int rows = 4;
            int zn = 5;
            int k = 3;
            float w = 0.25f;
            float[] muf = fx.uniform(rows * zn, 1.5);
            float[] lvf = fx.uniform(rows * zn, 1);
            float[] epsf = fx.uniform(rows * zn, 2);
            float[] mf = fx.uniform(k * zn, 1.5);
            float[] lf = fx.uniform(k * zn, 1);
            // A one-hot class, soft targets (one with a mode of weight 0) and a uniform mix.
            float[] wf = {0, 1, 0, 0.2f, 0.5f, 0.3f, 0, 0.7f, 0.3f, 1 / 3f, 1 / 3f, 1 / 3f};
            double[] mu = toDouble(muf);
            double[] lv = toDouble(lvf);
            double[] eps = toDouble(epsf);
            double[] m = toDouble(mf);
            double[] l = toDouble(lf);
            double[] wd = toDouble(wf);
            double[] dmu = new double[mu.length];
            double[] dlv = new double[mu.length];
            double[] dM = new double[m.length];
            double[] dL = new double[m.length];
            double kl = Ref.mixtureKl(mu, lv, eps, m, l, wd, rows, zn, k, w, dmu, dlv, dM, dL);
            java.util.function.Function<double[][], Double> f = a -> Ref.mixtureKl(a[0], a[1], eps, a[2], a[3], wd,
                    rows, zn, k, w, new double[mu.length], new double[mu.length], new double[m.length],
                    new double[m.length]);
            FiniteDifference.check("mixture KL dmu", mu, dmu, p -> f.apply(new double[][] {p, lv, m, l}));
            FiniteDifference.check("mixture KL dlogvar", lv, dlv, p -> f.apply(new double[][] {mu, p, m, l}));
            FiniteDifference.check("mixture KL dmeans", m, dM, p -> f.apply(new double[][] {mu, lv, p, l}));
            FiniteDifference.check("mixture KL dlogvars", l, dL, p -> f.apply(new double[][] {mu, lv, m, p}));

            Tensor tmu = fx.floats(rows, zn, 1, muf);
            Tensor tlv = fx.floats(rows, zn, 2, lvf);
            Tensor teps = fx.floats(rows, zn, 3, epsf);
            Tensor tm = fx.floats(k, zn, 1, mf);
            Tensor tl = fx.floats(k, zn, 0, lf);
            Tensor tw = fx.floats(rows, k, 2, wf);
            Tensor tdmu = fx.floats(rows, zn, 1, null);
            Tensor tdlv = fx.floats(rows, zn, 0, null);
            Tensor tdm = fx.floats(k, zn, 2, null);
            Tensor tdl = fx.floats(k, zn, 1, null);
            Compare.close(be.name() + " mixture KL", be.mixtureKl(tdmu, tdlv, tdm, tdl, tmu, tlv, teps, tm, tl, tw, w),
                    kl, ELEMENTWISE);
            Compare.close(be.name() + " mixture dmu", tdmu.toFloatArray(), dmu, ELEMENTWISE);
            Compare.close(be.name() + " mixture dlogvar", tdlv.toFloatArray(), dlv, ELEMENTWISE);
            Compare.close(be.name() + " mixture dmeans", tdm.toFloatArray(), dM, ELEMENTWISE);
            Compare.close(be.name() + " mixture dlogvars", tdl.toFloatArray(), dL, ELEMENTWISE);

            // A row without any mode of positive weight has no prior density: refused, not a NaN loss.
            Tensor zero = fx.floats(rows, k, 0, new float[rows * k]);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.mixtureKl(tdmu, tdlv, tdm, tdl, tmu, tlv, teps, tm, tl, zero, w));
            assertEquals("mixture KL: a row has no mode of positive weight", e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void multiplyIsElementwise(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 22)) {
            int rows = 3;
            int cols = 19;
            float[] xf = fx.uniform(rows * cols, 2);
            float[] gf = fx.uniform(rows * cols, 1);
            Tensor x = fx.floats(rows, cols, 2, xf);
            Tensor g = fx.floats(rows, cols, 1, gf);
            Tensor y = fx.floats(rows, cols, 3, null);
            be.multiply(y, x, g);
            float[] expected = new float[rows * cols];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = xf[i] * gf[i];
            }
            assertArrayEquals(expected, y.toFloatArray());
            be.multiply(x, x, g);
            assertArrayEquals(expected, x.toFloatArray());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void adamAndSgdMatchTheirFormulas(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 9)) {
            int n = 1003;
            float[] p0 = fx.uniform(n, 1);
            Tensor p = fx.floats(1, n, 0, p0);
            Tensor m = fx.floats(1, n, 0, null);
            Tensor v = fx.floats(1, n, 0, null);
            double[] pr = toDouble(p0);
            double[] mr = new double[n];
            double[] vr = new double[n];
            // The reference uses the float-rounded hyper-parameters the kernels see (1 - 0.999f != 0.001).
            double b1 = 0.9f;
            double b2 = 0.999f;
            double eps = 1e-8;
            double lr = 1e-2;
            double wd = 1e-3;
            for (int t = 1; t <= 5; t++) {
                float[] gf = fx.uniform(n, 1);
                Tensor g = fx.floats(1, n, 0, gf);
                double bc1 = 1 - Math.pow(b1, t);
                double bc2 = 1 - Math.pow(b2, t);
                be.adamStep(p, g, m, v, (float) b1, (float) b2, (float) eps, (float) (lr / bc1),
                        (float) (1 / Math.sqrt(bc2)), (float) wd);
                for (int i = 0; i < n; i++) {
                    double gi = gf[i] + wd * pr[i];
                    mr[i] = b1 * mr[i] + (1 - b1) * gi;
                    vr[i] = b2 * vr[i] + (1 - b2) * gi * gi;
                    pr[i] -= lr * (mr[i] / bc1) / (Math.sqrt(vr[i] / bc2) + eps);
                }
            }
            Compare.close(be.name() + " Adam params", p.toFloatArray(), pr, 1e-5);
            Compare.close(be.name() + " Adam m", m.toFloatArray(), mr, 1e-5);
            Compare.close(be.name() + " Adam v", v.toFloatArray(), vr, 1e-5);

            Tensor vel = fx.floats(1, n, 0, null);
            double[] velr = new double[n];
            double[] ps = toDouble(p.toFloatArray());
            for (int t = 0; t < 3; t++) {
                float[] gf = fx.uniform(n, 1);
                be.sgdStep(p, fx.floats(1, n, 0, gf), vel, 0.1f, 0.9f, 0f);
                for (int i = 0; i < n; i++) {
                    velr[i] = 0.9 * velr[i] + gf[i];
                    ps[i] -= 0.1 * velr[i];
                }
            }
            Compare.close(be.name() + " SGD momentum", p.toFloatArray(), ps, 1e-5);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void gatherScalesPermutesAndChecksIndices(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 10)) {
            byte[] img = new byte[3 * 4];
            for (int i = 0; i < img.length; i++) {
                img[i] = (byte) (i * 20);
            }
            Tensor images = fx.bytes(3, 4, img);
            Tensor idx = fx.ints(2, 1, new int[] {2, 0});
            Tensor perm = fx.ints(1, 4, new int[] {3, 2, 1, 0});
            Tensor out = fx.floats(2, 4, 1, null);
            be.gather(out, images, idx, null, 0.5f);
            assertArrayEquals(new float[] {80, 90, 100, 110, 0, 10, 20, 30}, out.toFloatArray());
            be.gather(out, images, idx, perm, 1f);
            assertArrayEquals(new float[] {220, 200, 180, 160, 60, 40, 20, 0}, out.toFloatArray());
            Tensor bad = fx.ints(2, 1, new int[] {0, 3});
            assertThrows(IndexOutOfBoundsException.class, () -> be.gather(out, images, bad, null, 1f));
        }
    }

    /**
     * Bit-packed decoding, codes read off by hand: little-endian within a byte, the last byte of a row only
     * partly used, one row stride of ceil(D * bits / 8) bytes; an index outside the rows is refused.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void gatherPackedDecodesCodesLittleEndian(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 12)) {
            // 4 bits, 3 pixels, 2 bytes a row: 0x21 0x0F -> 1, 2, 15; 0xF0 0x03 -> 0, 15, 3.
            Tensor u4 = fx.bytes(2, 2, new byte[] {0x21, 0x0F, (byte) 0xF0, 0x03});
            Tensor out3 = fx.floats(2, 3, 1, null);
            be.gatherPacked(out3, u4, fx.ints(2, 1, new int[] {1, 0}), 4, 1f);
            assertArrayEquals(new float[] {0, 15, 3, 1, 2, 15}, out3.toFloatArray());
            // 1 bit, 10 pixels, 2 bytes a row: 0b10100101 0b10 -> 1 0 1 0 0 1 0 1 0 1.
            Tensor bin = fx.bytes(1, 2, new byte[] {(byte) 0b10100101, 0b10});
            Tensor out10 = fx.floats(2, 10, 3, null);
            be.gatherPacked(out10, bin, fx.ints(2, 1, new int[] {0, 0}), 1, 0.5f);
            float h = 0.5f;
            assertArrayEquals(new float[] {h, 0, h, 0, 0, h, 0, h, 0, h, h, 0, h, 0, 0, h, 0, h, 0, h},
                    out10.toFloatArray());
            // 2 bits, 5 pixels: 0b11100100 0b01 -> 0 1 2 3 1.
            Tensor two = fx.bytes(1, 2, new byte[] {(byte) 0b11100100, 0b01});
            Tensor out5 = fx.floats(1, 5, 0, null);
            be.gatherPacked(out5, two, fx.ints(1, 1, new int[] {0}), 2, 1f);
            assertArrayEquals(new float[] {0, 1, 2, 3, 1}, out5.toFloatArray());
            // 8 bits is gather.
            Tensor u8 = fx.bytes(1, 3, new byte[] {0, 1, (byte) 255});
            Tensor out8 = fx.floats(1, 3, 0, null);
            be.gatherPacked(out8, u8, fx.ints(1, 1, new int[] {0}), 8, 2f);
            assertArrayEquals(new float[] {0, 2, 510}, out8.toFloatArray());
            assertThrows(IndexOutOfBoundsException.class,
                    () -> be.gatherPacked(out3, u4, fx.ints(2, 1, new int[] {0, 2}), 4, 1f));
            assertThrows(IllegalArgumentException.class,
                    () -> be.gatherPacked(out3, u4, fx.ints(2, 1, new int[] {0, 1}), 1, 1f), "3 bits need 1 byte");
            assertThrows(IllegalArgumentException.class,
                    () -> be.gatherPacked(out3, u4, fx.ints(2, 1, new int[] {0, 1}), 3, 1f), "3 bits a pixel");
        }
    }

    /** Translations by hand on a 3 x 2 image (values 1..6), zeros where no source pixel exists. */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void shiftImagesTranslatesWithZeroFill(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 14)) {
            // Rows of width 3: [1 2 3 / 4 5 6].
            Tensor x = fx.floats(5, 6, 1, new float[] {1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2, 3,
                4, 5, 6, 1, 2, 3, 4, 5, 6});
            Tensor y = fx.floats(5, 6, 2, fx.uniform(30, 1));
            Tensor shifts = fx.ints(5, 2, new int[] {0, 0, 1, 0, -1, 1, 0, -1, 3, 0});
            be.shiftImages(y, x, shifts, 3);
            assertArrayEquals(new float[] {
                1, 2, 3, 4, 5, 6, // no shift
                0, 1, 2, 0, 4, 5, // right by one
                0, 0, 0, 2, 3, 0, // left by one, down by one
                4, 5, 6, 0, 0, 0, // up by one
                0, 0, 0, 0, 0, 0}, // right by the whole width
                    y.toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> be.shiftImages(x, x, shifts, 3), "in place");
            assertThrows(IllegalArgumentException.class, () -> be.shiftImages(y, x, shifts, 4), "6 is not rows of 4");
        }
    }

    /**
     * Affine warps by hand on the 3 x 2 image [1 2 3 / 4 5 6] (centre column 1, row 0.5): the identity copies,
     * tx = 1 samples one column to the right (a shift left, 0 where it leaves the image), tx = 0.5 averages
     * neighbours, a half turn (a = d = -1) reverses the image; random maps agree with the native kernel.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void warpImagesSamplesBilinearly(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 15)) {
            float[] img = {1, 2, 3, 4, 5, 6};
            float[] four = new float[24];
            for (int i = 0; i < 4; i++) {
                System.arraycopy(img, 0, four, 6 * i, 6);
            }
            Tensor x = fx.floats(4, 6, 1, four);
            Tensor y = fx.floats(4, 6, 2, fx.uniform(24, 1));
            Tensor maps = fx.floats(4, 6, 0, new float[] {1, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 0.5f, 0,
                -1, 0, 0, -1, 0, 0});
            be.warpImages(y, x, maps, 3);
            assertArrayEquals(new float[] {
                1, 2, 3, 4, 5, 6, // identity
                2, 3, 0, 5, 6, 0, // one column to the right
                1.5f, 2.5f, 1.5f, 4.5f, 5.5f, 3, // half a column: (1+2)/2, (2+3)/2, (3+0)/2
                6, 5, 4, 3, 2, 1}, // half turn
                    y.toFloatArray());
            assertThrows(IllegalArgumentException.class, () -> be.warpImages(x, x, maps, 3), "in place");
        }
    }

    /**
     * The native warp equals the jvm specification bit for bit: MNIST's 28 x 28 with the warps proto draws (turns to
     * 30 degrees, scales within 20%, shifts to 3 pixels) and with far-away ones (shifts to 60 pixels, scales to 4x:
     * neighbours outside the image, and samples beyond its zero border), a 7 x 5 image, and a 64 x 66 one, too large
     * for the native kernel's padded copy, which takes its scalar path.
     */
    @org.junit.jupiter.api.Test
    void nativeWarpMatchesTheSpecification() {
        int[][] cases = {{28, 28, 3, 1}, {28, 28, 60, 4}, {7, 5, 3, 1}, {64, 66, 3, 1}, {64, 66, 90, 4}};
        for (int[] c : cases) {
            int width = c[0];
            int pixels = c[0] * c[1];
            int n = 9;
            float[] img = new float[n * pixels];
            float[] m = new float[n * 6];
            java.util.Random r = new java.util.Random(4);
            for (int i = 0; i < img.length; i++) {
                img[i] = r.nextFloat();
            }
            for (int b = 0; b < n; b++) {
                double t = Math.toRadians(30 * (2 * r.nextDouble() - 1));
                double s = c[3] == 1 ? 1 + 0.2 * (2 * r.nextDouble() - 1) : Math.pow(c[3], 2 * r.nextDouble() - 1);
                m[6 * b] = (float) (Math.cos(t) / s);
                m[6 * b + 1] = (float) (Math.sin(t) / s);
                m[6 * b + 2] = (float) (-Math.sin(t) / s);
                m[6 * b + 3] = (float) (Math.cos(t) / s);
                m[6 * b + 4] = (float) (c[2] * (2 * r.nextDouble() - 1));
                m[6 * b + 5] = (float) (c[2] * (2 * r.nextDouble() - 1));
            }
            float[][] got = new float[2][];
            int k = 0;
            for (Backend be : new Backend[] {Backends.jvm(), Backends.nativ()}) {
                try (Fixture fx = new Fixture(be, 16)) {
                    Tensor y = fx.floats(n, pixels, 0, null);
                    be.warpImages(y, fx.floats(n, pixels, 0, img), fx.floats(n, 6, 0, m), width);
                    got[k++] = y.toFloatArray();
                }
            }
            int zeros = 0;
            for (int i = 0; i < got[0].length; i++) {
                assertEquals(Float.floatToRawIntBits(got[0][i]), Float.floatToRawIntBits(got[1][i]),
                        java.util.Arrays.toString(c) + " float " + i + ": " + got[0][i] + " vs " + got[1][i]
                                + ": the same float operations in the same order give the same bits");
                zeros += got[0][i] == 0 ? 1 : 0;
            }
            // The far-away warps do move samples off the image (their outputs are partly the border's zeros).
            assertTrue(c[2] < 60 || zeros > got[0].length / 10, java.util.Arrays.toString(c) + ": zeros " + zeros);
        }
    }

    /** The native decoder equals the jvm specification bit for bit, every width, random rows, odd D. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 4, 8})
    void nativeDecodingEqualsTheSpecification(int bits) {
        int d = 785;
        int rowBytes = (d * bits + 7) / 8;
        int n = 37;
        byte[] data = new byte[n * rowBytes];
        new java.util.Random(bits).nextBytes(data);
        int[] idx = {5, 0, 36, 5, 17, 2, 2, 30};
        float[][] got = new float[2][];
        int k = 0;
        for (Backend be : new Backend[] {Backends.jvm(), Backends.nativ()}) {
            try (Fixture fx = new Fixture(be, 13)) {
                Tensor out = fx.floats(idx.length, d, 2, null);
                be.gatherPacked(out, fx.bytes(n, rowBytes, data), fx.ints(idx.length, 1, idx), bits,
                        1f / ((1 << bits) - 1));
                got[k++] = out.toFloatArray();
            }
        }
        assertArrayEquals(got[0], got[1]);
        float top = 0;
        for (float v : got[0]) {
            top = Math.max(top, v);
        }
        assertEquals(1f, top, "random bytes reach the largest code, which decodes to 1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void argmaxCountsAndOneHot(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 11)) {
            Tensor z = fx.floats(3, 4, 1, new float[] {9, 1, 2, 0, 9, 3, 3, 1, 0, 0, 5, 9});
            Tensor labels = fx.ints(3, 1, new int[] {0, 0, 0});
            be.argmax(labels, z, 1, 3);
            assertArrayEquals(new int[] {2, 1, 2}, labels.toIntArray(), "first maximum in [lo, hi)");
            assertEquals(2, be.countCorrect(z, fx.ints(3, 1, new int[] {2, 1, 1}), 1, 3));
            Tensor oh = fx.floats(3, 3, 2, fx.uniform(9, 1));
            be.oneHot(oh, fx.ints(3, 1, new int[] {5, 7, 6}), 5);
            assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1, 0, 1, 0}, oh.toFloatArray());
        }
    }
}
