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
 * An MLP classifier with a head that can grow. Tables for {@code seed} (784-50-50-50-10):
 * <pre>
 * params       fc1.weight [50, 784]  fc1.bias [1, 50]  ...  fc4.weight [C, 50]  fc4.bias [1, C]
 * activations  x [B, 784]  h1 [B, 50]  h2  h3  logits [B, C]  (trainable: dh1 dh2 dh3 dlogits)  workspace
 * </pre>
 */
public final class Mlp extends Model {
    private final MlpSpec spec;
    private final List<Linear> fcs = new ArrayList<>();
    /** h[0] = x, h[i] = output of fc_i, the last being the logits slot. */
    private final List<Layout.Entry> h = new ArrayList<>();
    /** dh[i] = gradient of h[i] (dh[0] unused: inputs need no gradient). */
    private final List<Layout.Entry> dh = new ArrayList<>();
    /** Logits views of the active head by batch size (remade when the head grows). */
    private final Tensor[] logitViews;
    private final Tensor[] logitGradViews;

    /**
     * @param optimizer null for a frozen (inference-only) model
     * @param init      initialises the parameters; null leaves them zero (for copies)
     */
    public Mlp(Backend backend, String name, MlpSpec spec, int maxBatch, OptimizerConfig optimizer, Rng init) {
        this(backend, name, spec, maxBatch, new int[0], optimizer, init);
    }

    /**
     * As above, for steps of {@code otherBatches} rows too (each at most {@code maxBatch}): the workspace
     * serves every one of them.
     */
    public Mlp(Backend backend, String name, MlpSpec spec, int maxBatch, int[] otherBatches,
            OptimizerConfig optimizer, Rng init) {
        super(backend, name, maxBatch, optimizer);
        planBatches(otherBatches);
        this.spec = spec;
        int[] hidden = spec.hidden();
        int width = spec.input();
        h.add(activation("x", width));
        for (int i = 0; i < hidden.length; i++) {
            fcs.add(linear("fc" + (i + 1), width, hidden[i], hidden[i], Activation.RELU));
            h.add(activation("h" + (i + 1), hidden[i]));
            width = hidden[i];
        }
        fcs.add(linear("fc" + (hidden.length + 1), width, spec.outputCapacity(), spec.initialOutputs(),
                Activation.NONE));
        h.add(activation("logits", spec.outputCapacity()));
        if (optimizer != null) {
            dh.add(null);
            for (int i = 1; i < h.size(); i++) {
                Layout.Entry e = h.get(i);
                dh.add(activation("d" + e.name(), e.cols()));
            }
        }
        allocate();
        logitViews = new Tensor[maxBatch + 1];
        logitGradViews = new Tensor[maxBatch + 1];
        if (init != null) {
            for (Linear l : fcs) {
                l.initRows(init, 0, l.out());
            }
        }
    }

    public MlpSpec spec() {
        return spec;
    }

    private Linear head() {
        return fcs.get(fcs.size() - 1);
    }

    /** Active outputs. */
    public int outputs() {
        return head().out();
    }

    /** The input slot {@code x [batch, IN]}: batch assembly writes here. */
    public Tensor input(int batch) {
        return slot(h.get(0), batch);
    }

    /** {@code logits [batch, active outputs]}. */
    public Tensor logits(int batch) {
        return activeView(h.get(h.size() - 1), batch);
    }

    /** {@code dlogits [batch, active outputs]}: the loss writes here before {@link #backward}. */
    public Tensor logitsGrad(int batch) {
        return activeView(dh.get(dh.size() - 1), batch);
    }

    private Tensor activeView(Layout.Entry e, int batch) {
        checkBatch(batch);
        Tensor[] cache = e == h.get(h.size() - 1) ? logitViews : logitGradViews;
        Tensor t = cache[batch];
        if (t == null || t.cols() != outputs()) {
            t = new Tensor(slot(e, batch).block(), e.offset(), batch, outputs(), outputs());
            cache[batch] = t;
        }
        return t;
    }

    /** The last hidden layer's output {@code [batch, H_L]}: the features a feedback head reads. */
    public Tensor lastHidden(int batch) {
        return slot(h.get(h.size() - 2), batch);
    }

    /** Hidden activation {@code i} (1-based, as fc_i's output), for tests and diagnostics. */
    public Tensor hidden(int i, int batch) {
        return slot(h.get(i), batch);
    }

