package dev.rehearsal.nn;

import static dev.rehearsal.Fixture.toDouble;

import dev.rehearsal.Backends;
import dev.rehearsal.Compare;
import dev.rehearsal.Fixture;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The whole MLP loss and the whole VAE loss (reconstruction + KL, noise fixed): a double-precision
 * reference network built from {@link Ref}, checked by finite differences over every parameter, then each
 * named gradient of each backend compared with it.
 */
class ModelGradientTest {
    private static final double TOLERANCE = 1e-4;

    private static Map<String, double[]> read(Map<String, Tensor> named) {
        Map<String, double[]> out = new LinkedHashMap<>();
        named.forEach((k, v) -> out.put(k, toDouble(v.toFloatArray())));
        return out;
    }

    /** The parameters flattened in table order, and back, so finite differences can sweep all of them. */
    private static double[] flatten(Map<String, double[]> p) {
        int n = p.values().stream().mapToInt(a -> a.length).sum();
        double[] out = new double[n];
        int at = 0;
        for (double[] a : p.values()) {
            System.arraycopy(a, 0, out, at, a.length);
            at += a.length;
        }
        return out;
    }

    private static Map<String, double[]> unflatten(double[] flat, Map<String, double[]> like) {
        Map<String, double[]> out = new LinkedHashMap<>();
        int at = 0;
        for (Map.Entry<String, double[]> e : like.entrySet()) {
            out.put(e.getKey(), java.util.Arrays.copyOfRange(flat, at, at + e.getValue().length));
            at += e.getValue().length;
        }
        return out;
    }

    // ---- MLP ------------------------------------------------------------------------------------

    private static final int IN = 12;
    private static final int[] HIDDEN = {7, 5};
    private static final int LO = 1;
    private static final int HI = 4;

    /** CE over [LO, HI) of the MLP, weight w; grads (same keys) if non-null. */
    private static double mlpLoss(Map<String, double[]> p, double[] x, int[] labels, int batch, int outputs,
            double w, Map<String, double[]> grads) {
        int layers = HIDDEN.length + 1;
        double[][] h = new double[layers + 1][];
        int[] width = new int[layers + 1];
        h[0] = x;
        width[0] = IN;
        for (int i = 0; i < layers; i++) {
            width[i + 1] = i < HIDDEN.length ? HIDDEN[i] : outputs;
            h[i + 1] = Ref.linear(h[i], p.get("fc" + (i + 1) + ".weight"), p.get("fc" + (i + 1) + ".bias"), batch,
                    width[i], width[i + 1], i < HIDDEN.length);
        }
        double[] dz = new double[batch * outputs];
        double loss = Ref.crossEntropy(h[layers], labels, batch, outputs, LO, HI, w, dz);
        if (grads != null) {
            double[] dy = dz;
            for (int i = layers - 1; i >= 0; i--) {
                double[][] g = Ref.linearBackward(dy, h[i], p.get("fc" + (i + 1) + ".weight"), batch, width[i],
                        width[i + 1]);
                grads.put("fc" + (i + 1) + ".weight", g[1]);
                grads.put("fc" + (i + 1) + ".bias", g[2]);
                dy = i > 0 ? Ref.reluMask(g[0], h[i]) : null;
            }
        }
        return loss;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void mlpLossGradient(String backendName) {
        Backend be = Backends.named(backendName);
        int batch = 5;
        MlpSpec spec = new MlpSpec(IN, HIDDEN, 6, 4);
        try (Mlp mlp = new Mlp(be, "mlp", spec, 8, OptimizerConfig.adam(1e-3), new Rng(3));
                Fixture fx = new Fixture(be, 4)) {
            float[] xf = fx.uniform(batch * IN, 1);
            int[] labels = {1, 2, 3, 3, 1};
            float w = 1f / batch;
            Map<String, double[]> p = read(mlp.namedParameters());
            Map<String, double[]> expected = new LinkedHashMap<>();
            double loss = mlpLoss(p, toDouble(xf), labels, batch, 4, w, expected);
            double[] flat = flatten(p);
            FiniteDifference.check("MLP loss", flat, flatten(reorder(expected, p)),
                    q -> mlpLoss(unflatten(q, p), toDouble(xf), labels, batch, 4, w, null));

            mlp.input(batch).copyFrom(xf);
            mlp.zeroGrad();
            mlp.forward(batch);
            double actual = be.crossEntropy(mlp.logitsGrad(batch), mlp.logits(batch), fx.ints(batch, 1, labels), LO, HI,
                    w);
            mlp.backward(batch);
            Compare.close(be.name() + " MLP loss", actual, loss, 1e-6);
            Map<String, Tensor> g = mlp.namedGradients();
            for (String name : expected.keySet()) {
                Compare.close(be.name() + " MLP d" + name, g.get(name).toFloatArray(), expected.get(name), TOLERANCE);
            }
        }
    }

    private static Map<String, double[]> reorder(Map<String, double[]> grads, Map<String, double[]> like) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (String k : like.keySet()) {
            out.put(k, grads.get(k));
        }
        return out;
    }

