package dev.rehearsal.nn;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.Layout;
import dev.rehearsal.tensor.Tensor;

/**
 * A fully connected layer {@code y [B, OUT] = act(x [B, IN] · w [OUT, IN]^T + b [1, OUT])}, PyTorch's
 * layout. Its weight can hold more output rows than are active ({@code capacity} vs {@code active}): a
 * classifier head grows by activating rows, keeping the old ones and their optimiser state in place.
 */
public final class Linear {
    private final String name;
    private final int in;
    private final int capacity;
    private final Activation act;
    private final Layout.Entry weightEntry;
    private final Layout.Entry biasEntry;
    private int active;
    private Block params;
    private Block grads;
    /** w, b, dw, db of the active rows, made when bound or grown rather than on every call. */
    private Tensor weight;
    private Tensor bias;
    private Tensor weightGrad;
    private Tensor biasGrad;
    /** dw's rows past the active ones (null when all are active), zeroed where the active ones are overwritten. */
    private Tensor inactiveWeightGrad;
    /** dw's whole entry, every row. */
    private Tensor wholeWeightGrad;
    /**
     * True from the model's zeroGrad until dw is written: dw is then logically zero though its floats are stale, so
     * the next backward writes it instead of adding to it, and anything else that reads it first zeroes it.
     */
    private boolean weightGradPending;

    /** Declares {@code name.weight [capacity, in]} and {@code name.bias [1, capacity]} in {@code table}. */
    Linear(Layout table, String name, int in, int capacity, int active, Activation act) {
        if (in <= 0 || capacity <= 0 || active <= 0 || active > capacity) {
            throw new IllegalArgumentException("layer " + name + ": need in > 0 and 0 < active <= capacity, got in="
                    + in + " active=" + active + " capacity=" + capacity);
        }
        this.name = name;
        this.in = in;
        this.capacity = capacity;
        this.active = active;
        this.act = act;
        this.weightEntry = table.add(name + ".weight", capacity, in);
        this.biasEntry = table.add(name + ".bias", 1, capacity);
    }

    /**
     * A layer over entries declared elsewhere: {@code weight} spans [OUT, IN] and {@code bias} [1, OUT], e.g.
     * the VAE's mu and logvar heads, declared as four adjacent entries and run as one GEMM.
     */
    Linear(String name, Layout.Entry weight, Layout.Entry bias, Activation act) {
        if (bias.cols() != weight.rows() || bias.rows() != 1) {
            throw new IllegalArgumentException("layer " + name + ": bias " + bias + " does not match weight " + weight);
        }
        this.name = name;
        this.in = weight.cols();
        this.capacity = weight.rows();
        this.active = weight.rows();
        this.act = act;
        this.weightEntry = weight;
        this.biasEntry = bias;
    }

    /** Binds the layer to its model's parameter and gradient blocks (grads null for a frozen model). */
    void bind(Block paramBlock, Block gradBlock) {
        this.params = paramBlock;
        this.grads = gradBlock;
        makeViews();
    }

    private void makeViews() {
        weight = new Tensor(params, weightEntry.offset(), active, in, in);
        bias = new Tensor(params, biasEntry.offset(), 1, active, active);
        if (grads != null) {
            weightGrad = new Tensor(grads, weightEntry.offset(), active, in, in);
            biasGrad = new Tensor(grads, biasEntry.offset(), 1, active, active);
            wholeWeightGrad = new Tensor(grads, weightEntry.offset(), capacity, in, in);
            inactiveWeightGrad = active == capacity ? null
                    : new Tensor(grads, weightEntry.offset() + (long) active * in, capacity - active, in, in);
        }
    }

    public String name() {
        return name;
    }

    public int in() {
        return in;
    }

    /** Active outputs. */
    public int out() {
        return active;
    }

    public int capacity() {
        return capacity;
    }

    public Activation activation() {
        return act;
    }

