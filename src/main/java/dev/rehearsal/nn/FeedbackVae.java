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
 * The generative half of a replay-through-feedback network (van de Ven, Siegelmann and Tolias 2020, brain-inspired
 * replay): it reads the last hidden layer of a classifier ({@link Mlp}), which is its encoder, so classifier
 * and VAE are one network. It holds the latent heads, a learned Gaussian-mixture prior with one mode per class
 * and a decoder whose hidden layers are multiplied by fixed binary context gates. Tables for the {@code wide}
 * preset (H = 400 features, Z = 100, K = 10 modes, G gates, D = 784):
 * <pre>
 * params       mu.weight [Z, H] logvar.weight [Z, H] mu.bias logvar.bias  prior.means [K, Z] prior.logvars [K, Z]
 *              dec1.weight [400, Z] dec1.bias  dec2.weight [400, 400] dec2.bias  out.weight [D, 400] out.bias
 * buffers      gate1.mask [400, G]  gate2.mask [400, G] (transposed: unit by context; 0 with the gating
 *              proportion)  gate.bias [1, 400] (zeros)
 * activations  stats [B, 2Z] (mu | logvar)  eps [B, Z]  z [B, Z]  modes [B, K]  contexts [B, G]  d1 [B, 400]
 *              g1 [B, 400]  d2  g2  logits [B, D]  (trainable: dlogits dd2 dd1 dz dstats dfeatures)  workspace
 * </pre>
 * A gated layer computes {@code relu(W x + b) * (contexts M^T)}: with 0/1 masks and mode weights that sum to one
 * the gate is in [0, 1], so gating after the ReLU equals the reference's gating before it. {@code contexts} is
 * each row's one-hot class or task, or a replayed sample's soft target (a convex mix of masks). The prior's
 * means and log-variances start as standard normals, as in the reference code.
 */
public final class FeedbackVae extends Model {
    private final int features;
    private final int z;
    private final int modes;
    private final int gates;
    private final int d;
    private final Linear heads;
    private final List<Linear> decoder = new ArrayList<>();
    private final Layout.Entry means;
    private final Layout.Entry logvars;
    private final List<Layout.Entry> masks = new ArrayList<>();
    private Layout.Entry gateBias;
    private final Layout.Entry stats;
    private final Layout.Entry eps;
    private final Layout.Entry zs;
    private final Layout.Entry modeWeights;
    private final Layout.Entry contextWeights;
    private final List<Layout.Entry> dd = new ArrayList<>();
    private final List<Layout.Entry> gg = new ArrayList<>();
    private final Layout.Entry logits;
    private final List<Layout.Entry> ddd = new ArrayList<>();
    private Layout.Entry dlogits;
    private Layout.Entry dz;
    private Layout.Entry dstats;
    private Layout.Entry dfeatures;
    /** Heap staging for generation: latent draws and one-hot contexts, and the prior read once per draw. */
    private final float[] staging;
    private final float[] contextStaging;
    private final float[] priorStaging;

