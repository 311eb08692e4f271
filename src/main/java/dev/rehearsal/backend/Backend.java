package dev.rehearsal.backend;

import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Tensor;

/**
 * The ops a model needs, on views into blocks allocated by this backend's arenas.
 *
 * <p>Conventions (PyTorch's, so checkpoints load into {@code nn.Linear}): a linear layer's weight is
 * {@code w [OUT, IN]}, its bias {@code b [1, OUT]}, activations are {@code [B, features]} row-major with any
 * row stride. Backward ops <em>accumulate</em> parameter gradients ({@code +=}) so that zeroing gradients
 * is one explicit step; losses <em>write</em> the gradient of their input. Losses take a scalar
 * {@code weight} that multiplies both the returned loss and its gradient: a caller averaging over a batch
 * of {@code n} rows with loss weight {@code w} passes {@code w / n}.
 *
 * <p>Class masks are column ranges {@code [lo, hi)} of the logits: labels are absolute column indices.
 */
public interface Backend extends AutoCloseable {

    /** "native" or "jvm". */
    String name();

    /** Threads the compute ops use. */
    int threads();

    /** What the linear ops' matmuls multiply in ({@link Precision}); fixed when the backend is created. */
    default Precision precision() {
        return Precision.FP32;
    }

    /**
     * Multiply-accumulates of every GEMM this backend has issued since it was created ({@link MacCounter}):
     * a run's compute is the difference of two readings, so it is always the work done.
     */
    long macs();

    /** A new arena whose blocks live where this backend computes (off-heap or on-heap). */
    Arena newArena(String name);

    /** Sets every element of {@code x} to {@code value}. */
    void fill(Tensor x, float value);

    /** {@code dst = src}, same shape, any strides (the views must not overlap). */
    void copy(Tensor dst, Tensor src);

    // ---- linear layers ------------------------------------------------------------------------

    /**
     * Floats of workspace {@link #linearForward} and {@link #linearBackward} need for a layer of this
     * shape at this batch size: the oneDNN scratchpad on the native backend, nothing on the jvm backend
     * (its GEMM packs into fixed scratch of its own); under {@link Precision#BF16} also the rounded copies of
     * the operands ({@code x}, {@code w}, {@code dy}) that a call makes and uses, nothing kept between calls.
     * A model sizes its workspace as the maximum over its layers at its largest batch.
     */
    long linearWorkspace(int batch, int in, int out);

    /** {@code y [B, OUT] = act(x [B, IN] · w [OUT, IN]^T + b [1, OUT])}; {@code b} may be null. */
    void linearForward(Tensor y, Tensor x, Tensor w, Tensor b, Activation act, Tensor workspace);

    /**
     * {@code dx [B, IN] (=|+=) dy · w}; {@code dw [OUT, IN] (=|+=) dy^T · x}; {@code db [1, OUT] += colsum(dy)}.
     * {@code dx} is null for a layer whose input needs no gradient; {@code db} is null without a bias. Written
     * ({@code accumulate... false}), a gradient holds exactly the floats that adding the product to zeros gives.
     */
    void linearBackward(Tensor dx, boolean accumulateDx, Tensor dw, boolean accumulateDw, Tensor db, Tensor dy,
            Tensor x, Tensor w, Tensor workspace);

    /**
     * Creates, without computing anything, whatever {@link #linearForward} will need for exactly these
     * operands (the native backend's matmul primitive and its argument list), so that a training step
     * allocates nothing. The jvm backend needs nothing.
     */
    default void prepareLinearForward(Tensor y, Tensor x, Tensor w, Tensor b, Activation act) {
    }

    /** As {@link #prepareLinearForward}, for {@link #linearBackward} with these operands, dw written or added to. */
    default void prepareLinearBackward(Tensor dx, boolean accumulateDx, Tensor dw, Tensor dy, Tensor x, Tensor w) {
    }

    /** {@code dx = dy * (y > 0)}; {@code dx} may be {@code dy} (in place). */
    void reluBackward(Tensor dx, Tensor y, Tensor dy);

    /** {@code y = 1 / (1 + exp(-x))}; {@code y} may be {@code x}. */
    void sigmoid(Tensor y, Tensor x);

    /** {@code dx = dy * y * (1 - y)} for {@code y = sigmoid(x)}; {@code dx} may be {@code dy}. */
    void sigmoidBackward(Tensor dx, Tensor y, Tensor dy);

    // ---- classification ---------------------------------------------------------------------

