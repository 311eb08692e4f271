package dev.rehearsal.nn;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.optim.Optimizer;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Layout;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A network and the memory it owns: one arena with four blocks allocated once,
 * <ul>
 *   <li>{@code params [P]}: every parameter, the slices named by {@link #parameterTable()};</li>
 *   <li>{@code grads [P]}: the same table over gradients (trainable models only);</li>
 *   <li>{@code optimizer [k P]}: the optimiser state, k = 2 for Adam (trainable models only);</li>
 *   <li>{@code activations [A]}: every activation (and its gradient) for {@link #maxBatch()} rows;</li>
 *   <li>{@code workspace [W]}: what the backend's linear ops need at the batch sizes the model runs (the oneDNN
 *       scratchpad, bfloat16 operand copies), a block of its own because the library sizes it for the machine,
 *       thread count and wait policy ({@link MemoryBlock#workspace()}): the other blocks follow from the config.</li>
 * </ul>
 * A frozen model (no optimiser config) has only parameters, forward activations and their workspace.
 */
public abstract class Model implements AutoCloseable {
    /** One block of the model's arena with its exact size; {@code workspace} for the backend's workspace block. */
    public record MemoryBlock(String name, long bytes, boolean workspace) {
    }

    protected final Backend backend;
    private final String name;
    private final int maxBatch;
    /** Batch sizes the workspace must serve besides the largest (oneDNN's scratchpad is not monotonic in them). */
    private int[] otherBatches = new int[0];
    private final OptimizerConfig optimizerConfig;
    private final Layout parameterTable;
    private final Layout activationTable;
    /** Constants that are neither parameters nor per-row activations (fixed gate masks), in their own block. */
    private final Layout bufferTable;
    private final List<Linear> layers = new ArrayList<>();
    /** {in, out} of GEMMs a model issues outside its layers (gate products): the workspace serves them too. */
    private final List<int[]> otherGemms = new ArrayList<>();
    /** Layers that run on several rows per batch row (a decoder of importance samples), with that factor. */
    private final Map<Linear, Integer> rowsPerBatchRow = new java.util.IdentityHashMap<>();
    private final Map<String, Linear> layerOfEntry = new LinkedHashMap<>();
    private Arena arena;
    private Block params;
    private Block grads;
    private Block optimizerState;
    private Block activations;
    private Block buffers;
    private Block workspace;
    /** The whole workspace block as one view, made once. */
    private Tensor workspaceView;
    private Optimizer optimizer;
    /** The gradient block's runs outside every layer's weight, which zeroGrad fills (a step creates no views). */
    private List<Tensor> gradientsOutsideWeights = List.of();
    /** Views of activation slots by batch size: a training step creates no objects. */
    private final java.util.IdentityHashMap<Layout.Entry, Tensor[]> views = new java.util.IdentityHashMap<>();

    protected Model(Backend backend, String name, int maxBatch, OptimizerConfig optimizerConfig) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("model " + name + ": batch size must be >= 1, got " + maxBatch);
        }
        this.backend = backend;
        this.name = name;
        this.maxBatch = maxBatch;
        this.optimizerConfig = optimizerConfig;
        this.parameterTable = new Layout(name + ".params");
        this.activationTable = new Layout(name + ".activations");
        this.bufferTable = new Layout(name + ".buffers");
    }

    // ---- declaration (subclass constructors), then allocation -----------------------------------

    protected final Linear linear(String layerName, int in, int capacity, int active, Activation act) {
        return register(new Linear(parameterTable, layerName, in, capacity, active, act));
    }

    protected final Linear register(Linear layer) {
        layers.add(layer);
        layerOfEntry.put(layer.weightEntry().name(), layer);
        layerOfEntry.put(layer.biasEntry().name(), layer);
        return layer;
    }

    protected final Layout parameters() {
        return parameterTable;
    }

    /** Declares an activation slot of {@code cols} features for every row of the largest batch. */
    protected final Layout.Entry activation(String slot, int cols) {
        return activationTable.add(slot, maxBatch, cols);
    }

    /**
     * Declares an activation slot of {@code cols} features for {@code perBatchRow} rows per row of the largest
     * batch (a decoder that runs on S samples of each input: S times the rows).
     */
    protected final Layout.Entry activation(String slot, int perBatchRow, int cols) {
        if (perBatchRow < 1 || (long) maxBatch * perBatchRow > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("model " + name + ": slot " + slot + " needs 1 <= rows per batch row "
                    + "and at most 2^31 - 1 rows, got " + perBatchRow + " x " + maxBatch);
        }
        return activationTable.add(slot, maxBatch * perBatchRow, cols);
    }

    /**
     * Declares, before {@link #allocate}, that {@code layer} runs on {@code perBatchRow} rows per batch row (its
     * input and output slots are declared so): the workspace is sized for those rows.
     */
    protected final void runsOnRowsPerBatchRow(Linear layer, int perBatchRow) {
        rowsPerBatchRow.put(layer, perBatchRow);
    }

    /**
     * Declares a constant {@code [rows, cols]} block entry: not trained, not per row, copied with the
     * parameters (a frozen copy needs it) and counted in {@link #memory()} as the "buffers" block.
     */
    protected final Layout.Entry buffer(String entry, int rows, int cols) {
        return bufferTable.add(entry, rows, cols);
    }

    /** The view of a buffer entry (after {@link #allocate}). */
    protected final Tensor buffer(Layout.Entry e) {
        return bufferTable.view(buffers, e);
    }

    /**
     * Declares batch sizes below the largest that steps will use, before {@link #allocate}: the workspace is
     * sized for each of them too (a weight gradient's scratchpad can be larger for fewer rows than for more).
     */
    protected final void planBatches(int... batches) {
        for (int b : batches) {
            checkBatch(b);
        }
        otherBatches = batches.clone();
    }

    /** Declares a forward GEMM {@code [rows, in] x [in, out]} issued outside the layers, before {@link #allocate}. */
    protected final void gemm(int in, int out) {
        otherGemms.add(new int[] {in, out});
    }

    /** Allocates the blocks (zeroed) once all layers and activation slots are declared. */
    protected final void allocate() {
        List<int[]> shapes = new ArrayList<>();
        for (int[] g : otherGemms) {
            shapes.add(new int[] {g[0], g[1], 1});
        }
        for (Linear l : layers) {
            shapes.add(new int[] {l.in(), l.capacity(), rowsPerBatchRow.getOrDefault(l, 1)});
        }
        long ws = 0;
        for (int[] g : shapes) {
            ws = Math.max(ws, backend.linearWorkspace(maxBatch * g[2], g[0], g[1]));
            for (int b : otherBatches) {
                ws = Math.max(ws, backend.linearWorkspace(b * g[2], g[0], g[1]));
            }
        }
        arena = backend.newArena(name);
        try {
            params = arena.allocate("params", DType.F32, parameterTable.length());
            activations = arena.allocate("activations", DType.F32, activationTable.length());
            workspace = arena.allocateWorkspace("workspace", Math.toIntExact(ws));
            workspaceView = Tensor.of(workspace, 1, Math.toIntExact(ws));
            if (bufferTable.length() > 0) {
                buffers = arena.allocate("buffers", DType.F32, bufferTable.length());
            }
            if (isTrainable()) {
                grads = arena.allocate("grads", DType.F32, parameterTable.length());
                int k = optimizerConfig.stateFloatsPerParam();
                optimizerState = k == 0 ? null
                        : arena.allocate("optimizer", DType.F32, k * parameterTable.length());
                optimizer = new Optimizer(backend, optimizerConfig, flat(params), flat(grads),
                        optimizerState == null ? null : flat(optimizerState), this::settleGradients);
            }
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        for (Linear l : layers) {
            l.bind(params, grads);
        }
        if (grads != null) {
            gradientsOutsideWeights = outsideWeights(grads);
        }
    }

    /**
     * Views of the gradient block's parts that no layer's weight covers (biases, and parameters outside the
     * layers), each a contiguous run: what {@link #zeroGrad} fills itself.
     */
    private List<Tensor> outsideWeights(Block block) {
        List<long[]> weights = new ArrayList<>();
        for (Linear l : layers) {
            Layout.Entry e = l.weightEntry();
            weights.add(new long[] {e.offset(), e.offset() + (long) e.rows() * e.cols()});
        }
        weights.sort(java.util.Comparator.comparingLong(r -> r[0]));
        List<Tensor> out = new ArrayList<>();
        long at = 0;
        for (long[] w : weights) {
            if (w[0] > at) {
                out.add(new Tensor(block, at, 1, Math.toIntExact(w[0] - at), Math.toIntExact(w[0] - at)));
            }
            at = Math.max(at, w[1]);
        }
        if (parameterTable.length() > at) {
            int n = Math.toIntExact(parameterTable.length() - at);
            out.add(new Tensor(block, at, 1, n, n));
        }
        return List.copyOf(out);
    }

    private static Tensor flat(Block b) {
        return Tensor.of(b, 1, Math.toIntExact(b.length()));
    }

    // ---- views --------------------------------------------------------------------------------

    /**
     * The first {@code batch} rows of an activation slot (views are made once per slot and row count); a slot
     * declared with several rows per batch row takes up to that many times the largest batch.
     */
    protected final Tensor slot(Layout.Entry e, int batch) {
        if (batch < 1 || batch > e.rows()) {
            checkBatch(batch);
            throw new IllegalArgumentException("model " + name + ": slot " + e.name() + " holds " + e.rows()
                    + " rows, asked for " + batch);
        }
        Tensor[] byBatch = views.get(e);
        if (byBatch == null) {
            byBatch = new Tensor[e.rows() + 1];
            views.put(e, byBatch);
        }
        Tensor t = byBatch[batch];
        if (t == null) {
            t = new Tensor(activations, e.offset(), batch, e.cols(), e.cols());
            byBatch[batch] = t;
        }
        return t;
    }

    protected final Tensor workspace() {
        return workspaceView;
    }

    protected final void checkBatch(int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("model " + name + " was planned for batches of 1.." + maxBatch
                    + ", got " + batch);
        }
    }

    public final String name() {
        return name;
    }

    public final Backend backend() {
        return backend;
    }

    public final int maxBatch() {
        return maxBatch;
    }

    public final boolean isTrainable() {
        return optimizerConfig != null;
    }

    public final List<Linear> layers() {
        return Collections.unmodifiableList(layers);
    }

    public final Layout parameterTable() {
        return parameterTable;
    }

    public final Layout activationTable() {
        return activationTable;
    }

    /** All parameters as one dense [1, P] view (active or not). */
    public final Tensor parameterBlock() {
        return flat(params);
    }

    /** Every gradient, as one dense [1, P] view, written out in full (see {@link #zeroGrad}). */
    public final Tensor gradientBlock() {
        requireTrainable();
        settleGradients();
        return flat(grads);
    }

    /**
     * The gradient of a parameter entry no layer's weight covers (a prior's means): {@link #zeroGrad} fills those at
     * once, so this view is whole without the settling that {@link #gradientBlock} does.
     */
    protected final Tensor gradientOutsideLayers(Layout.Entry e) {
        requireTrainable();
        long end = e.offset() + (long) e.rows() * e.cols();
        for (Tensor run : gradientsOutsideWeights) {
            if (run.offset() <= e.offset() && end <= run.offset() + run.cols()) {
                return parameterTable.view(grads, e);
            }
        }
        throw new IllegalArgumentException(e.name() + " overlaps a layer's weight, whose gradient zeroGrad defers");
    }

    /** The optimiser state as one dense view, or null when the optimiser keeps none. */
    public final Tensor optimizerBlock() {
        requireTrainable();
        return optimizerState == null ? null : flat(optimizerState);
    }

    public final Optimizer optimizer() {
        requireTrainable();
        return optimizer;
    }

    private void requireTrainable() {
        if (!isTrainable()) {
            throw new IllegalStateException("model " + name + " is frozen: it has no gradients or optimiser");
        }
    }

    /**
     * Parameters by name as the model uses them: a layer's active rows, everything else whole. These are
     * what a checkpoint stores.
     */
    public final Map<String, Tensor> namedParameters() {
        return named(params);
    }

    /** Gradients by name, with the same shapes as {@link #namedParameters()}. */
    public final Map<String, Tensor> namedGradients() {
        requireTrainable();
        settleGradients();
        return named(grads);
    }

    private Map<String, Tensor> named(Block block) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (Layout.Entry e : parameterTable.entries()) {
            Linear l = layerOfEntry.get(e.name());
            int rows = e.rows();
            int cols = e.cols();
            if (l != null && e == l.weightEntry()) {
                rows = l.out();
            } else if (l != null && e == l.biasEntry()) {
                cols = l.out();
            }
            out.put(e.name(), new Tensor(block, e.offset(), rows, cols, cols));
        }
        return out;
    }

    // ---- counts -------------------------------------------------------------------------------

    /** Parameters in use (active head rows only). */
    public final long parameterCount() {
        long n = 0;
        for (Linear l : layers) {
            n += l.parameterCount();
        }
        return n;
    }

    /** Multiply-accumulates of one sample's forward pass. */
    public final long forwardMacsPerSample() {
        long n = 0;
        for (Linear l : layers) {
            n += l.forwardMacs();
        }
        return n;
    }

    /** The model's blocks with their exact bytes, in allocation order. */
    public final List<MemoryBlock> memory() {
        List<MemoryBlock> out = new ArrayList<>();
        for (Block b : arena.blocks()) {
            out.add(new MemoryBlock(b.name(), b.bytes(), b.isWorkspace()));
        }
        return out;
    }

    /** Exact bytes of all blocks. */
    public final long bytes() {
        return arena.bytes();
    }

    /**
     * Bytes a copy of this model keeps to do its job (what replay memory counts of a generator or a frozen
     * model): its float32 parameters and its buffers, not its gradients, optimiser state or activations.
     */
    public final long keptBytes() {
        return parameterBlock().numel() * DType.F32.bytes() + bufferBytes();
    }

    /** Bytes of the buffers block (constants such as gate masks; 0 without one). */
    public final long bufferBytes() {
        return buffers == null ? 0 : buffers.bytes();
    }

    /** Bytes of the workspace block (the backend's: see {@link MemoryBlock#workspace()}). */
    public final long workspaceBytes() {
        return workspace.bytes();
    }

    // ---- training helpers -------------------------------------------------------------------------

    /**
     * PyTorch's default initialisation of every layer's active rows ({@code nn.Linear}: weights and biases
     * uniform in +-1/sqrt(in)), drawn from {@code rng} layer by layer: what a fresh model starts from.
     */
    public final void initialize(dev.rehearsal.random.Rng rng) {
        for (Linear l : layers) {
            l.initRows(rng, 0, l.out());
        }
    }

    /**
     * Creates everything the backend needs to run this model's forward pass (and backward pass, if it is
     * trainable) at {@code batch} rows with its current outputs, computing nothing: called before training
     * at every batch size a task will use, so that a training step allocates no native memory and creates
     * no primitive. Its layer loops mirror {@code forward} and {@code backward} operand for operand.
     */
    public abstract void prepare(int batch);

    /**
     * Sets every gradient to zero. The layers' weight gradients, nearly all of the block, are not written here:
     * each layer's next backward writes its product instead of adding it to zeros (the same floats, without a
     * pass over the block and a GEMM that reads it back), and whatever reads the gradients first (the optimiser,
     * {@link #gradientBlock}, {@link #namedGradients}) gets zeros for a layer no backward reached. The rest of the
     * block (biases, which their column sums add to, and parameters outside the layers) is filled now.
     */
    public final void zeroGrad() {
        requireTrainable();
        for (Tensor t : gradientsOutsideWeights) {
            backend.fill(t, 0f);
        }
        for (Linear l : layers) {
            l.deferZeroGradient();
        }
    }

    /** Writes the zeros {@link #zeroGrad} deferred for every layer whose weight gradient no backward wrote since. */
    private void settleGradients() {
        for (Linear l : layers) {
            l.settleGradient(backend);
        }
    }

    /**
     * Called before weights are loaded, with the shapes found in the file: a model whose shapes can change
     * (a growing head) adopts them here. The default changes nothing.
     */
    public void prepareToLoad(Map<String, long[]> shapes) {
    }

    /** Copies every parameter from a model of the same architecture on the same backend. */
    public void copyParametersFrom(Model other) {
        if (other.parameterTable.length() != parameterTable.length()) {
            throw new IllegalArgumentException("cannot copy " + other.name + " (" + other.parameterTable.length()
                    + " parameters) into " + name + " (" + parameterTable.length() + ")");
        }
        backend.copy(parameterBlock(), other.parameterBlock());
        if (buffers != null) {
            if (other.buffers == null || other.bufferTable.length() != bufferTable.length()) {
                throw new IllegalArgumentException("cannot copy " + other.name + "'s buffers into " + name);
            }
            backend.copy(flat(buffers), flat(other.buffers));
        }
    }

    @Override
    public void close() {
        if (arena != null) {
            arena.close();
        }
    }
}