    /**
     * @param features       the classifier's last hidden width (the encoder's output)
     * @param hidden         the classifier's hidden widths: the decoder mirrors them
     * @param latent         Z
     * @param output         D, the image size
     * @param modes          K, prior modes (one per class)
     * @param gates          G, gate contexts (classes or tasks); 0 for an ungated decoder
     * @param gateProportion each unit's chance to be gated off per context (the masks are drawn from
     *                       {@code init}'s stream; ignored when {@code init} is null: a copy gets its masks copied)
     */
    public FeedbackVae(Backend backend, String name, int features, int[] hidden, int latent, int output, int modes,
            int gates, double gateProportion, int maxBatch, int[] otherBatches, OptimizerConfig optimizer, Rng init) {
        super(backend, name, maxBatch, optimizer);
        if (modes < 1 || latent < 1 || gates < 0 || !(gateProportion >= 0 && gateProportion < 1)) {
            throw new IllegalArgumentException("feedback VAE " + name + ": need modes >= 1, latent >= 1, gates >= 0 "
                    + "and a gating proportion in [0, 1), got " + modes + ", " + latent + ", " + gates + ", "
                    + gateProportion);
        }
        planBatches(otherBatches);
        this.features = features;
        this.z = latent;
        this.modes = modes;
        this.gates = gates;
        this.d = output;
        Layout p = parameters();
        Layout.Entry muW = p.add("mu.weight", z, features);
        p.add("logvar.weight", z, features);
        Layout.Entry muB = p.add("mu.bias", 1, z);
        p.add("logvar.bias", 1, z);
        heads = register(new Linear("heads", new Layout.Entry("heads.weight", muW.offset(), 2 * z, features),
                new Layout.Entry("heads.bias", muB.offset(), 1, 2 * z), Activation.NONE));
        means = p.add("prior.means", modes, z);
        logvars = p.add("prior.logvars", modes, z);
        stats = activation("stats", 2 * z);
        eps = activation("eps", z);
        zs = activation("z", z);
        modeWeights = activation("modes", modes);
        contextWeights = gates > 0 ? activation("contexts", gates) : null;
        int width = z;
        int widest = 0;
        for (int i = hidden.length - 1; i >= 0; i--) {
            int k = hidden.length - i;
            decoder.add(linear("dec" + k, width, hidden[i], hidden[i], Activation.RELU));
            dd.add(activation("d" + k, hidden[i]));
            if (gates > 0) {
                masks.add(buffer("gate" + k + ".mask", hidden[i], gates));
                gg.add(activation("g" + k, hidden[i]));
                gemm(gates, hidden[i]);
            }
            widest = Math.max(widest, hidden[i]);
            width = hidden[i];
        }
        if (gates > 0) {
            gateBias = buffer("gate.bias", 1, widest);
        }
        decoder.add(linear("out", width, d, d, Activation.NONE));
        logits = activation("logits", d);
        if (optimizer != null) {
            dlogits = activation("dlogits", d);
            for (Layout.Entry a : dd) {
                ddd.add(activation("d" + a.name(), a.cols()));
            }
            dz = activation("dz", z);
            dstats = activation("dstats", 2 * z);
            dfeatures = activation("dfeatures", features);
        }
        allocate();
        staging = new float[maxBatch * z];
        contextStaging = new float[maxBatch * Math.max(gates, 1)];
        priorStaging = new float[2 * modes * z];
        if (init != null) {
            for (Linear l : layers()) {
                l.initRows(init, 0, l.out());
            }
            float[] prior = new float[modes * z];
            init.fillGaussian(prior, 0, prior.length);
            param(means).copyFrom(prior);
            init.fillGaussian(prior, 0, prior.length);
            param(logvars).copyFrom(prior);
            for (Layout.Entry m : masks) {
                float[] mask = new float[m.rows() * m.cols()];
                for (int i = 0; i < mask.length; i++) {
                    mask[i] = init.nextDouble() < gateProportion ? 0f : 1f;
                }
                buffer(m).copyFrom(mask);
            }
        }
    }

    private Tensor param(Layout.Entry e) {
        return parameters().view(parameterBlock().block(), e);
    }

    private Tensor grad(Layout.Entry e) {
        return gradientOutsideLayers(e);
    }

    public int latent() {
        return z;
    }

    public int modes() {
        return modes;
    }

    /** Gate contexts (0: ungated). */
    public int gates() {
        return gates;
    }

    /** The prior's means {@code [K, Z]}. */
    public Tensor priorMeans() {
        return param(means);
    }

    public Tensor priorLogvars() {
        return param(logvars);
    }

    /** The transposed gate mask of decoder hidden layer {@code k} (1-based), {@code [H_k, G]}. */
    public Tensor gateMask(int k) {
        return buffer(masks.get(k - 1));
    }

    public Tensor mu(int batch) {
        return slot(stats, batch).cols(0, z);
    }

    public Tensor logvar(int batch) {
        return slot(stats, batch).cols(z, 2 * z);
    }

    /** Reparameterisation noise {@code [batch, Z]}: {@link #sampleNoise} or set directly (tests). */
    public Tensor noise(int batch) {
        return slot(eps, batch);
    }

    /** Each row's prior-mode weights {@code [batch, K]}: the caller writes them before {@link #loss}. */
    public Tensor modeWeights(int batch) {
        return slot(modeWeights, batch);
    }