    /**
     * Softmax cross-entropy over columns [lo, hi) with integer labels ({@code I32 [B, 1]}, absolute columns).
     * Writes {@code dlogits = weight * (softmax - onehot)} in [lo, hi) and 0 elsewhere; returns
     * {@code weight * sum_rows(-log softmax[label])}.
     */
    double crossEntropy(Tensor dlogits, Tensor logits, Tensor labels, int lo, int hi, float weight);

    /**
     * Distillation loss with soft targets {@code q [B, hi-lo]} at temperature T (Hinton et al. 2015):
     * {@code weight * T^2 * sum_rows(-sum_k q_k log softmax(logits/T)_k)}; writes
     * {@code dlogits = weight * T * (softmax(logits/T) - q)} in [lo, hi) and 0 elsewhere.
     */
    double softCrossEntropy(Tensor dlogits, Tensor logits, Tensor targets, int lo, int hi, float temperature,
            float weight);

    /** {@code probs [B, hi-lo] = softmax(logits[:, lo:hi] / T)}. */
    void softmax(Tensor probs, Tensor logits, int lo, int hi, float temperature);

    /** {@code labels [B, 1] = lo + argmax(logits[:, lo:hi])} (first maximum on ties). */
    void argmax(Tensor labels, Tensor logits, int lo, int hi);

    /** Rows whose argmax over [lo, hi) equals their label. */
    int countCorrect(Tensor logits, Tensor labels, int lo, int hi);

    // ---- variational autoencoder --------------------------------------------------------------

    /**
     * Bernoulli negative log-likelihood from logits, summed over all elements:
     * {@code weight * sum(max(x,0) - x t + log(1 + exp(-|x|)))}; writes {@code dlogits = weight * (sigmoid(x) - t)}.
     */
    double bceWithLogits(Tensor dlogits, Tensor logits, Tensor target, float weight);

    /** {@code z = mu + exp(logvar / 2) * eps}. */
    void reparameterize(Tensor z, Tensor mu, Tensor logvar, Tensor eps);

    /** Adds {@code dz} to dmu and {@code dz * eps * exp(logvar / 2) / 2} to dlogvar. */
    void reparameterizeBackward(Tensor dmu, Tensor dlogvar, Tensor dz, Tensor logvar, Tensor eps);

    /**
     * KL(N(mu, exp(logvar)) || N(0, 1)) summed over all elements, times weight; <em>adds</em>
     * {@code weight * mu} to dmu and {@code weight * (exp(logvar) - 1) / 2} to dlogvar.
     */
    double gaussianKl(Tensor dmu, Tensor dlogvar, Tensor mu, Tensor logvar, float weight);

    /**
     * Monte-Carlo KL of a diagonal Gaussian posterior against a Gaussian-mixture prior, the variational term of
     * brain-inspired replay (van de Ven, Siegelmann and Tolias 2020; their {@code calculate_variat_loss} with
     * {@code prior="GMM"}): per row, with {@code z = mu + exp(logvar / 2) * eps} (the sample the decoder gets),
     * {@code log q(z | x) - log sum_k w_k N(z; means_k, exp(logvars_k))}, summed over rows, times weight. The
     * {@code log 2 pi} terms cancel and are left out. {@code weights [B, K]} are each row's mode weights (a
     * one-hot class, or a replayed sample's soft target); modes of weight 0 take no part, and a row needs at
     * least one positive weight. <em>Adds</em> the gradients (times weight) to {@code dmu}, {@code dlogvar}
     * (through z too) and to the prior's {@code dmeans}, {@code dlogvars [K, Z]}. Any row strides.
     */
    double mixtureKl(Tensor dmu, Tensor dlogvar, Tensor dmeans, Tensor dlogvars, Tensor mu, Tensor logvar, Tensor eps,
            Tensor means, Tensor logvars, Tensor weights, float weight);

    /** {@code y = x * g} elementwise (context gates): same shapes, any row strides; y may be x or g. */
    void multiply(Tensor y, Tensor x, Tensor g);

    // ---- importance sampling: a VAE's likelihood estimate (the generative classifier) ---------------
    //
    // B images, S samples each: sample s of image b is row r = b S + s of the [B S, .] operands, so one
    // decoder pass over B S rows serves every sample of every image.

    /**
     * Importance samples from each image's posterior: {@code z[b S + s] = mu[b] + exp(logvar[b] / 2) * eps[b S + s]}
     * for {@code mu, logvar [B, Z]} and {@code z, eps [B S, Z]} (S = z's rows / mu's rows). Any row strides.
     */
    void importanceSamples(Tensor z, Tensor mu, Tensor logvar, Tensor eps);

