package dev.rehearsal.nn;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Layout;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * A variational autoencoder (Kingma and Welling 2014) with a Bernoulli decoder. Tables for {@code seed}
 * (784-128-z8), D = 784, Z = 8, C = classes (0 when unconditional):
 * <pre>
 * params       enc1.weight [128, D+C] enc1.bias  mu.weight [Z, 128] logvar.weight [Z, 128] mu.bias logvar.bias
 *              dec1.weight [128, Z+C] dec1.bias  out.weight [D, 128] out.bias
 * activations  x [B, D+C]  e1 [B, 128]  stats [B, 2Z] (mu | logvar)  eps [B, Z]  zin [B, Z+C]  d1 [B, 128]
 *              logits [B, D]  (trainable: dlogits dd1 dzin dstats de1)  workspace
 * </pre>
 * The mu and logvar heads are adjacent in the table, so they run as one [2Z, H] GEMM and still load into
 * PyTorch as two {@code nn.Linear}s.
 *
 * <p>A <em>scorer</em> ({@link #scorer}) is a frozen VAE that estimates {@code log p(x)} of its images by
 * importance sampling ({@link #logLikelihood}): the encoder runs on the B images, the decoder on S samples of
 * each, one pass over B S rows. Its decoder-side slots hold S rows per image:
 * <pre>
 * x [B, D]  e1 [B, 128]  stats [B, 2Z]  |  eps [B S, Z]  zin [B S, Z]  d1 [B S, 128]  logits [B S, D]  logw [B S, 1]
 * </pre>
 */
public final class Vae extends Model {
    private final VaeSpec spec;
    private final int d;
    private final int z;
    private final int c;
    private final List<Linear> encoder = new ArrayList<>();
    private final Linear heads;
    private final List<Linear> decoder = new ArrayList<>();
    private final Layout.Entry x;
    private final List<Layout.Entry> e = new ArrayList<>();
    private final Layout.Entry stats;
    private final Layout.Entry eps;
    private final Layout.Entry zin;
    private final List<Layout.Entry> dd = new ArrayList<>();
    private final Layout.Entry logits;
    private final List<Layout.Entry> de = new ArrayList<>();
    private final List<Layout.Entry> ddd = new ArrayList<>();
    private Layout.Entry dlogits;
    private Layout.Entry dzin;
    private Layout.Entry dstats;
    /** Importance samples per image of a scorer; 1 otherwise (one decoder row per input row). */
    private final int samples;
    /** A scorer's log importance weights {@code logw [B S, 1]}; null otherwise. */
    private final Layout.Entry logw;
    /** Heap staging for noise and labels written into zin/eps (decoder rows x (Z + C) floats). */
    private final float[] staging;
    /** Column views by batch size, made once: image | label of x, mu | logvar of stats, z | label of zin. */
    private final Tensor[] imageViews;
    private final Tensor[] labelViews;
    private final Tensor[] muViews;
    private final Tensor[] logvarViews;
    private final Tensor[] zViews;
    private final Tensor[] zLabelViews;
    private final Tensor[] dmuViews;
    private final Tensor[] dlogvarViews;
    private final Tensor[] dzViews;

    public Vae(Backend backend, String name, VaeSpec spec, int maxBatch, OptimizerConfig optimizer, Rng init) {
        this(backend, name, spec, maxBatch, new int[0], optimizer, init);
    }

    /**
     * As above, for steps of {@code otherBatches} rows too (each at most {@code maxBatch}): the workspace
     * serves every one of them (oneDNN's scratchpad is not monotonic in the rows).
     */
    public Vae(Backend backend, String name, VaeSpec spec, int maxBatch, int[] otherBatches,
            OptimizerConfig optimizer, Rng init) {
        this(backend, name, spec, maxBatch, otherBatches, optimizer, init, 0);
    }

    /**
     * A scorer: a frozen, unconditional VAE whose {@link #logLikelihood} estimates {@code log p(x)} of up to
     * {@code maxImages} images at once from {@code samples} importance samples of each (one decoder pass over
     * images x samples rows); {@code otherImages} are the smaller image counts it will also be asked for (each
     * gets its workspace). Its parameters are copied in ({@link #copyParametersFrom} or the parameter block).
     */
    public static Vae scorer(Backend backend, String name, VaeSpec spec, int maxImages, int samples,
            int[] otherImages) {
        if (samples < 1 || spec.classes() > 0) {
            throw new IllegalArgumentException("a scorer is an unconditional VAE with at least one importance sample, "
                    + "got " + samples + " samples of " + spec);
        }
        return new Vae(backend, name, spec, maxImages, otherImages, null, null, samples);
    }

    /** {@code scoring}: the samples per image of a scorer, 0 for a model that trains or generates. */
    private Vae(Backend backend, String name, VaeSpec spec, int maxBatch, int[] otherBatches,
            OptimizerConfig optimizer, Rng init, int scoring) {
        super(backend, name, maxBatch, optimizer);
        planBatches(otherBatches);
        this.samples = Math.max(1, scoring);
        this.spec = spec;
        this.d = spec.input();
        this.z = spec.latent();
        this.c = spec.classes();
        int[] hidden = spec.hidden();
        x = activation("x", d + c);
        int width = d + c;
        for (int i = 0; i < hidden.length; i++) {
            encoder.add(linear("enc" + (i + 1), width, hidden[i], hidden[i], Activation.RELU));
            e.add(activation("e" + (i + 1), hidden[i]));
            width = hidden[i];
        }
        Layout p = parameters();
        Layout.Entry muW = p.add("mu.weight", z, width);
        p.add("logvar.weight", z, width);
        Layout.Entry muB = p.add("mu.bias", 1, z);
        p.add("logvar.bias", 1, z);
        heads = register(new Linear("heads", new Layout.Entry("heads.weight", muW.offset(), 2 * z, width),
                new Layout.Entry("heads.bias", muB.offset(), 1, 2 * z), Activation.NONE));
        stats = activation("stats", 2 * z);
        eps = activation("eps", samples, z);
        zin = activation("zin", samples, z + c);
        width = z + c;
        for (int i = hidden.length - 1; i >= 0; i--) {
            int k = hidden.length - i;
            decoder.add(linear("dec" + k, width, hidden[i], hidden[i], Activation.RELU));
            dd.add(activation("d" + k, samples, hidden[i]));
            width = hidden[i];
        }
        decoder.add(linear("out", width, d, d, Activation.NONE));
        logits = activation("logits", samples, d);
        logw = scoring > 0 ? activation("logw", samples, 1) : null;
        for (Linear l : decoder) {
            runsOnRowsPerBatchRow(l, samples);
        }
        if (optimizer != null) {
            dlogits = activation("dlogits", d);
            for (Layout.Entry a : dd) {
                ddd.add(activation("d" + a.name(), a.cols()));
            }
            dzin = activation("dzin", z + c);
            dstats = activation("dstats", 2 * z);
            for (Layout.Entry a : e) {
                de.add(activation("d" + a.name(), a.cols()));
            }
        }
        allocate();
        int decoderRows = maxBatch * samples;
        staging = new float[decoderRows * (z + c)];
        imageViews = new Tensor[maxBatch + 1];
        labelViews = new Tensor[maxBatch + 1];
        muViews = new Tensor[maxBatch + 1];
        logvarViews = new Tensor[maxBatch + 1];
        zViews = new Tensor[decoderRows + 1];
        zLabelViews = new Tensor[maxBatch + 1];
        dmuViews = new Tensor[maxBatch + 1];
        dlogvarViews = new Tensor[maxBatch + 1];
        dzViews = new Tensor[maxBatch + 1];
        if (init != null) {
            initialize(init);
        }
    }

    public VaeSpec spec() {
        return spec;
    }

    /** Heap bytes of the staging buffer for noise (reported beside the arena's exact blocks). */
    public long stagingBytes() {
        return 4L * staging.length;
    }

    /** {@code x [batch, D + C]}: image in the first D columns, one-hot label after (conditional only). */
    public Tensor input(int batch) {
        return slot(x, batch);
    }

    /** Columns [from, to) of a slot's first {@code batch} rows, made once per batch size. */
    private Tensor cols(Tensor[] cache, Layout.Entry e, int batch, int from, int to) {
        Tensor t = cache[batch];
        if (t == null) {
            t = slot(e, batch).cols(from, to);
            cache[batch] = t;
        }
        return t;
    }

    /** The image part of the input, {@code [batch, D]}. */
    public Tensor image(int batch) {
        return cols(imageViews, x, batch, 0, d);
    }

    /** The label part of the input, {@code [batch, C]} (conditional only). */
    public Tensor labelInput(int batch) {
        requireConditional();
        return cols(labelViews, x, batch, d, d + c);
    }

    public Tensor mu(int batch) {
        return cols(muViews, stats, batch, 0, z);
    }

    public Tensor logvar(int batch) {
        return cols(logvarViews, stats, batch, z, 2 * z);
    }

    /** Reparameterisation noise {@code eps [batch, Z]}: set by {@link #sampleNoise} or directly (tests). */
    public Tensor noise(int batch) {
        return slot(eps, batch);
    }

    /** Decoder logits {@code [batch, D]}; after {@link #generate} they hold the sigmoid, i.e. the samples. */
    public Tensor logits(int batch) {
        return slot(logits, batch);
    }

    private void requireConditional() {
        if (c == 0) {
            throw new IllegalStateException("VAE " + name() + " is not conditional");
        }
    }

    /** Fills the reparameterisation noise with standard normals. */
    public void sampleNoise(int batch, Rng rng) {
        rng.fillGaussian(staging, 0, batch * z);
        noise(batch).copyFrom(staging, 0);
    }

    /** Encoder, reparameterisation with the current noise, decoder. */
    public void forward(int batch) {
        encode(batch);
        backend.reparameterize(cols(zViews, zin, batch, 0, z), mu(batch), logvar(batch), noise(batch));
        if (c > 0) {
            backend.copy(cols(zLabelViews, zin, batch, z, z + c), labelInput(batch));
        }
        decode(batch);
        if (isTrainable()) {
            backend.fill(slot(dstats, batch), 0f);
        }
    }

    /** Encoder layers and the mu | logvar heads on the first {@code batch} rows of the input. */
    private void encode(int batch) {
        Tensor ws = workspace();
        Tensor in = slot(x, batch);
        for (int i = 0; i < encoder.size(); i++) {
            Tensor out = slot(e.get(i), batch);
            encoder.get(i).forward(backend, out, in, ws);
            in = out;
        }
        heads.forward(backend, slot(stats, batch), in, ws);
    }

    /**
     * Estimates {@code log p(x)} of each of the first {@code batch} images in {@link #image} by importance
     * sampling with the posterior as proposal (Burda, Grosse and Salakhutdinov 2016):
     * {@code out[b] = log 1/S sum_s p(x_b | z_bs) p(z_bs) / q(z_bs | x_b)}, {@code z_bs ~ q(z | x_b)}, with the
     * pixels scored as {@code likelihood} says. One encoder pass over the images, S standard normals per image
     * and latent unit from {@code rng}, one decoder pass over their {@code batch x S} rows; {@code out [batch, 1]}
     * (any row stride: a column of a score matrix). A scorer only ({@link #scorer}).
     */
    public void logLikelihood(int batch, Rng rng, dev.rehearsal.backend.PixelLikelihood likelihood, Tensor out) {
        if (logw == null) {
            throw new IllegalStateException("VAE " + name() + " is not a scorer: build it with Vae.scorer");
        }
        int rows = batch * samples;
        encode(batch);
        rng.fillGaussian(staging, 0, rows * z);
        Tensor noise = slot(eps, rows);
        noise.copyFrom(staging, 0);
        Tensor zs = cols(zViews, zin, rows, 0, z);
        backend.importanceSamples(zs, mu(batch), logvar(batch), noise);
        decode(rows);
        Tensor weights = slot(logw, rows);
        backend.importanceLogWeights(weights, slot(logits, rows), image(batch), zs, noise, logvar(batch), likelihood);
        backend.logMeanExp(out, weights);
    }

    @Override
    public void prepare(int batch) {
        boolean train = isTrainable();
        Tensor in = slot(x, batch);
        for (int i = 0; i < encoder.size(); i++) {
            Tensor out = slot(e.get(i), batch);
            encoder.get(i).prepareForward(backend, out, in);
            if (train) {
                encoder.get(i).prepareBackward(backend, i == 0 ? null : slot(de.get(i - 1), batch), false,
                        slot(de.get(i), batch), in);
            }
            in = out;
        }
        heads.prepareForward(backend, slot(stats, batch), in);
        if (train) {
            heads.prepareBackward(backend, slot(de.get(de.size() - 1), batch), false, slot(dstats, batch), in);
        }
        // A scorer's decoder runs on S rows per image.
        int rows = logw == null ? batch : batch * samples;
        in = slot(zin, rows);
        for (int i = 0; i < decoder.size(); i++) {
            Tensor out = i == decoder.size() - 1 ? slot(logits, rows) : slot(dd.get(i), rows);
            decoder.get(i).prepareForward(backend, out, in);
            if (train) {
                Tensor dOut = i == decoder.size() - 1 ? slot(dlogits, batch) : slot(ddd.get(i), batch);
                decoder.get(i).prepareBackward(backend, i == 0 ? slot(dzin, batch) : slot(ddd.get(i - 1), batch),
                        false, dOut, in);
            }
            in = out;
        }
    }

    private void decode(int batch) {
        Tensor ws = workspace();
        Tensor in = slot(zin, batch);
        for (int i = 0; i < decoder.size(); i++) {
            Tensor out = i == decoder.size() - 1 ? slot(logits, batch) : slot(dd.get(i), batch);
            decoder.get(i).forward(backend, out, in, ws);
            in = out;
        }
    }

    /**
     * The negative ELBO of rows [from, to): Bernoulli reconstruction summed over pixels plus the Gaussian
     * KL, times {@code weight} (pass {@code lossWeight / rows} for a mean over rows). Writes the logits'
     * gradient for those rows and adds the KL gradient to the heads'; call after {@link #forward}.
     */
    public double loss(int from, int to, float weight) {
        int batch = to;
        double rec = backend.bceWithLogits(slot(dlogits, batch).rows(from, to), slot(logits, batch).rows(from, to),
                image(batch).rows(from, to), weight);
        Tensor ds = slot(dstats, batch).rows(from, to);
        double kl = backend.gaussianKl(ds.cols(0, z), ds.cols(z, 2 * z), mu(batch).rows(from, to),
                logvar(batch).rows(from, to), weight);
        return rec + kl;
    }

    /** Backpropagates the gradients {@link #loss} wrote into the gradient block (accumulating). */
    public void backward(int batch) {
        Tensor ws = workspace();
        for (int i = decoder.size() - 1; i >= 0; i--) {
            Tensor dOut = i == decoder.size() - 1 ? slot(dlogits, batch) : slot(ddd.get(i), batch);
            Tensor in = i == 0 ? slot(zin, batch) : slot(dd.get(i - 1), batch);
            Tensor dIn = i == 0 ? slot(dzin, batch) : slot(ddd.get(i - 1), batch);
            decoder.get(i).backward(backend, dIn, false, dOut, in, ws);
            if (i > 0) {
                backend.reluBackward(dIn, in, dIn);
            }
        }
        Tensor ds = slot(dstats, batch);
        backend.reparameterizeBackward(cols(dmuViews, dstats, batch, 0, z), cols(dlogvarViews, dstats, batch, z, 2 * z),
                cols(dzViews, dzin, batch, 0, z), logvar(batch), noise(batch));
        Tensor last = slot(e.get(e.size() - 1), batch);
        Tensor dLast = slot(de.get(de.size() - 1), batch);
        heads.backward(backend, dLast, false, ds, last, ws);
        for (int i = encoder.size() - 1; i >= 0; i--) {
            Tensor out = slot(e.get(i), batch);
            Tensor dOut = slot(de.get(i), batch);
            backend.reluBackward(dOut, out, dOut);
            Tensor in = i == 0 ? slot(x, batch) : slot(e.get(i - 1), batch);
            Tensor dIn = i == 0 ? null : slot(de.get(i - 1), batch);
            encoder.get(i).backward(backend, dIn, false, dOut, in, ws);
        }
    }

    /**
     * Draws {@code batch} samples from the prior through the decoder: returns {@code [batch, D]} pixel
     * probabilities (the decoder's mean). {@code labels} (absolute, offset by {@code lo}) condition a
     * conditional VAE; null otherwise.
     */
    public Tensor generate(int batch, Rng rng, int[] labels, int lo) {
        checkBatch(batch);
        if ((labels != null) != (c > 0)) {
            throw new IllegalArgumentException(c > 0 ? "a conditional VAE needs labels to generate"
                    : "this VAE is not conditional: generate without labels");
        }
        int w = z + c;
        java.util.Arrays.fill(staging, 0, batch * w, 0f);
        for (int r = 0; r < batch; r++) {
            for (int j = 0; j < z; j++) {
                staging[r * w + j] = (float) rng.nextGaussian();
            }
            if (labels != null) {
                int k = labels[r] - lo;
                if (k < 0 || k >= c) {
                    throw new IllegalArgumentException("label " + labels[r] + " outside [" + lo + ", " + (lo + c) + ")");
                }
                staging[r * w + z + k] = 1f;
            }
        }
        slot(zin, batch).copyFrom(staging, 0);
        decode(batch);
        Tensor out = slot(logits, batch);
        backend.sigmoid(out, out);
        return out;
    }

    /** Multiply-accumulates per sample of the encoder and its mu | logvar heads. */
    public long encoderMacsPerSample() {
        return forwardMacsPerSample() - decoderMacsPerSample();
    }

    /** Multiply-accumulates per sample of the decoder alone: the cost of generating one sample. */
    public long decoderMacsPerSample() {
        long n = 0;
        for (Linear l : decoder) {
            n += l.forwardMacs();
        }
        return n;
    }

    /** A frozen copy (parameters and forward activations only). */
    public Vae frozenCopy(String copyName, int copyMaxBatch) {
        Vae copy = new Vae(backend, copyName, spec, copyMaxBatch, null, null);
        copy.copyParametersFrom(this);
        return copy;
    }
}