    /** Each row's gate context weights {@code [batch, G]}: the caller writes them before {@link #forward}. */
    public Tensor contextWeights(int batch) {
        if (contextWeights == null) {
            throw new IllegalStateException("feedback VAE " + name() + " has no gates");
        }
        return slot(contextWeights, batch);
    }

    public Tensor logits(int batch) {
        return slot(logits, batch);
    }

    /** The gradient this model sends back to the classifier's last hidden layer (after {@link #backward}). */
    public Tensor featuresGrad(int batch) {
        return slot(dfeatures, batch);
    }

    public void sampleNoise(int batch, Rng rng) {
        rng.fillGaussian(staging, 0, batch * z);
        noise(batch).copyFrom(staging, 0);
    }

    /** Latent heads on the classifier's features {@code [batch, H]}, reparameterisation, gated decoder. */
    public void forward(Tensor featuresIn, int batch) {
        Tensor ws = workspace();
        heads.forward(backend, slot(stats, batch), featuresIn, ws);
        backend.reparameterize(slot(zs, batch), mu(batch), logvar(batch), noise(batch));
        decode(batch);
        if (isTrainable()) {
            backend.fill(slot(dstats, batch), 0f);
        }
    }

    private void decode(int batch) {
        Tensor ws = workspace();
        Tensor in = slot(zs, batch);
        for (int i = 0; i < decoder.size(); i++) {
            boolean last = i == decoder.size() - 1;
            Tensor out = last ? slot(logits, batch) : slot(dd.get(i), batch);
            decoder.get(i).forward(backend, out, in, ws);
            if (!last && gates > 0) {
                Tensor g = slot(gg.get(i), batch);
                Tensor mask = buffer(masks.get(i));
                backend.linearForward(g, slot(contextWeights, batch), mask, buffer(gateBias).cols(0, mask.rows()),
                        Activation.NONE, ws);
                backend.multiply(out, out, g);
            }
            in = out;
        }
    }

    @Override
    public void prepare(int batch) {
        boolean train = isTrainable();
        Tensor featuresIn = train ? slot(dfeatures, batch) : null;
        if (train) {
            // The features tensor belongs to the classifier; any [batch, H] tensor has the shape that matters here.
            heads.prepareForward(backend, slot(stats, batch), featuresIn);
            heads.prepareBackward(backend, slot(dfeatures, batch), false, slot(dstats, batch), featuresIn);
        }
        Tensor in = slot(zs, batch);
        for (int i = 0; i < decoder.size(); i++) {
            boolean last = i == decoder.size() - 1;
            Tensor out = last ? slot(logits, batch) : slot(dd.get(i), batch);
            decoder.get(i).prepareForward(backend, out, in);
            if (!last && gates > 0) {
                Tensor mask = buffer(masks.get(i));
                backend.prepareLinearForward(slot(gg.get(i), batch), slot(contextWeights, batch), mask,
                        buffer(gateBias).cols(0, mask.rows()), Activation.NONE);
            }
            if (train) {
                Tensor dOut = last ? slot(dlogits, batch) : slot(ddd.get(i), batch);
                decoder.get(i).prepareBackward(backend, i == 0 ? slot(dz, batch) : slot(ddd.get(i - 1), batch), false,
                        dOut, in);
            }
            in = out;
        }
    }

    /**
     * Brain-inspired replay's generative loss of rows [from, to) (call after {@link #forward}): the Bernoulli
     * reconstruction of {@code images} (those rows, pixel values in [0, 1]) times {@code reconWeight}, plus the
     * mixture-prior KL with the rows' {@link #modeWeights} times {@code klWeight}. The reference averages both over
     * pixels: pass {@code weight / (rows * D)}. Writes the logits' gradient for those rows and adds the KL's to
     * the heads' and the prior's.
     */
    public double loss(int from, int to, Tensor images, float reconWeight, float klWeight) {
        int batch = to;
        double rec = backend.bceWithLogits(slot(dlogits, batch).rows(from, to), slot(logits, batch).rows(from, to),
                images, reconWeight);
        Tensor ds = slot(dstats, batch).rows(from, to);
        double kl = backend.mixtureKl(ds.cols(0, z), ds.cols(z, 2 * z), grad(means), grad(logvars),
                mu(batch).rows(from, to), logvar(batch).rows(from, to), noise(batch).rows(from, to), param(means),
                param(logvars), modeWeights(batch).rows(from, to), klWeight);
        return rec + kl;
    }

