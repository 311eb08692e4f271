package dev.rehearsal.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Compare;
import dev.rehearsal.Fixture;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.PixelLikelihood;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Tensor;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generative classifier's likelihood estimate ({@link Vae#logLikelihood}): on a hand-sized VAE against a
 * double-precision reference written out here from the VAE's named parameters (its own forward pass, the two
 * Gaussian densities in full, the decoder term as a Bernoulli of sigmoid probabilities or as a unit-variance
 * Gaussian, and a log-sum-exp), on both backends; the log-mean-exp where a naive sum underflows; and the native
 * backend against the jvm one on the per-class VAE of Split-MNIST (784-85-85-z5, 50 samples: 1000 decoder rows),
 * with the measured difference printed.
 */
class ImportanceSamplingTest {
    private static final VaeSpec HAND = new VaeSpec(7, new int[] {5, 4}, 3, 0);
    private static final int IMAGES = 3;
    private static final int SAMPLES = 6;
    /**
     * Float forward passes and float pixel sums against double arithmetic, relative to the largest |log p(x)|:
     * measured 2.6e-8 (jvm, both likelihoods) and 3.9e-8 (native, gaussian) on this machine. Ten times the
     * largest, rounded up.
     */
    private static final double HAND_TOLERANCE = 4e-7;
    /**
     * native against jvm on 784-85-85-z5 with 50 samples, relative to the largest |log p(x)|: measured 7.6e-8
     * (gaussian) and 2.2e-7 (bernoulli) on this machine (Intel Xeon, AVX-512, 2 threads): oneDNN's GEMMs sum in
     * another order and our kernels use their own exp and log. Ten times the larger, rounded up.
     */
    private static final double AGREEMENT_TOLERANCE = 3e-6;

    @ParameterizedTest
    @CsvSource({"jvm, gaussian", "jvm, bernoulli", "native, gaussian", "native, bernoulli"})
    void theEstimateIsTheDoublePrecisionFormula(String backend, String kind) {
        Backend be = Backends.named(backend);
        PixelLikelihood likelihood = PixelLikelihood.valueOf(kind.toUpperCase(Locale.ROOT));
        float[] images = {0f, 1f, 0.25f, 0.5f, 0.75f, 1f, 0f, 0.9f, 0.1f, 0.3f, 0f, 0f, 0.6f, 1f, 0.45f, 0.55f, 1f,
            0.2f, 0.8f, 0f, 0.05f};
        try (Vae scorer = Vae.scorer(be, "hand", HAND, IMAGES, SAMPLES, new int[] {2});
                Fixture fx = new Fixture(be, 5)) {
            scorer.initialize(new Rng(3));
            scorer.image(IMAGES).copyFrom(images);
            Tensor scores = fx.floats(IMAGES, 4, 3, null); // the estimate goes to column 2 of a strided matrix
            scorer.logLikelihood(IMAGES, new Rng(11), likelihood, scores.cols(2, 3));
            float[] eps = new float[IMAGES * SAMPLES * HAND.latent()];
            new Rng(11).fillGaussian(eps, 0, eps.length);
            double[] expected = reference(scorer.namedParameters(), images, eps, likelihood);
            float[] actual = scores.cols(2, 3).toFloatArray();
            System.out.printf(Locale.ROOT, "%s %s: log p(x) %s, relative max difference %.2e%n", backend, kind,
                    java.util.Arrays.toString(actual), Compare.relativeError(actual, expected));
            Compare.close(backend + " " + kind + " log p(x)", actual, expected, HAND_TOLERANCE);

            // Two images only: their rows of the same samples give the same estimates.
            Tensor two = fx.floats(2, 1, 0, null);
            scorer.image(2).copyFrom(java.util.Arrays.copyOf(images, 2 * HAND.input()));
            scorer.logLikelihood(2, new Rng(11), likelihood, two);
            Compare.close(backend + " " + kind + " two images", two.toFloatArray(),
                    java.util.Arrays.copyOf(expected, 2), HAND_TOLERANCE);
        }
    }