    /**
     * The log importance weights of a VAE's likelihood estimate with its posterior as the proposal (Burda, Grosse
     * and Salakhutdinov 2016), one per sample row {@code r = b S + s}:
     * {@code logw[r] = log p(x_b | z_r) + log N(z_r; 0, I) - log N(z_r; mu_b, exp(logvar_b))}. The posterior's
     * density is taken at the sample as drawn, {@code z_r = mu_b + exp(logvar_b / 2) eps_r}, so its log is
     * {@code -1/2 sum_j (log 2 pi + logvar_bj + eps_rj^2)}; the two latent densities' {@code log 2 pi} terms cancel
     * and are left out. The decoder term comes from {@code logits [B S, D]} and the images {@code x [B, D]} as
     * {@code likelihood} says ({@link PixelLikelihood}). Each row's pixel sum is taken in float, its latent terms
     * in double; {@code logw [B S, 1]}. Any row strides.
     */
    void importanceLogWeights(Tensor logw, Tensor logits, Tensor x, Tensor z, Tensor eps, Tensor logvar,
            PixelLikelihood likelihood);

    /**
     * The importance-sampling estimate from the log weights of S consecutive rows per image:
     * {@code out[b] = log(1/S sum_s exp(logw[b S + s]))} for {@code logw [B S, 1]} and {@code out [B, 1]}, the
     * largest weight factored out first and the sum taken in double (weights of -infinity give -infinity). Any
     * row strides: {@code out} may be a column of a score matrix.
     */
    void logMeanExp(Tensor out, Tensor logw);

    // ---- optimisers, over whole contiguous blocks --------------------------------------------

    /**
     * One Adam step (Kingma and Ba 2015, with L2 weight decay added to the gradient as PyTorch does):
     * {@code m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2; p -= stepSize * m / (sqrt(v) * invSqrtBias2 + eps)}
     * where the caller folds bias correction into {@code stepSize = lr / (1 - b1^t)} and
     * {@code invSqrtBias2 = 1 / sqrt(1 - b2^t)}.
     */
    void adamStep(Tensor params, Tensor grads, Tensor m, Tensor v, float beta1, float beta2, float eps,
            float stepSize, float invSqrtBias2, float weightDecay);

    /** SGD with optional momentum ({@code velocity} null when momentum is 0): {@code v = mu v + g; p -= lr v}. */
    void sgdStep(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum, float weightDecay);

    // ---- continual learning: regularisers, gradient projection, logit matching -----------------
    //
    // "Flat" operands are dense F32 views of the same number of elements P, typically a model's [1, P]
    // parameter block, its gradient block and state of that size kept by a strategy (EWC, SI, A-GEM).

    /**
     * {@code y = a * x + b * y} elementwise: same shapes, any row strides. {@code y} may be {@code x} itself
     * but must not otherwise overlap it. With {@code b == 0} {@code y} is not read (BLAS convention), so it
     * may hold anything, NaN included. Writes {@code y}. Uses: adding a distillation gradient into dlogits
     * ({@code a = 1, b = 1}), EWC's online Fisher {@code F = gamma F + F_task} ({@code a = 1, b = gamma}),
     * A-GEM's projection {@code g -= (g . g_ref / g_ref . g_ref) g_ref}.
     */
    void axpby(Tensor y, Tensor x, float a, float b);

    /**
     * {@code sum_ij x[i, j] * y[i, j]} over all elements, accumulated in double: same shapes, any row
     * strides. Reads only. A-GEM's {@code g . g_ref} and {@code g_ref . g_ref}.
     */
    double dot(Tensor x, Tensor y);

    /**
     * The quadratic anchor penalty of EWC (Kirkpatrick et al. 2017) and SI (Zenke et al. 2017) over flat
     * operands of P elements: returns {@code lambda / 2 * sum_i importance_i (params_i - anchor_i)^2}
     * (summed in double) and <em>adds</em> its gradient {@code lambda * importance_i (params_i - anchor_i)}
     * to {@code grads}. Reads params, anchor and importance.
     */
    double quadraticPenalty(Tensor grads, Tensor params, Tensor anchor, Tensor importance, float lambda);

    /**
     * {@code acc += scale * g^2} elementwise (EWC's empirical Fisher, one mini-batch gradient at a time):
     * same shapes, any row strides; {@code acc} must not overlap {@code g}. Accumulates into acc.
     */
    void accumulateSquares(Tensor acc, Tensor g, float scale);

