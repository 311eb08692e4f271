package dev.rehearsal.strategy;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.List;

/**
 * Nearest-mean-of-exemplars classification (iCaRL): class means {@code mu_c} of L2-normalised features, and a
 * sample's normalised features {@code f} go to the nearest mean. Since {@code ||f - mu||^2 = ||f||^2 - 2 (f . mu
 * - ||mu||^2 / 2)}, the nearest mean is {@code argmax_c f . mu_c + b_c} with {@code b_c = -||mu_c||^2 / 2}: one
 * GEMM of the features with the means, the biases added by it (a class without exemplars gets the lowest
 * float, so it is never the nearest while another class can be).
 * <pre>
 * means [C, D]  bias [1, C]  features [B, D]  scores [B, C]  workspace
 * </pre>
 */
final class NearestMean implements AutoCloseable {
    private final Backend backend;
    private final Arena arena;
    private final Tensor means;
    private final Tensor bias;
    private final Tensor features;
    private final Tensor scores;
    private final Tensor workspace;

    /** Means of {@code classes} classes of {@code dim} features, classifying up to {@code rows} samples at once. */
    NearestMean(Backend backend, int classes, int dim, int rows) {
        this.backend = backend;
        this.arena = backend.newArena("nme");
        try {
            this.means = Tensor.of(arena.allocate("means", DType.F32, (long) classes * dim), classes, dim);
            this.bias = Tensor.of(arena.allocate("bias", DType.F32, classes), 1, classes);
            this.features = Tensor.of(arena.allocate("features", DType.F32, (long) rows * dim), rows, dim);
            this.scores = Tensor.of(arena.allocate("scores", DType.F32, (long) rows * classes), rows, classes);
            long ws = Math.max(1, backend.linearWorkspace(rows, dim, classes));
            this.workspace = Tensor.of(arena.allocateWorkspace("workspace", ws), 1, (int) ws);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        for (int c = 0; c < classes; c++) {
            bias.set(0, c, -Float.MAX_VALUE);
        }
    }

    int classes() {
        return means.rows();
    }

    /** The means {@code [C, D]} (rows of classes without exemplars are 0). */
    Tensor means() {
        return means;
    }

    /** The biases {@code [1, C]}: {@code -||mu_c||^2 / 2}, the lowest float for an absent class. */
    Tensor bias() {
        return bias;
    }

    /** Class c's mean row {@code [1, D]}, to be written; then {@link #sealMean}. */
    Tensor mean(int c) {
        return means.rows(c, c + 1);
    }

    /** Sets class c's bias from its mean (present) or marks it absent (its mean zeroed). */
    void sealMean(int c, boolean present) {
        Tensor mu = mean(c);
        if (!present) {
            backend.fill(mu, 0f);
            bias.set(0, c, -Float.MAX_VALUE);
        } else {
            bias.set(0, c, (float) (-0.5 * backend.dot(mu, mu)));
        }
    }

    /** The first n rows of the feature scratch {@code [n, D]}: normalised features of the samples to classify. */
    Tensor features(int n) {
        return features.rows(0, n);
    }

    /** Scores {@code [n, C]} of the features in {@link #features}(n): {@code f . mu_c - ||mu_c||^2 / 2}. */
    Tensor score(int n) {
        Tensor s = new Tensor(scores.block(), 0, n, classes(), classes());
        backend.linearForward(s, features(n), means, bias, Activation.NONE, workspace);
        return s;
    }

    /** Rows of {@link #features}(n) whose nearest mean among classes [lo, hi) is their label. */
    int countCorrect(int n, Tensor labels, int lo, int hi) {
        return backend.countCorrect(score(n), labels, lo, hi);
    }

    /** The nearest mean among classes [lo, hi) of each row of {@link #features}(n), into {@code out I32 [n, 1]}. */
    void classify(int n, Tensor out, int lo, int hi) {
        backend.argmax(out, score(n), lo, hi);
    }

    List<Block> blocks() {
        return arena.blocks();
    }

    long bytes() {
        return arena.bytes();
    }

    @Override
    public void close() {
        arena.close();
    }
}