    /**
     * log p(x) of each image in double: the VAE's forward pass from its named parameters, z = mu + sigma eps with
     * the scorer's draws, log N(z; 0, I) + log p(x | z) - log N(z; mu, sigma^2) with every constant, and
     * log(1/S sum_s exp(.)) with the maximum factored out.
     */
    private static double[] reference(Map<String, Tensor> p, float[] images, float[] eps, PixelLikelihood kind) {
        int d = HAND.input();
        int z = HAND.latent();
        double log2pi = Math.log(2 * Math.PI);
        double[] out = new double[IMAGES];
        for (int b = 0; b < IMAGES; b++) {
            double[] x = new double[d];
            for (int j = 0; j < d; j++) {
                x[j] = images[b * d + j];
            }
            double[] h = relu(affine(p, "enc1", x));
            h = relu(affine(p, "enc2", h));
            double[] mu = affine(p, "mu", h);
            double[] lv = affine(p, "logvar", h);
            double[] logw = new double[SAMPLES];
            for (int s = 0; s < SAMPLES; s++) {
                double[] zs = new double[z];
                double prior = 0;
                double posterior = 0;
                for (int j = 0; j < z; j++) {
                    zs[j] = mu[j] + Math.exp(lv[j] / 2) * eps[(b * SAMPLES + s) * z + j];
                    prior += -0.5 * (log2pi + zs[j] * zs[j]);
                    double diff = zs[j] - mu[j];
                    posterior += -0.5 * (log2pi + lv[j] + diff * diff / Math.exp(lv[j]));
                }
                double[] g = relu(affine(p, "dec1", zs));
                g = relu(affine(p, "dec2", g));
                double[] l = affine(p, "out", g);
                double decoder = 0;
                for (int j = 0; j < d; j++) {
                    double prob = 1 / (1 + Math.exp(-l[j]));
                    decoder += kind == PixelLikelihood.BERNOULLI
                            ? x[j] * Math.log(prob) + (1 - x[j]) * Math.log(1 - prob)
                            : -0.5 * (log2pi + (x[j] - prob) * (x[j] - prob));
                }
                logw[s] = decoder + prior - posterior;
            }
            double most = Double.NEGATIVE_INFINITY;
            for (double w : logw) {
                most = Math.max(most, w);
            }
            double sum = 0;
            for (double w : logw) {
                sum += Math.exp(w - most);
            }
            out[b] = most + Math.log(sum / SAMPLES);
        }
        return out;
    }

    /** {@code W v + b} of the layer {@code name} ({@code name.weight [OUT, IN]}, {@code name.bias [1, OUT]}). */
    private static double[] affine(Map<String, Tensor> p, String name, double[] v) {
        Tensor w = p.get(name + ".weight");
        Tensor bias = p.get(name + ".bias");
        double[] y = new double[w.rows()];
        for (int i = 0; i < w.rows(); i++) {
            double s = bias.get(0, i);
            for (int j = 0; j < w.cols(); j++) {
                s += (double) w.get(i, j) * v[j];
            }
            y[i] = s;
        }
        return y;
    }

    private static double[] relu(double[] v) {
        double[] y = v.clone();
        for (int i = 0; i < y.length; i++) {
            y[i] = Math.max(0, y[i]);
        }
        return y;
    }

