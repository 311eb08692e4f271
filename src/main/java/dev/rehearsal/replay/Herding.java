package dev.rehearsal.replay;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.List;

/**
 * iCaRL's exemplar selection by herding (Rebuffi et al. 2017, Algorithm 4; as van de Ven et al. 2022 run it):
 * given the L2-normalised features {@code f_1 .. f_n} of one class and their normalised mean {@code mu}, pick
 * one sample at a time, the one that brings the mean of the chosen set closest to {@code mu}:
 * <pre>
 * p_k = argmin_i || (S_{k-1} + f_i) / k - mu ||,   S_k = f_{p_1} + ... + f_{p_k},   i not chosen before.
 * </pre>
 * Since {@code ||S + f_i - k mu||^2 = ||f_i||^2 + 2 f_i . (S - k mu) + const}, each pick is one GEMV of the
 * features with {@code q = S - k mu} through {@link Backend#linearForward} (counted where it is issued), and
 * the n scores are copied to the heap for the argmin. The same scratch serves the class means of
 * nearest-mean-of-exemplars classification ({@link #mean}).
 *
 * <pre>
 * features [N, D]  L2-normalised features of one class (or of one class's exemplars)
 * mean [1, D]  sum [1, D]  query [1, D]   scores [N, 1]   workspace (the backend's, for the GEMV)
 * </pre>
 */
public final class Herding implements AutoCloseable {
    private final Backend backend;
    private final int maxRows;
    private final int dim;
    private final Arena arena;
    private final Tensor features;
    private final Tensor mean;
    private final Tensor sum;
    private final Tensor query;
    private final Tensor scores;
    private final Tensor workspace;
    /** Heap copies: squared norms of the rows, the scores of one pick, which rows were taken. */
    private final double[] norms;
    private final float[] scoreCopy;
    private final boolean[] taken;

    /** Scratch for classes of up to {@code maxRows} samples of {@code dim} features. */
    public Herding(Backend backend, int maxRows, int dim) {
        if (maxRows < 1 || dim < 1) {
            throw new IllegalArgumentException("herding needs at least one row and one feature, got [" + maxRows
                    + ", " + dim + "]");
        }
        this.backend = backend;
        this.maxRows = maxRows;
        this.dim = dim;
        this.arena = backend.newArena("herding");
        try {
            this.features = Tensor.of(arena.allocate("features", DType.F32, (long) maxRows * dim), maxRows, dim);
            this.mean = Tensor.of(arena.allocate("mean", DType.F32, dim), 1, dim);
            this.sum = Tensor.of(arena.allocate("sum", DType.F32, dim), 1, dim);
            this.query = Tensor.of(arena.allocate("query", DType.F32, dim), 1, dim);
            this.scores = Tensor.of(arena.allocate("scores", DType.F32, maxRows), maxRows, 1);
            long ws = Math.max(1, backend.linearWorkspace(maxRows, dim, 1));
            this.workspace = Tensor.of(arena.allocateWorkspace("workspace", ws), 1, (int) ws);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.norms = new double[maxRows];
        this.scoreCopy = new float[maxRows];
        this.taken = new boolean[maxRows];
    }

    public int maxRows() {
        return maxRows;
    }

    /** The first {@code n} rows of the feature scratch {@code [n, D]}: callers (and tests) write features here. */
    public Tensor features(int n) {
        check(n);
        return features.rows(0, n);
    }

    /** Where {@link #extract} reads its images: decodes rows {@code indices I32 [B, 1]} into {@code out F32 [B, D]}. */
    @FunctionalInterface
    public interface Rows {
        void gather(Tensor out, Tensor indices);
    }

    /** The rows of a uint8 image set, permuted by {@code permutation} (or null). */
    public static Rows images(Backend backend, Tensor images, Tensor permutation) {
        return (out, indices) -> backend.gather(out, images, indices, permutation, 1f / 255f);
    }

    /**
     * Writes into rows [0, n) of {@link #features} the L2-normalised penultimate features (the last hidden
     * layer, after its ReLU) of the {@code n} images {@code rows[indices[i]]}, in chunks of the solver's and
     * the batch's rows.
     */
    public void extract(Mlp solver, Batch batch, Rows rows, int[] indices, int n) {
        check(n);
        if (solver.spec().hidden().length == 0) {
            throw new IllegalArgumentException("herding needs a hidden layer: the solver " + solver.name()
                    + " has none");
        }
        int last = solver.spec().hidden().length;
        int chunk = Math.min(solver.maxBatch(), batch.maxRows());
        for (int from = 0; from < n; from += chunk) {
            int c = Math.min(chunk, n - from);
            batch.setIndices(0, c, indices, from);
            rows.gather(solver.input(c), batch.indices(0, c));
            solver.forward(c);
            backend.l2NormalizeRows(features.rows(from, from + c), solver.hidden(last, c));
        }
    }

    /**
     * {@code out [1, D]} = the L2-normalised mean of feature rows [0, n) (a class mean, as iCaRL uses it);
     * also records each row's squared norm for {@link #select}.
     */
    public void mean(Tensor out, int n) {
        check(n);
        if (n == 0) {
            throw new IllegalArgumentException("the mean of no features");
        }
        backend.fill(out, 0f);
        for (int i = 0; i < n; i++) {
            Tensor row = features.rows(i, i + 1);
            backend.axpby(out, row, 1f, 1f);
            norms[i] = backend.dot(row, row);
        }
        backend.axpby(out, out, 1f / n, 0f);
        backend.l2NormalizeRows(out, out);
    }

    /**
     * Herding over feature rows [0, n): the rows of the first {@code k} picks in pick order (k at most n).
     * The first pick is the sample closest to the class mean.
     */
    public int[] select(int n, int k) {
        check(n);
        if (k < 0 || k > n) {
            throw new IllegalArgumentException("cannot pick " + k + " of " + n + " samples");
        }
        int[] order = new int[k];
        if (k == 0) {
            return order;
        }
        mean(mean, n);
        backend.fill(sum, 0f);
        java.util.Arrays.fill(taken, 0, n, false);
        Tensor f = features.rows(0, n);
        Tensor s = scores.rows(0, n);
        for (int pick = 0; pick < k; pick++) {
            // query = S - (pick + 1) mu; score_i = f_i . query; distance_i^2 = ||f_i||^2 + 2 score_i + const.
            backend.copy(query, sum);
            backend.axpby(query, mean, -(pick + 1), 1f);
            backend.linearForward(s, f, query, null, Activation.NONE, workspace);
            Block b = s.block();
            b.readFloats(s.offset(), scoreCopy, 0, n);
            int best = -1;
            double bestDistance = Double.POSITIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double d = norms[i] + 2.0 * scoreCopy[i];
                if (!taken[i] && d < bestDistance) {
                    best = i;
                    bestDistance = d;
                }
            }
            if (best < 0) {
                throw new IllegalStateException("herding found no sample to pick (non-finite features?) at pick "
                        + (pick + 1) + " of " + k);
            }
            taken[best] = true;
            order[pick] = best;
            backend.axpby(sum, features.rows(best, best + 1), 1f, 1f);
        }
        return order;
    }

    private void check(int n) {
        if (n < 0 || n > maxRows) {
            throw new IllegalArgumentException("herding was planned for at most " + maxRows + " samples, got " + n);
        }
    }

    public int dim() {
        return dim;
    }

    /** The scratch blocks, with their exact bytes. */
    public List<Block> blocks() {
        return arena.blocks();
    }

    public long bytes() {
        return arena.bytes();
    }

    @Override
    public void close() {
        arena.close();
    }
}