    /**
     * {@code dh_i [batch, H_i]}: after {@link #backward}, each row's gradient with respect to fc_i's
     * pre-activation output (1-based, hidden layers only; the last layer's is {@link #logitsGrad}). Row by row
     * these are per-sample quantities, which is what a per-sample gradient (EWC's Fisher) is built from.
     */
    public Tensor hiddenGrad(int i, int batch) {
        if (!isTrainable() || i < 1 || i >= h.size() - 1) {
            throw new IllegalArgumentException("model " + name() + " has hidden gradients dh1..dh" + (h.size() - 2)
                    + (isTrainable() ? "" : " only when trainable") + ", asked for dh" + i);
        }
        return slot(dh.get(i), batch);
    }

    public void forward(int batch) {
        Tensor ws = workspace();
        for (int i = 0; i < fcs.size(); i++) {
            Tensor in = slot(h.get(i), batch);
            Tensor out = i == fcs.size() - 1 ? logits(batch) : slot(h.get(i + 1), batch);
            fcs.get(i).forward(backend, out, in, ws);
        }
    }

    @Override
    public void prepare(int batch) {
        for (int i = 0; i < fcs.size(); i++) {
            Tensor in = slot(h.get(i), batch);
            Tensor out = i == fcs.size() - 1 ? logits(batch) : slot(h.get(i + 1), batch);
            fcs.get(i).prepareForward(backend, out, in);
            if (isTrainable()) {
                Tensor dOut = i == fcs.size() - 1 ? logitsGrad(batch) : slot(dh.get(i + 1), batch);
                fcs.get(i).prepareBackward(backend, i == 0 ? null : slot(dh.get(i), batch), false, dOut, in);
            }
        }
    }

    /** Backpropagates {@link #logitsGrad} (written by a loss) into the gradient block (accumulating). */
    public void backward(int batch) {
        backward(batch, null);
    }

    /**
     * As {@link #backward(int)}, with {@code lastHiddenGrad [batch, H_L]} (null for none) added to the gradient
     * of the last hidden layer's output: what a second head reading that layer sends back (the VAE half of a
     * replay-through-feedback network, whose encoder is this classifier).
     */
    public void backward(int batch, Tensor lastHiddenGrad) {
        Tensor ws = workspace();
        for (int i = fcs.size() - 1; i >= 0; i--) {
            Tensor dOut = i == fcs.size() - 1 ? logitsGrad(batch) : slot(dh.get(i + 1), batch);
            Tensor in = slot(h.get(i), batch);
            Tensor dIn = i == 0 ? null : slot(dh.get(i), batch);
            fcs.get(i).backward(backend, dIn, false, dOut, in, ws);
            if (dIn != null && lastHiddenGrad != null && i == fcs.size() - 1) {
                backend.axpby(dIn, lastHiddenGrad, 1f, 1f);
            }
            if (dIn != null) {
                backend.reluBackward(dIn, in, dIn);
            }
        }
    }

    /**
     * Activates {@code newOutputs} head units: old rows, their gradients and optimiser state stay as they
     * are; new rows get PyTorch's default initialisation from {@code rng} (their optimiser state is still
     * zero, as it is never touched while inactive: their gradients are zero).
     */
    public void growHead(int newOutputs, Rng rng) {
        int old = outputs();
        head().setActive(newOutputs);
        head().initRows(rng, old, newOutputs);
    }

    /** Sets the number of active outputs without initialising anything: for restoring saved parameters. */
    public void restoreOutputs(int n) {
        if (n < outputs()) {
            throw new IllegalArgumentException("a head cannot shrink: has " + outputs() + " outputs, asked for " + n);
        }
        head().setActive(n);
    }

    /** A frozen copy (parameters and forward activations only) with the same active outputs. */
    public Mlp frozenCopy(String copyName, int copyMaxBatch) {
        Mlp copy = new Mlp(backend, copyName, spec, copyMaxBatch, null, null);
        copy.copyParametersFrom(this);
        return copy;
    }

    @Override
    public void prepareToLoad(java.util.Map<String, long[]> shapes) {
        long[] head = shapes.get(head().weightEntry().name());
        if (head != null && head.length == 2 && head[0] > outputs() && head[0] <= head().capacity()) {
            head().setActive((int) head[0]);
        }
    }

    @Override
    public void copyParametersFrom(Model other) {
        super.copyParametersFrom(other);
        if (other instanceof Mlp m && m.outputs() != outputs()) {
            head().setActive(m.outputs());
        }
    }
}