    public Layout.Entry weightEntry() {
        return weightEntry;
    }

    public Layout.Entry biasEntry() {
        return biasEntry;
    }

    /** {@code w [OUT, IN]}: the active rows. */
    public Tensor weight() {
        return weight;
    }

    public Tensor bias() {
        return bias;
    }

    /** Marks dw as zero without writing it: the next {@link #backward} overwrites it (see the field). */
    void deferZeroGradient() {
        requireGrad(weightGrad);
        weightGradPending = true;
    }

    /** Writes the zeros a deferred zeroing stands for, if dw has not been written since. */
    void settleGradient(Backend be) {
        if (weightGradPending) {
            be.fill(wholeWeightGrad, 0f);
            weightGradPending = false;
        }
    }

    public Tensor biasGrad() {
        return requireGrad(biasGrad);
    }

    private Tensor requireGrad(Tensor t) {
        if (t == null) {
            throw new IllegalStateException("layer " + name + " has no gradients (a frozen model)");
        }
        return t;
    }

    /** Parameters of the active part. */
    public long parameterCount() {
        return (long) active * in + active;
    }

    /** Multiply-accumulates per sample of the forward pass. */
    public long forwardMacs() {
        return (long) active * in;
    }

    public void forward(Backend be, Tensor y, Tensor x, Tensor workspace) {
        be.linearForward(y, x, weight(), bias(), act, workspace);
    }

    /** Creates what {@link #forward} needs for these operands, computing nothing (see {@link Backend}). */
    public void prepareForward(Backend be, Tensor y, Tensor x) {
        be.prepareLinearForward(y, x, weight(), bias(), act);
    }

    /** Creates what {@link #backward} needs for these operands, computing nothing (dw written or added to). */
    public void prepareBackward(Backend be, Tensor dx, boolean accumulateDx, Tensor dy, Tensor x) {
        be.prepareLinearBackward(dx, accumulateDx, requireGrad(weightGrad), dy, x, weight());
    }

    /**
     * Accumulates dw, db; writes (or adds to) dx unless it is null. Does not undo the activation. After the model's
     * zeroGrad, dw is written rather than added to (the same floats as zeros plus the product, without a pass
     * that writes the zeros first and a GEMM that reads them back).
     */
    public void backward(Backend be, Tensor dx, boolean accumulateDx, Tensor dy, Tensor x, Tensor workspace) {
        boolean overwrite = weightGradPending && x.rows() > 0;
        if (overwrite && inactiveWeightGrad != null) {
            be.fill(inactiveWeightGrad, 0f);
        }
        be.linearBackward(dx, accumulateDx, requireGrad(weightGrad), !overwrite, biasGrad(), dy, x, weight(),
                workspace);
        weightGradPending &= !overwrite;
    }

    /**
     * PyTorch's default initialisation of {@code nn.Linear} (Kaiming uniform with a = sqrt(5)): weights and
     * biases uniform in +-1/sqrt(in). Initialises rows [from, to) only.
     */
    void initRows(Rng rng, int from, int to) {
        double bound = 1.0 / Math.sqrt(in);
        float[] w = new float[(to - from) * in];
        rng.fillUniform(w, 0, w.length, -bound, bound);
        new Tensor(params, weightEntry.offset() + (long) from * in, to - from, in, in).copyFrom(w);
        float[] b = new float[to - from];
        rng.fillUniform(b, 0, b.length, -bound, bound);
        new Tensor(params, biasEntry.offset() + from, 1, to - from, to - from).copyFrom(b);
    }

    /** Activates {@code newActive} outputs; the caller initialises the new rows. */
    void setActive(int newActive) {
        if (newActive < active || newActive > capacity) {
            throw new IllegalArgumentException("layer " + name + " can grow from " + active + " to at most " + capacity
                    + " outputs, asked for " + newActive);
        }
        this.active = newActive;
        makeViews();
    }
}