    // ---- VAE ------------------------------------------------------------------------------------

    private static final int D = 10;
    private static final int H = 6;
    private static final int Z = 3;

    /** Negative ELBO (times w) of the 1-hidden-layer VAE with fixed noise; c classes, one-hot y. */
    private static double vaeLoss(Map<String, double[]> p, double[] x, double[] y, double[] eps, int batch, int c,
            double w, Map<String, double[]> grads) {
        double[] xin = concat(x, D, y, c, batch);
        double[] e1 = Ref.linear(xin, p.get("enc1.weight"), p.get("enc1.bias"), batch, D + c, H, true);
        double[] mu = Ref.linear(e1, p.get("mu.weight"), p.get("mu.bias"), batch, H, Z, false);
        double[] lv = Ref.linear(e1, p.get("logvar.weight"), p.get("logvar.bias"), batch, H, Z, false);
        double[] zz = new double[batch * Z];
        for (int i = 0; i < zz.length; i++) {
            zz[i] = mu[i] + Math.exp(lv[i] / 2) * eps[i];
        }
        double[] zin = concat(zz, Z, y, c, batch);
        double[] d1 = Ref.linear(zin, p.get("dec1.weight"), p.get("dec1.bias"), batch, Z + c, H, true);
        double[] logits = Ref.linear(d1, p.get("out.weight"), p.get("out.bias"), batch, H, D, false);
        double[] dlogits = new double[logits.length];
        double[] dmu = new double[mu.length];
        double[] dlv = new double[lv.length];
        double loss = Ref.bce(logits, x, w, dlogits) + Ref.kl(mu, lv, w, dmu, dlv);
        if (grads != null) {
            double[][] gOut = Ref.linearBackward(dlogits, d1, p.get("out.weight"), batch, H, D);
            double[][] gDec = Ref.linearBackward(Ref.reluMask(gOut[0], d1), zin, p.get("dec1.weight"), batch, Z + c, H);
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < Z; j++) {
                    double g = gDec[0][r * (Z + c) + j];
                    int i = r * Z + j;
                    dmu[i] += g;
                    dlv[i] += g * eps[i] * Math.exp(lv[i] / 2) / 2;
                }
            }
            double[][] gMu = Ref.linearBackward(dmu, e1, p.get("mu.weight"), batch, H, Z);
            double[][] gLv = Ref.linearBackward(dlv, e1, p.get("logvar.weight"), batch, H, Z);
            double[] de1 = gMu[0].clone();
            for (int i = 0; i < de1.length; i++) {
                de1[i] += gLv[0][i];
            }
            double[][] gEnc = Ref.linearBackward(Ref.reluMask(de1, e1), xin, p.get("enc1.weight"), batch, D + c, H);
            grads.put("enc1.weight", gEnc[1]);
            grads.put("enc1.bias", gEnc[2]);
            grads.put("mu.weight", gMu[1]);
            grads.put("logvar.weight", gLv[1]);
            grads.put("mu.bias", gMu[2]);
            grads.put("logvar.bias", gLv[2]);
            grads.put("dec1.weight", gDec[1]);
            grads.put("dec1.bias", gDec[2]);
            grads.put("out.weight", gOut[1]);
            grads.put("out.bias", gOut[2]);
        }
        return loss;
    }

    private static double[] concat(double[] a, int ca, double[] b, int cb, int rows) {
        double[] out = new double[rows * (ca + cb)];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(a, r * ca, out, r * (ca + cb), ca);
            if (cb > 0) {
                System.arraycopy(b, r * cb, out, r * (ca + cb) + ca, cb);
            }
        }
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void vaeLossGradient(String backendName) {
        checkVae(Backends.named(backendName), 0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void conditionalVaeLossGradient(String backendName) {
        checkVae(Backends.named(backendName), 2);
    }

    private static void checkVae(Backend be, int c) {
        int batch = 4;
        VaeSpec spec = new VaeSpec(D, new int[] {H}, Z, c);
        try (Vae vae = new Vae(be, "vae", spec, 6, OptimizerConfig.adam(1e-3), new Rng(5));
                Fixture fx = new Fixture(be, 6)) {
            float[] xf = fx.uniform(batch * D, 0.5);
            for (int i = 0; i < xf.length; i++) {
                xf[i] += 0.5f;
            }
            float[] epsf = fx.uniform(batch * Z, 1.5);
            float[] yf = new float[batch * c];
            for (int r = 0; r < batch && c > 0; r++) {
                yf[r * c + r % c] = 1;
            }
            float w = 1f / batch;
            Map<String, double[]> p = read(vae.namedParameters());
            Map<String, double[]> expected = new LinkedHashMap<>();
            double loss = vaeLoss(p, toDouble(xf), toDouble(yf), toDouble(epsf), batch, c, w, expected);
            FiniteDifference.check("VAE loss", flatten(p), flatten(reorder(expected, p)),
                    q -> vaeLoss(unflatten(q, p), toDouble(xf), toDouble(yf), toDouble(epsf), batch, c, w, null));

            vae.image(batch).copyFrom(xf);
            if (c > 0) {
                vae.labelInput(batch).copyFrom(yf);
            }
            vae.noise(batch).copyFrom(epsf);
            vae.zeroGrad();
            vae.forward(batch);
            // Two row ranges with the same weight must equal one call over all rows.
            double actual = vae.loss(0, 1, w) + vae.loss(1, batch, w);
            vae.backward(batch);
            Compare.close(be.name() + " VAE loss", actual, loss, 1e-5);
            Map<String, Tensor> g = vae.namedGradients();
            for (String name : expected.keySet()) {
                Compare.close(be.name() + " VAE d" + name, g.get(name).toFloatArray(), expected.get(name), TOLERANCE);
            }
        }
    }

    // ---- replay-through-feedback network (brain-inspired replay) --------------------------------

    private static final int FB_IN = 10;
    private static final int FB_H = 6;
    private static final int FB_C = 4;
    private static final int FB_Z = 3;

    /**
     * The classifier's CE (weight wc) plus the feedback VAE's reconstruction (wr) and mixture KL (wk) of the
     * one network: classifier 10-6-4 whose hidden layer feeds latent heads (Z = 3), a 4-mode prior and a decoder
     * 3-6-10 with its hidden layer gated by {@code contexts [B, 4]} times {@code maskT [6, 4]}; noise fixed.
     */
    private static double feedbackLoss(Map<String, double[]> p, double[] x, int[] labels, double[] eps,
            double[] modes, double[] contexts, double[] maskT, int batch, double wc, double wr, double wk,
            Map<String, double[]> grads) {
        double[] h1 = Ref.linear(x, p.get("fc1.weight"), p.get("fc1.bias"), batch, FB_IN, FB_H, true);
        double[] logits = Ref.linear(h1, p.get("fc2.weight"), p.get("fc2.bias"), batch, FB_H, FB_C, false);
        double[] mu = Ref.linear(h1, p.get("mu.weight"), p.get("mu.bias"), batch, FB_H, FB_Z, false);
        double[] lv = Ref.linear(h1, p.get("logvar.weight"), p.get("logvar.bias"), batch, FB_H, FB_Z, false);
        double[] z = new double[batch * FB_Z];
        for (int i = 0; i < z.length; i++) {
            z[i] = mu[i] + Math.exp(lv[i] / 2) * eps[i];
        }
        double[] a1 = Ref.linear(z, p.get("dec1.weight"), p.get("dec1.bias"), batch, FB_Z, FB_H, true);
        double[] gate = new double[batch * FB_H];
        double[] d1 = new double[batch * FB_H];
        for (int r = 0; r < batch; r++) {
            for (int h = 0; h < FB_H; h++) {
                double g = 0;
                for (int c = 0; c < FB_C; c++) {
                    g += contexts[r * FB_C + c] * maskT[h * FB_C + c];
                }
                gate[r * FB_H + h] = g;
                d1[r * FB_H + h] = a1[r * FB_H + h] * g;
            }
        }
        double[] out = Ref.linear(d1, p.get("out.weight"), p.get("out.bias"), batch, FB_H, FB_IN, false);
        double[] dlogits = new double[logits.length];
        double[] dout = new double[out.length];
        double[] dmu = new double[mu.length];
        double[] dlv = new double[lv.length];
        double[] dM = new double[FB_C * FB_Z];
        double[] dL = new double[FB_C * FB_Z];
        double loss = Ref.crossEntropy(logits, labels, batch, FB_C, 0, FB_C, wc, dlogits) + Ref.bce(out, x, wr, dout)
                + Ref.mixtureKl(mu, lv, eps, p.get("prior.means"), p.get("prior.logvars"), modes, batch, FB_Z, FB_C,
                        wk, dmu, dlv, dM, dL);
        if (grads != null) {
            double[][] gOut = Ref.linearBackward(dout, d1, p.get("out.weight"), batch, FB_H, FB_IN);
            double[] da1 = new double[a1.length];
            for (int i = 0; i < da1.length; i++) {
                da1[i] = gOut[0][i] * gate[i];
            }
            double[][] gDec = Ref.linearBackward(Ref.reluMask(da1, a1), z, p.get("dec1.weight"), batch, FB_Z, FB_H);
            for (int i = 0; i < z.length; i++) {
                dmu[i] += gDec[0][i];
                dlv[i] += gDec[0][i] * eps[i] * Math.exp(lv[i] / 2) / 2;
            }
            double[][] gMu = Ref.linearBackward(dmu, h1, p.get("mu.weight"), batch, FB_H, FB_Z);
            double[][] gLv = Ref.linearBackward(dlv, h1, p.get("logvar.weight"), batch, FB_H, FB_Z);
            double[][] gHead = Ref.linearBackward(dlogits, h1, p.get("fc2.weight"), batch, FB_H, FB_C);
            double[] dh1 = new double[h1.length];
            for (int i = 0; i < dh1.length; i++) {
                dh1[i] = gMu[0][i] + gLv[0][i] + gHead[0][i];
            }
            double[][] gEnc = Ref.linearBackward(Ref.reluMask(dh1, h1), x, p.get("fc1.weight"), batch, FB_IN, FB_H);
            grads.put("fc1.weight", gEnc[1]);
            grads.put("fc1.bias", gEnc[2]);
            grads.put("fc2.weight", gHead[1]);
            grads.put("fc2.bias", gHead[2]);
            grads.put("mu.weight", gMu[1]);
            grads.put("logvar.weight", gLv[1]);
            grads.put("mu.bias", gMu[2]);
            grads.put("logvar.bias", gLv[2]);
            grads.put("prior.means", dM);
            grads.put("prior.logvars", dL);
            grads.put("dec1.weight", gDec[1]);
            grads.put("dec1.bias", gDec[2]);
            grads.put("out.weight", gOut[1]);
            grads.put("out.bias", gOut[2]);
        }
        return loss;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void feedbackNetworkGradient(String backendName) {
        Backend be = Backends.named(backendName);
        int batch = 4;
        MlpSpec spec = new MlpSpec(FB_IN, new int[] {FB_H}, FB_C, FB_C);
        try (Mlp mlp = new Mlp(be, "solver", spec, 5, OptimizerConfig.adam(1e-3), new Rng(7));
                FeedbackVae vae = new FeedbackVae(be, "generator", FB_H, new int[] {FB_H}, FB_Z, FB_IN, FB_C, FB_C, 0.4,
                        5, new int[0], OptimizerConfig.adam(1e-3), new Rng(8));
                Fixture fx = new Fixture(be, 9)) {
            float[] xf = fx.uniform(batch * FB_IN, 0.5);
            for (int i = 0; i < xf.length; i++) {
                xf[i] += 0.5f;
            }
            int[] labels = {0, 3, 1, 2};
            float[] epsf = fx.uniform(batch * FB_Z, 1.5);
            // Current rows: one-hot classes; replayed rows: soft targets, used for the KL's modes and the gates.
            float[] modesf = {1, 0, 0, 0, 0, 0, 0, 1, 0.6f, 0.3f, 0.1f, 0, 0.25f, 0.25f, 0.25f, 0.25f};
            float[] maskf = vae.gateMask(1).toFloatArray();
            double zeros = 0;
            for (float m : maskf) {
                zeros += m == 0f ? 1 : 0;
            }
            org.junit.jupiter.api.Assertions.assertTrue(zeros > 0 && zeros < maskf.length,
                    "the test needs gated and open units, got " + zeros + " of " + maskf.length + " gated");
            float wc = 1f / batch;
            float wr = 1f / (batch * FB_IN);
            float wk = 0.7f / (batch * FB_IN);
            Map<String, double[]> p = read(mlp.namedParameters());
            p.putAll(read(vae.namedParameters()));
            Map<String, double[]> expected = new LinkedHashMap<>();
            double loss = feedbackLoss(p, toDouble(xf), labels, toDouble(epsf), toDouble(modesf), toDouble(modesf),
                    toDouble(maskf), batch, wc, wr, wk, expected);
            FiniteDifference.check("feedback network loss", flatten(p), flatten(reorder(expected, p)),
                    q -> feedbackLoss(unflatten(q, p), toDouble(xf), labels, toDouble(epsf), toDouble(modesf),
                            toDouble(modesf), toDouble(maskf), batch, wc, wr, wk, null));

            mlp.input(batch).copyFrom(xf);
            vae.noise(batch).copyFrom(epsf);
            vae.modeWeights(batch).copyFrom(modesf);
            vae.contextWeights(batch).copyFrom(modesf);
            mlp.zeroGrad();
            vae.zeroGrad();
            mlp.forward(batch);
            double actual = be.crossEntropy(mlp.logitsGrad(batch), mlp.logits(batch), fx.ints(batch, 1, labels), 0,
                    FB_C, wc);
            vae.forward(mlp.lastHidden(batch), batch);
            // Two row ranges with their own weights, as a step's current and replayed rows are.
            actual += vae.loss(0, 2, mlp.input(batch).rows(0, 2), wr, wk)
                    + vae.loss(2, batch, mlp.input(batch).rows(2, batch), wr, wk);
            vae.backward(mlp.lastHidden(batch), batch);
            mlp.backward(batch, vae.featuresGrad(batch));
            Compare.close(be.name() + " feedback loss", actual, loss, 1e-5);
            Map<String, Tensor> g = new LinkedHashMap<>(mlp.namedGradients());
            g.putAll(vae.namedGradients());
            for (String name : expected.keySet()) {
                Compare.close(be.name() + " feedback d" + name, g.get(name).toFloatArray(), expected.get(name),
                        TOLERANCE);
            }
        }
    }
}