    /**
     * Log weights of -1000 nats and below (a 784-pixel image's are hundreds of nats) underflow to 0 in a plain
     * sum of exponentials: the estimate factors the largest out. A row of minus infinity stays minus infinity.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void logMeanExpFactorsTheLargestWeightOut(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 7)) {
            float inf = Float.NEGATIVE_INFINITY;
            float[] w = {-1000f, -1001f, -1003.5f, -20000f, -20000f, -19990f, inf, inf, inf, 7f, inf, -2f};
            Tensor logw = fx.floats(12, 1, 2, w);
            Tensor out = fx.floats(4, 1, 4, null);
            be.logMeanExp(out, logw);
            double[] expected = {
                -1000 + Math.log((1 + Math.exp(-1) + Math.exp(-3.5)) / 3),
                -19990 + Math.log((2 * Math.exp(-10) + 1) / 3),
                Double.NEGATIVE_INFINITY,
                7 + Math.log((1 + Math.exp(-9)) / 3)};
            float[] got = out.toFloatArray();
            assertEquals(Float.NEGATIVE_INFINITY, got[2], "a row of -infinity");
            for (int b : new int[] {0, 1, 3}) {
                Compare.close(backend + " image " + b, got[b], expected[b], 1e-7);
            }
        }
    }

    /** Operands that do not hold S samples per image are refused with their shapes. */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void operandsOfTheWrongShapeAreRefused(String backend) {
        Backend be = Backends.named(backend);
        try (Fixture fx = new Fixture(be, 9)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.logMeanExp(fx.floats(3, 1, 0, null), fx.floats(7, 1, 0, null)));
            assertTrue(e.getMessage().contains("logMeanExp") && e.getMessage().contains("S >= 1 rows per row"),
                    e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.importanceSamples(fx.floats(6, 2, 0, null),
                    fx.floats(2, 3, 0, null), fx.floats(2, 3, 0, null), fx.floats(6, 2, 0, null)));
            assertTrue(e.getMessage().contains("importanceSamples"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.importanceLogWeights(fx.floats(6, 1, 0, null),
                    fx.floats(6, 5, 0, null), fx.floats(2, 4, 0, null), fx.floats(6, 3, 0, null),
                    fx.floats(6, 3, 0, null), fx.floats(2, 3, 0, null), PixelLikelihood.BERNOULLI));
            assertTrue(e.getMessage().contains("logits [B S, D] against images [B, D]"), e.getMessage());
        }
    }

    /** Both backends' estimates of the same images with the same parameters and draws, on genc's VAE. */
    @ParameterizedTest
    @ValueSource(strings = {"gaussian", "bernoulli"})
    void nativeAgreesWithJvmOnTheSplitMnistClassVae(String kind) {
        PixelLikelihood likelihood = PixelLikelihood.valueOf(kind.toUpperCase(Locale.ROOT));
        VaeSpec spec = new VaeSpec(784, new int[] {85, 85}, 5, 0);
        int images = 20;
        int samples = 50;
        java.util.Random r = new java.util.Random(13);
        float[] pixels = new float[images * 784];
        for (int i = 0; i < pixels.length; i++) {
            // Strokes on a dark background, as MNIST: most pixels 0, some near 1.
            pixels[i] = r.nextInt(5) == 0 ? 0.6f + 0.4f * r.nextFloat() : 0f;
        }
        float[][] estimates = new float[2][];
        String[] backends = {"jvm", "native"};
        for (int k = 0; k < 2; k++) {
            Backend be = Backends.named(backends[k]);
            try (Vae scorer = Vae.scorer(be, "scorer", spec, images, samples, new int[0]);
                    Fixture fx = new Fixture(be, 1)) {
                scorer.initialize(new Rng(21));
                scorer.image(images).copyFrom(pixels);
                Tensor out = fx.floats(images, 1, 0, null);
                scorer.logLikelihood(images, new Rng(22), likelihood, out);
                estimates[k] = out.toFloatArray();
            }
        }
        double err = Compare.relativeError(estimates[1], dev.rehearsal.Fixture.toDouble(estimates[0]));
        System.out.printf(Locale.ROOT, "native vs jvm, %s, 784-85-85-z5, %d samples: log p(x) of image 0 %.4f vs "
                + "%.4f, relative max difference %.2e%n", kind, samples, estimates[1][0], estimates[0][0], err);
        Compare.close("native vs jvm " + kind, estimates[1], estimates[0], AGREEMENT_TOLERANCE);
    }
}
