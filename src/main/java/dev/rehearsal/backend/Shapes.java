package dev.rehearsal.backend;

import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;

/** Argument checks shared by both backends: they fail fast with the shapes and what was expected. */
public final class Shapes {
    private Shapes() {
    }

    public static void dtype(Tensor t, DType expected, String what) {
        if (t.dtype() != expected) {
            throw new IllegalArgumentException(what + " must be " + expected + ", got " + t.dtype() + " (" + t + ")");
        }
    }

    public static void shape(Tensor t, int rows, int cols, String what) {
        if (t.rows() != rows || t.cols() != cols) {
            throw new IllegalArgumentException(what + ": expected [" + rows + ", " + cols + "], got [" + t.rows()
                    + ", " + t.cols() + "] (" + t + ")");
        }
    }

    public static void sameShape(Tensor a, Tensor b, String what) {
        shape(b, a.rows(), a.cols(), what);
    }

    public static void dense(Tensor t, String what) {
        if (!t.isDense()) {
            throw new IllegalArgumentException(what + " must be a dense view, got " + t);
        }
    }

    /** Every operand is F32: ops on float tensors reject int and byte views instead of reinterpreting them. */
    public static void floats(String op, Tensor... ts) {
        for (Tensor t : ts) {
            dtype(t, DType.F32, op + " operand");
        }
    }

    /**
     * Operands of an op over whole parameter-sized blocks: dense F32 views with the same number of elements
     * (a model's [1, P] parameter or gradient block and the state kept beside it). Returns that number.
     */
    public static long flat(String op, Tensor... ts) {
        long n = ts[0].numel();
        for (Tensor t : ts) {
            dense(t, op + " operand");
            dtype(t, DType.F32, op + " operand");
            if (t.numel() != n) {
                throw new IllegalArgumentException(op + ": operands differ in size, " + ts[0] + " has " + n
                        + " elements, " + t + " has " + t.numel() + ": size every operand like the parameter block");
            }
        }
        return n;
    }

    /** SI's damping, which keeps the importance of parameters that did not move finite. */
    public static void damping(float xi) {
        if (!(xi > 0f)) {
            throw new IllegalArgumentException("SI damping xi must be > 0, got " + xi
                    + ": it keeps the importance of parameters that did not move finite (Zenke et al. use 0.1)");
        }
    }

    /** x [B, IN], w [OUT, IN], y [B, OUT], b [1, OUT] or null. */
    public static void linear(Tensor y, Tensor x, Tensor w, Tensor b) {
        dtype(x, DType.F32, "linear input");
        dtype(w, DType.F32, "linear weight");
        dtype(y, DType.F32, "linear output");
        shape(w, w.rows(), x.cols(), "linear weight [OUT, IN] must match input [B, IN]");
        shape(y, x.rows(), w.rows(), "linear output [B, OUT]");
        dense(w, "linear weight");
        if (b != null) {
            dtype(b, DType.F32, "linear bias");
            shape(b, 1, w.rows(), "linear bias [1, OUT]");
        }
    }

    public static void workspace(Tensor ws, long needed, String op) {
        long have = ws == null ? 0 : ws.numel();
        if (needed > have) {
            throw new IllegalStateException(op + " needs " + needed + " floats of workspace, the model planned "
                    + have + ": plan the model for this batch size");
        }
        if (ws != null) {
            dense(ws, "workspace");
        }
    }

    /** Class range [lo, hi) within the logits' columns. */
    public static void classRange(Tensor logits, int lo, int hi) {
        if (lo < 0 || hi > logits.cols() || lo >= hi) {
            throw new IllegalArgumentException("class range [" + lo + ", " + hi + ") outside logits [" + logits.rows()
                    + ", " + logits.cols() + "]");
        }
    }

    public static void labels(Tensor labels, int rows) {
        dtype(labels, DType.I32, "labels");
        shape(labels, rows, 1, "labels [B, 1]");
    }

    /** Largest mixture a {@code mixtureKl} kernel takes (its per-row scratch lives on the stack). */
    public static final int MAX_MODES = 1024;
    /** Largest latent a {@code mixtureKl} kernel takes. */
    public static final int MAX_LATENT = 4096;

    /** Operands of {@code Backend.mixtureKl}: posterior [B, Z] (and grads), prior [K, Z] (and grads), weights [B, K]. */
    public static void mixture(Tensor dmu, Tensor dlogvar, Tensor dmeans, Tensor dlogvars, Tensor mu, Tensor logvar,
            Tensor eps, Tensor means, Tensor logvars, Tensor weights) {
        floats("mixture KL", dmu, dlogvar, dmeans, dlogvars, mu, logvar, eps, means, logvars, weights);
        sameShape(mu, logvar, "logvar");
        sameShape(mu, eps, "eps");
        sameShape(mu, dmu, "dmu");
        sameShape(mu, dlogvar, "dlogvar");
        sameShape(means, logvars, "prior logvars");
        sameShape(means, dmeans, "prior dmeans");
        sameShape(means, dlogvars, "prior dlogvars");
        if (means.cols() != mu.cols()) {
            throw new IllegalArgumentException("mixture KL: prior has " + means.cols() + " latent columns, posterior "
                    + mu.cols());
        }
        shape(weights, mu.rows(), means.rows(), "mode weights");
        if (means.rows() > MAX_MODES || mu.cols() > MAX_LATENT) {
            throw new IllegalArgumentException("mixture KL: at most " + MAX_MODES + " modes of " + MAX_LATENT
                    + " latent units, got " + means.rows() + " of " + mu.cols());
        }
    }