    /**
     * Backpropagates the gradients {@link #loss} wrote into this model's gradient block (accumulating) and writes
     * {@link #featuresGrad}, the classifier's share, for {@code Mlp.backward(batch, featuresGrad)}.
     */
    public void backward(Tensor featuresIn, int batch) {
        Tensor ws = workspace();
        for (int i = decoder.size() - 1; i >= 0; i--) {
            Tensor dOut = i == decoder.size() - 1 ? slot(dlogits, batch) : slot(ddd.get(i), batch);
            Tensor in = i == 0 ? slot(zs, batch) : slot(dd.get(i - 1), batch);
            Tensor dIn = i == 0 ? slot(dz, batch) : slot(ddd.get(i - 1), batch);
            decoder.get(i).backward(backend, dIn, false, dOut, in, ws);
            if (i > 0) {
                if (gates > 0) {
                    backend.multiply(dIn, dIn, slot(gg.get(i - 1), batch));
                }
                // The gated output is positive exactly where the gate and the pre-activation are.
                backend.reluBackward(dIn, in, dIn);
            }
        }
        backend.reparameterizeBackward(slot(dstats, batch).cols(0, z), slot(dstats, batch).cols(z, 2 * z),
                slot(dz, batch), logvar(batch), noise(batch));
        heads.backward(backend, slot(dfeatures, batch), false, slot(dstats, batch), featuresIn, ws);
    }

    /**
     * Draws {@code batch} samples: row r from prior mode {@code modeOf[r]} ({@code z = mean + exp(logvar / 2) eps}),
     * decoded through the gates of context {@code contextOf[r]} (ignored when ungated). Returns the pixel
     * probabilities {@code [batch, D]}.
     */
    public Tensor generate(int batch, Rng rng, int[] modeOf, int[] contextOf) {
        checkBatch(batch);
        Tensor m = param(means);
        Tensor lv = param(logvars);
        m.block().readFloats(m.offset(), priorStaging, 0, modes * z);
        lv.block().readFloats(lv.offset(), priorStaging, modes * z, modes * z);
        for (int r = 0; r < batch; r++) {
            int k = modeOf[r];
            if (k < 0 || k >= modes) {
                throw new IllegalArgumentException("mode " + k + " outside [0, " + modes + ")");
            }
            for (int j = 0; j < z; j++) {
                float mean = priorStaging[k * z + j];
                float std = (float) Math.exp(0.5 * priorStaging[modes * z + k * z + j]);
                staging[r * z + j] = mean + std * (float) rng.nextGaussian();
            }
        }
        slot(zs, batch).copyFrom(staging, 0);
        if (gates > 0) {
            java.util.Arrays.fill(contextStaging, 0, batch * gates, 0f);
            for (int r = 0; r < batch; r++) {
                int c = contextOf[r];
                if (c < 0 || c >= gates) {
                    throw new IllegalArgumentException("gate context " + c + " outside [0, " + gates + ")");
                }
                contextStaging[r * gates + c] = 1f;
            }
            slot(contextWeights, batch).copyFrom(contextStaging, 0);
        }
        decode(batch);
        Tensor out = slot(logits, batch);
        backend.sigmoid(out, out);
        return out;
    }

    /** Multiply-accumulates per generated sample: the decoder's layers and its gate products. */
    public long decoderMacsPerSample() {
        long n = 0;
        for (int i = 0; i < decoder.size(); i++) {
            n += decoder.get(i).forwardMacs();
            if (i < decoder.size() - 1 && gates > 0) {
                n += (long) gates * decoder.get(i).out();
            }
        }
        return n;
    }

    /** A frozen copy (parameters, masks and forward activations only). */
    public FeedbackVae frozenCopy(String copyName, int copyMaxBatch, int[] hidden) {
        FeedbackVae copy = new FeedbackVae(backend, copyName, features, hidden, z, d, modes, gates, 0, copyMaxBatch,
                new int[0], null, null);
        copy.copyParametersFrom(this);
        return copy;
    }
}