    /**
     * SI's per-step bookkeeping, called after an optimiser step with the gradient {@code grads} that step
     * used, over flat operands of P elements: {@code omega += -grads * (params - previous)}, then
     * {@code previous = params}. Accumulates into omega, writes previous, reads grads and params.
     */
    void pathIntegralStep(Tensor omega, Tensor grads, Tensor params, Tensor previous);

    /**
     * SI's end of task over flat operands of P elements:
     * {@code importance += omega / ((params - start)^2 + xi)}, then {@code omega = 0} and
     * {@code start = params}. Accumulates into importance, writes omega and start, reads params.
     * The damping {@code xi} must be positive (it keeps unmoved parameters finite).
     */
    void consolidateImportance(Tensor importance, Tensor omega, Tensor params, Tensor start, float xi);

    /**
     * Squared error on logit columns [lo, hi) against targets {@code t [B, hi-lo]} (DER++'s logit matching,
     * Buzzega et al. 2020): returns {@code weight * sum_rows sum_{k in [lo, hi)} (logits_k - t_{k-lo})^2}
     * (summed in double) and <em>writes</em> {@code dlogits = 2 * weight * (logits - t)} in [lo, hi) and 0
     * elsewhere, as {@link #crossEntropy} does. Logits and dlogits are [B, N] with any row strides;
     * {@code dlogits} may be {@code logits} (in place).
     */
    double mseLoss(Tensor dlogits, Tensor logits, Tensor targets, int lo, int hi, float weight);

    /**
     * {@code y[r, :] = x[r, :] / max(||x[r, :]||_2, 1e-12)} row by row (iCaRL's feature normalisation for
     * nearest-mean-of-exemplars), the norm summed in double: same shapes, any row strides; {@code y} may be
     * {@code x} (in place). Writes y.
     */
    void l2NormalizeRows(Tensor y, Tensor x);

    // ---- data ---------------------------------------------------------------------------------

    /**
     * Batch assembly: {@code out[b, j] = scale * images[indices[b], perm[j]]} for uint8 {@code images [N, D]},
     * {@code indices I32 [B, 1]} and an optional pixel permutation {@code perm I32 [1, D]} (null: identity).
     */
    void gather(Tensor out, Tensor images, Tensor indices, Tensor permutation, float scale);

    /**
     * Batch assembly from a bit-packed buffer: {@code out[b, j] = scale * code_j(packed[indices[b]])} for
     * {@code packed U8 [N, ceil(D * bits / 8)]}, {@code out F32 [B, D]}, {@code bits} 1, 2, 4 or 8, where
     * {@code code_j} of a row is bits {@code [j * bits, (j + 1) * bits)} of it, little-endian within each
     * byte ({@code (row[j * bits / 8] >> (j * bits % 8)) & (2^bits - 1)}). With 8 bits it is {@link #gather}.
     */
    void gatherPacked(Tensor out, Tensor packed, Tensor indices, int bits, float scale);

    /**
     * Translation of images (replay's jitter): for {@code x, y F32 [B, D]} holding images of {@code width}
     * columns ({@code D = width * height}) and {@code shifts I32 [B, 2]} of (dx, dy),
     * {@code y[b, r, c] = x[b, r - dy, c - dx]} where that pixel exists, 0 where it does not. y must not be x.
     */
    void shiftImages(Tensor y, Tensor x, Tensor shifts, int width);

    /**
     * Affine warp of images with bilinear sampling (replay's augmentation): for {@code x, y F32 [B, D]} holding
     * images of {@code width} columns and {@code maps F32 [B, 6]} of (a, b, c, d, tx, ty), output pixel (row r,
     * column q) samples x at column {@code a (q - cx) + b (r - cy) + cx + tx} and row
     * {@code c (q - cx) + d (r - cy) + cy + ty}, with (cx, cy) the image's centre ((width - 1) / 2,
     * (height - 1) / 2); the four neighbours are weighted bilinearly and those outside the image count as 0.
     * y must not be x.
     */
    void warpImages(Tensor y, Tensor x, Tensor maps, int width);

    /** {@code out[b, :] = onehot(labels[b] - lo)} over {@code out}'s columns. */
    void oneHot(Tensor out, Tensor labels, int lo);

    /** Frees what the backend itself holds (primitive caches, thread pools); arenas are closed by their owners. */
    @Override
    void close();
}