    /** What a {@code mixtureKl} kernel's result means: -infinity marks a row whose mode weights are all zero. */
    public static double mixtureResult(double loss) {
        if (loss == Double.NEGATIVE_INFINITY) {
            throw new IllegalArgumentException("mixture KL: a row has no mode of positive weight");
        }
        return loss;
    }

    /**
     * The samples per image of an importance-sampling op: {@code samples} has S rows per row of {@code images},
     * S at least 1. Returns S.
     */
    public static int samplesPerImage(Tensor samples, Tensor images, String op) {
        if (images.rows() < 1 || samples.rows() < images.rows() || samples.rows() % images.rows() != 0) {
            throw new IllegalArgumentException(op + ": " + samples + " must hold S >= 1 rows per row of " + images
                    + " (sample s of image b is row b S + s)");
        }
        return samples.rows() / images.rows();
    }

    /** importanceSamples' operands: z, eps [B S, Z] and mu, logvar [B, Z], F32. Returns S. */
    public static int importanceSamples(Tensor z, Tensor mu, Tensor logvar, Tensor eps) {
        floats("importanceSamples", z, mu, logvar, eps);
        sameShape(mu, logvar, "importanceSamples logvar");
        sameShape(z, eps, "importanceSamples eps");
        if (z.cols() != mu.cols()) {
            throw new IllegalArgumentException("importanceSamples: z has " + z.cols() + " latent columns, mu "
                    + mu.cols());
        }
        return samplesPerImage(z, mu, "importanceSamples");
    }

    /**
     * importanceLogWeights' operands: logw [B S, 1], logits [B S, D], x [B, D], z and eps [B S, Z], logvar [B, Z],
     * F32, and a likelihood. Returns S.
     */
    public static int importanceLogWeights(Tensor logw, Tensor logits, Tensor x, Tensor z, Tensor eps, Tensor logvar,
            PixelLikelihood likelihood) {
        floats("importanceLogWeights", logw, logits, x, z, eps, logvar);
        if (likelihood == null) {
            throw new IllegalArgumentException("importanceLogWeights: no pixel likelihood given");
        }
        int s = samplesPerImage(logits, x, "importanceLogWeights");
        shape(logits, logits.rows(), x.cols(), "importanceLogWeights logits [B S, D] against images [B, D]");
        shape(logw, logits.rows(), 1, "importanceLogWeights logw [B S, 1]");
        shape(z, logits.rows(), logvar.cols(), "importanceLogWeights z [B S, Z]");
        sameShape(z, eps, "importanceLogWeights eps");
        shape(logvar, x.rows(), z.cols(), "importanceLogWeights logvar [B, Z]");
        return s;
    }

    /** logMeanExp's operands: out [B, 1], logw [B S, 1], F32. Returns S. */
    public static int logMeanExp(Tensor out, Tensor logw) {
        floats("logMeanExp", out, logw);
        shape(out, out.rows(), 1, "logMeanExp out [B, 1]");
        shape(logw, logw.rows(), 1, "logMeanExp logw [B S, 1]");
        return samplesPerImage(logw, out, "logMeanExp");
    }

    /** gatherPacked's operands: U8 rows of ceil(D * bits / 8) bytes, an F32 batch of D columns, 1/2/4/8 bits. */
    public static void packed(Tensor out, Tensor packed, Tensor indices, int bits) {
        dtype(packed, DType.U8, "packed samples");
        dtype(out, DType.F32, "gathered batch");
        labels(indices, out.rows());
        if (bits != 1 && bits != 2 && bits != 4 && bits != 8) {
            throw new IllegalArgumentException("gatherPacked: bits must be 1, 2, 4 or 8, got " + bits);
        }
        long rowBytes = ((long) out.cols() * bits + 7) / 8;
        if (packed.cols() != rowBytes) {
            throw new IllegalArgumentException("gatherPacked: " + out.cols() + " pixels of " + bits + " bits need "
                    + rowBytes + " bytes per row, the buffer has " + packed.cols());
        }
    }

    /** shiftImages' operands: two distinct F32 batches of one shape, D a multiple of width, [B, 2] int shifts. */
    public static void shifts(Tensor y, Tensor x, Tensor shifts, int width) {
        floats("shiftImages", y, x);
        sameShape(y, x, "shiftImages");
        dtype(shifts, DType.I32, "shifts");
        shape(shifts, x.rows(), 2, "shifts [B, 2]");
        images(y, x, width, "shiftImages");
    }

    /** warpImages' operands: as {@link #shifts}, with F32 [B, 6] maps. */
    public static void warps(Tensor y, Tensor x, Tensor maps, int width) {
        floats("warpImages", y, x, maps);
        sameShape(y, x, "warpImages");
        shape(maps, x.rows(), 6, "maps [B, 6]");
        images(y, x, width, "warpImages");
    }

    /** Images of {@code width} columns, y not overlapping x. */
    private static void images(Tensor y, Tensor x, int width, String op) {
        if (width < 1 || x.cols() % width != 0) {
            throw new IllegalArgumentException(op + ": " + x.cols() + " pixels are not rows of " + width);
        }
        if (y.block() == x.block() && y.offset() < x.offset() + (long) x.rows() * x.ld()
                && x.offset() < y.offset() + (long) y.rows() * y.ld()) {
            throw new IllegalArgumentException(op + ": y overlaps x");
        }
    }
}
