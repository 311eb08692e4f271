package dev.rehearsal.backend.jvm;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.MacCounter;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.backend.Shapes;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.Arrays;

/**
 * Every op in plain Java: the specification of {@link Backend}. Loops are written row by row with unit
 * stride inner loops so that HotSpot vectorises them; GEMMs run on {@link JvmGemm} over a worker team.
 */
public final class JvmBackend implements Backend {
    private final Parallel team;
    private final JvmGemm gemm;
    private final MacCounter counter = new MacCounter();
    private final Precision precision;

    public JvmBackend(int threads) {
        this(threads, Precision.FP32);
    }

    /**
     * With {@link Precision#BF16}, the specification of bfloat16 matmuls: each operand rounded to bfloat16
     * ({@link #toBf16}, the native backend's rounding) into the workspace, then the float32 GEMM on the
     * rounded values. A product of two bfloat16 numbers is exact in float32, so this differs from oneDNN's
     * bfloat16 matmul only in the order of the float32 sums.
     */
    public JvmBackend(int threads, Precision precision) {
        this.team = new Parallel(threads);
        this.gemm = new JvmGemm(team);
        this.precision = precision;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    /**
     * {@code f} as a bfloat16 matmul operand, as a float: rounded to the nearest bfloat16 (ties to even: the
     * 16 high bits after adding 0x7fff plus the lowest kept bit), then a subnormal result flushed to a zero of
     * its sign, as AVX512_BF16's dot products treat subnormal inputs; a NaN stays a quiet NaN.
     */
    public static float toBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return Float.intBitsToFloat((u & 0xffff0000) | 0x00400000);
        }
        int r = ((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16;
        return Float.intBitsToFloat((r & 0x7f800000) == 0 ? r & 0x80000000 : r);
    }

    /** Rounds {@code t} to bfloat16 into {@code dst} from {@code at}, dense ({@code cols} per row). */
    private static void roundInto(float[] dst, int at, Tensor t) {
        float[] a = f(t);
        for (int r = 0; r < t.rows(); r++) {
            int from = off(t) + r * ld(t);
            int to = at + r * t.cols();
            for (int j = 0; j < t.cols(); j++) {
                dst[to + j] = toBf16(a[from + j]);
            }
        }
    }

    /** Heap bytes the backend holds outside any arena: the GEMM's packed panel and row accumulators. */
    public long bookkeepingBytes() {
        return gemm.scratchBytes();
    }

    @Override
    public String name() {
        return "jvm";
    }

    @Override
    public int threads() {
        return team.threads();
    }

    @Override
    public long macs() {
        return counter.total();
    }

    @Override
    public Arena newArena(String name) {
        return new HeapArena(name);
    }

    // ---- array access ---------------------------------------------------------------------------

    private static float[] f(Tensor t) {
        return heap(t).floats();
    }

    private static int[] ints(Tensor t) {
        return heap(t).ints();
    }

    private static HeapBlock heap(Tensor t) {
        if (!(t.block() instanceof HeapBlock h)) {
            throw new IllegalArgumentException(t + " does not live in a jvm arena");
        }
        return h;
    }

    private static int off(Tensor t) {
        return (int) t.offset();
    }

    private static int ld(Tensor t) {
        return (int) t.ld();
    }

    // ---- data movement ----------------------------------------------------------------------------

    @Override
    public void fill(Tensor x, float value) {
        float[] a = f(x);
        for (int r = 0; r < x.rows(); r++) {
            int at = off(x) + r * ld(x);
            Arrays.fill(a, at, at + x.cols(), value);
        }
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        Shapes.sameShape(dst, src, "copy destination");
        Shapes.dtype(dst, src.dtype(), "copy destination");
        Object s = switch (src.dtype()) {
            case F32 -> heap(src).floats();
            case I32 -> heap(src).ints();
            case U8 -> heap(src).byteArray();
        };
        Object d = switch (dst.dtype()) {
            case F32 -> heap(dst).floats();
            case I32 -> heap(dst).ints();
            case U8 -> heap(dst).byteArray();
        };
        for (int r = 0; r < src.rows(); r++) {
            System.arraycopy(s, off(src) + r * ld(src), d, off(dst) + r * ld(dst), src.cols());
        }
    }

    // ---- linear layers ------------------------------------------------------------------------

    /**
     * None in float32: the GEMM packs into the backend's own fixed scratch ({@link #bookkeepingBytes()}). In
     * bfloat16, the rounded copies of x [B, IN], w [OUT, IN] and dy [B, OUT], one float each.
     */
    @Override
    public long linearWorkspace(int batch, int in, int out) {
        return precision == Precision.BF16 ? (long) batch * in + (long) out * in + (long) batch * out : 0;
    }

    @Override
    public void linearForward(Tensor y, Tensor x, Tensor w, Tensor b, Activation act, Tensor workspace) {
        Shapes.linear(y, x, w, b);
        int batch = x.rows();
        int in = x.cols();
        int out = w.rows();
        float[] ya = f(y);
        if (b != null) {
            float[] ba = f(b);
            for (int r = 0; r < batch; r++) {
                System.arraycopy(ba, off(b), ya, off(y) + r * ld(y), out);
            }
        }
        counter.gemm(batch, out, in);
        if (precision == Precision.BF16) {
            Shapes.workspace(workspace, linearWorkspace(batch, in, out), "linear forward");
            float[] ws = f(workspace);
            int xAt = off(workspace);
            int wAt = xAt + batch * in;
            roundInto(ws, xAt, x);
            roundInto(ws, wAt, w);
            gemm.gemm(false, true, batch, out, in, 1f, ws, xAt, in, ws, wAt, in, b == null ? 0f : 1f, ya, off(y),
                    ld(y));
        } else {
            gemm.gemm(false, true, batch, out, in, 1f, f(x), off(x), ld(x), f(w), off(w), ld(w),
                    b == null ? 0f : 1f, ya, off(y), ld(y));
        }
        if (act == Activation.RELU) {
            for (int r = 0; r < batch; r++) {
                int at = off(y) + r * ld(y);
                for (int j = 0; j < out; j++) {
                    ya[at + j] = Math.max(ya[at + j], 0f);
                }
            }
        }
    }

    @Override
    public void linearBackward(Tensor dx, boolean accumulateDx, Tensor dw, boolean accumulateDw, Tensor db, Tensor dy,
            Tensor x, Tensor w, Tensor workspace) {
        Shapes.linear(dy, x, w, db);
        Shapes.sameShape(w, dw, "weight gradient");
        int batch = x.rows();
        int in = x.cols();
        int out = w.rows();
        float[] dya = f(dy);
        if (dx != null) {
            Shapes.sameShape(x, dx, "input gradient");
            counter.gemm(batch, in, out);
        }
        counter.gemm(out, in, batch);
        if (precision == Precision.BF16) {
            Shapes.workspace(workspace, linearWorkspace(batch, in, out), "linear backward");
            float[] ws = f(workspace);
            int xAt = off(workspace);
            int wAt = xAt + batch * in;
            int dyAt = wAt + out * in;
            roundInto(ws, dyAt, dy);
            if (dx != null) {
                roundInto(ws, wAt, w);
                gemm.gemm(false, false, batch, in, out, 1f, ws, dyAt, out, ws, wAt, in, accumulateDx ? 1f : 0f,
                        f(dx), off(dx), ld(dx));
            }
            roundInto(ws, xAt, x);
            gemm.gemm(true, false, out, in, batch, 1f, ws, dyAt, out, ws, xAt, in, accumulateDw ? 1f : 0f, f(dw),
                    off(dw), ld(dw));
        } else {
            if (dx != null) {
                gemm.gemm(false, false, batch, in, out, 1f, dya, off(dy), ld(dy), f(w), off(w), ld(w),
                        accumulateDx ? 1f : 0f, f(dx), off(dx), ld(dx));
            }
            gemm.gemm(true, false, out, in, batch, 1f, dya, off(dy), ld(dy), f(x), off(x), ld(x),
                    accumulateDw ? 1f : 0f, f(dw), off(dw), ld(dw));
        }
        if (db != null) {
            float[] dba = f(db);
            int bo = off(db);
            for (int r = 0; r < batch; r++) {
                int at = off(dy) + r * ld(dy);
                for (int j = 0; j < out; j++) {
                    dba[bo + j] += dya[at + j];
                }
            }
        }
    }

    @Override
    public void reluBackward(Tensor dx, Tensor y, Tensor dy) {
        Shapes.sameShape(y, dx, "relu input gradient");
        Shapes.sameShape(y, dy, "relu output gradient");
        float[] dxa = f(dx);
        float[] ya = f(y);
        float[] dya = f(dy);
        for (int r = 0; r < y.rows(); r++) {
            int xo = off(dx) + r * ld(dx);
            int yo = off(y) + r * ld(y);
            int go = off(dy) + r * ld(dy);
            for (int j = 0; j < y.cols(); j++) {
                dxa[xo + j] = ya[yo + j] > 0f ? dya[go + j] : 0f;
            }
        }
    }

    @Override
    public void sigmoid(Tensor y, Tensor x) {
        Shapes.sameShape(x, y, "sigmoid output");
        float[] ya = f(y);
        float[] xa = f(x);
        for (int r = 0; r < x.rows(); r++) {
            int yo = off(y) + r * ld(y);
            int xo = off(x) + r * ld(x);
            for (int j = 0; j < x.cols(); j++) {
                ya[yo + j] = (float) (1.0 / (1.0 + Math.exp(-xa[xo + j])));
            }
        }
    }

    @Override
    public void sigmoidBackward(Tensor dx, Tensor y, Tensor dy) {
        Shapes.sameShape(y, dx, "sigmoid input gradient");
        Shapes.sameShape(y, dy, "sigmoid output gradient");
        float[] dxa = f(dx);
        float[] ya = f(y);
        float[] dya = f(dy);
        for (int r = 0; r < y.rows(); r++) {
            int xo = off(dx) + r * ld(dx);
            int yo = off(y) + r * ld(y);
            int go = off(dy) + r * ld(dy);
            for (int j = 0; j < y.cols(); j++) {
                float s = ya[yo + j];
                dxa[xo + j] = dya[go + j] * s * (1f - s);
            }
        }
    }

    // ---- classification ---------------------------------------------------------------------

    @Override
    public double crossEntropy(Tensor dlogits, Tensor logits, Tensor labels, int lo, int hi, float weight) {
        Shapes.classRange(logits, lo, hi);
        Shapes.sameShape(logits, dlogits, "logits gradient");
        Shapes.labels(labels, logits.rows());
        float[] z = f(logits);
        float[] dz = f(dlogits);
        int[] lab = ints(labels);
        double total = 0;
        for (int r = 0; r < logits.rows(); r++) {
            int zo = off(logits) + r * ld(logits);
            int go = off(dlogits) + r * ld(dlogits);
            int label = lab[off(labels) + r * ld(labels)];
            checkLabel(label, lo, hi, r);
            double lse = logSumExp(z, zo, lo, hi, 1.0);
            total += lse - z[zo + label];
            Arrays.fill(dz, go, go + logits.cols(), 0f);
            for (int j = lo; j < hi; j++) {
                float p = (float) Math.exp(z[zo + j] - lse);
                dz[go + j] = weight * (j == label ? p - 1f : p);
            }
        }
        return weight * total;
    }

    @Override
    public double softCrossEntropy(Tensor dlogits, Tensor logits, Tensor targets, int lo, int hi, float temperature,
            float weight) {
        Shapes.classRange(logits, lo, hi);
        Shapes.sameShape(logits, dlogits, "logits gradient");
        Shapes.shape(targets, logits.rows(), hi - lo, "soft targets [B, classes]");
        float[] z = f(logits);
        float[] dz = f(dlogits);
        float[] q = f(targets);
        double invT = 1.0 / temperature;
        double total = 0;
        for (int r = 0; r < logits.rows(); r++) {
            int zo = off(logits) + r * ld(logits);
            int go = off(dlogits) + r * ld(dlogits);
            int qo = off(targets) + r * ld(targets);
            double lse = logSumExp(z, zo, lo, hi, invT);
            Arrays.fill(dz, go, go + logits.cols(), 0f);
            for (int j = lo; j < hi; j++) {
                double logp = z[zo + j] * invT - lse;
                float qj = q[qo + j - lo];
                total -= qj * logp;
                dz[go + j] = weight * temperature * ((float) Math.exp(logp) - qj);
            }
        }
        return weight * temperature * temperature * total;
    }

    @Override
    public void softmax(Tensor probs, Tensor logits, int lo, int hi, float temperature) {
        Shapes.classRange(logits, lo, hi);
        Shapes.shape(probs, logits.rows(), hi - lo, "softmax output [B, classes]");
        float[] z = f(logits);
        float[] p = f(probs);
        double invT = 1.0 / temperature;
        for (int r = 0; r < logits.rows(); r++) {
            int zo = off(logits) + r * ld(logits);
            int po = off(probs) + r * ld(probs);
            double lse = logSumExp(z, zo, lo, hi, invT);
            for (int j = lo; j < hi; j++) {
                p[po + j - lo] = (float) Math.exp(z[zo + j] * invT - lse);
            }
        }
    }

    /** log(sum_j exp(z_j * scale)) over [lo, hi), shifted by the maximum for stability. */
    private static double logSumExp(float[] z, int zo, int lo, int hi, double scale) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = lo; j < hi; j++) {
            max = Math.max(max, z[zo + j] * scale);
        }
        double sum = 0;
        for (int j = lo; j < hi; j++) {
            sum += Math.exp(z[zo + j] * scale - max);
        }
        return max + Math.log(sum);
    }

    private static void checkLabel(int label, int lo, int hi, int row) {
        if (label < lo || label >= hi) {
            throw new IllegalArgumentException("label " + label + " of row " + row + " outside class range [" + lo
                    + ", " + hi + ")");
        }
    }

    @Override
    public void argmax(Tensor labels, Tensor logits, int lo, int hi) {
        Shapes.classRange(logits, lo, hi);
        Shapes.labels(labels, logits.rows());
        float[] z = f(logits);
        int[] lab = ints(labels);
        for (int r = 0; r < logits.rows(); r++) {
            lab[off(labels) + r * ld(labels)] = argmaxRow(z, off(logits) + r * ld(logits), lo, hi);
        }
    }

    @Override
    public int countCorrect(Tensor logits, Tensor labels, int lo, int hi) {
        Shapes.classRange(logits, lo, hi);
        Shapes.labels(labels, logits.rows());
        float[] z = f(logits);
        int[] lab = ints(labels);
        int correct = 0;
        for (int r = 0; r < logits.rows(); r++) {
            if (argmaxRow(z, off(logits) + r * ld(logits), lo, hi) == lab[off(labels) + r * ld(labels)]) {
                correct++;
            }
        }
        return correct;
    }

    private static int argmaxRow(float[] z, int zo, int lo, int hi) {
        int best = lo;
        for (int j = lo + 1; j < hi; j++) {
            if (z[zo + j] > z[zo + best]) {
                best = j;
            }
        }
        return best;
    }

    // ---- variational autoencoder --------------------------------------------------------------

    @Override
    public double bceWithLogits(Tensor dlogits, Tensor logits, Tensor target, float weight) {
        Shapes.sameShape(logits, dlogits, "logits gradient");
        Shapes.sameShape(logits, target, "BCE target");
        float[] x = f(logits);
        float[] dx = f(dlogits);
        float[] t = f(target);
        double total = 0;
        for (int r = 0; r < logits.rows(); r++) {
            int xo = off(logits) + r * ld(logits);
            int go = off(dlogits) + r * ld(dlogits);
            int to = off(target) + r * ld(target);
            for (int j = 0; j < logits.cols(); j++) {
                float xv = x[xo + j];
                float tv = t[to + j];
                double e = Math.exp(-Math.abs(xv));
                total += Math.max(xv, 0f) - xv * tv + Math.log1p(e);
                float sig = (float) (xv >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
                dx[go + j] = weight * (sig - tv);
            }
        }
        return weight * total;
    }

    @Override
    public void reparameterize(Tensor z, Tensor mu, Tensor logvar, Tensor eps) {
        Shapes.sameShape(mu, z, "z");
        Shapes.sameShape(mu, logvar, "logvar");
        Shapes.sameShape(mu, eps, "eps");
        float[] za = f(z);
        float[] ma = f(mu);
        float[] la = f(logvar);
        float[] ea = f(eps);
        for (int r = 0; r < mu.rows(); r++) {
            for (int j = 0; j < mu.cols(); j++) {
                float std = (float) Math.exp(0.5 * la[off(logvar) + r * ld(logvar) + j]);
                za[off(z) + r * ld(z) + j] = ma[off(mu) + r * ld(mu) + j] + std * ea[off(eps) + r * ld(eps) + j];
            }
        }
    }

    @Override
    public void reparameterizeBackward(Tensor dmu, Tensor dlogvar, Tensor dz, Tensor logvar, Tensor eps) {
        Shapes.sameShape(dz, dmu, "dmu");
        Shapes.sameShape(dz, dlogvar, "dlogvar");
        Shapes.sameShape(dz, logvar, "logvar");
        Shapes.sameShape(dz, eps, "eps");
        float[] dma = f(dmu);
        float[] dla = f(dlogvar);
        float[] dza = f(dz);
        float[] la = f(logvar);
        float[] ea = f(eps);
        for (int r = 0; r < dz.rows(); r++) {
            for (int j = 0; j < dz.cols(); j++) {
                float g = dza[off(dz) + r * ld(dz) + j];
                float std = (float) Math.exp(0.5 * la[off(logvar) + r * ld(logvar) + j]);
                dma[off(dmu) + r * ld(dmu) + j] += g;
                dla[off(dlogvar) + r * ld(dlogvar) + j] += g * ea[off(eps) + r * ld(eps) + j] * std * 0.5f;
            }
        }
    }

    @Override
    public double gaussianKl(Tensor dmu, Tensor dlogvar, Tensor mu, Tensor logvar, float weight) {
        Shapes.sameShape(mu, logvar, "logvar");
        Shapes.sameShape(mu, dmu, "dmu");
        Shapes.sameShape(mu, dlogvar, "dlogvar");
        float[] dma = f(dmu);
        float[] dla = f(dlogvar);
        float[] ma = f(mu);
        float[] la = f(logvar);
        double total = 0;
        for (int r = 0; r < mu.rows(); r++) {
            for (int j = 0; j < mu.cols(); j++) {
                float m = ma[off(mu) + r * ld(mu) + j];
                float lv = la[off(logvar) + r * ld(logvar) + j];
                float var = (float) Math.exp(lv);
                total += -0.5 * (1.0 + lv - (double) m * m - var);
                dma[off(dmu) + r * ld(dmu) + j] += weight * m;
                dla[off(dlogvar) + r * ld(dlogvar) + j] += weight * 0.5f * (var - 1f);
            }
        }
        return weight * total;
    }

    @Override
    public double mixtureKl(Tensor dmu, Tensor dlogvar, Tensor dmeans, Tensor dlogvars, Tensor mu, Tensor logvar,
            Tensor eps, Tensor means, Tensor logvars, Tensor weights, float weight) {
        Shapes.mixture(dmu, dlogvar, dmeans, dlogvars, mu, logvar, eps, means, logvars, weights);
        int zn = mu.cols();
        int k = means.rows();
        float[] dma = f(dmu);
        float[] dla = f(dlogvar);
        float[] dMa = f(dmeans);
        float[] dLa = f(dlogvars);
        float[] ma = f(mu);
        float[] la = f(logvar);
        float[] ea = f(eps);
        float[] Ma = f(means);
        float[] La = f(logvars);
        float[] wa = f(weights);
        float[] z = new float[zn];
        double[] a = new double[k];
        double total = 0;
        for (int r = 0; r < mu.rows(); r++) {
            int mo = off(mu) + r * ld(mu);
            int lo = off(logvar) + r * ld(logvar);
            int eo = off(eps) + r * ld(eps);
            int wo = off(weights) + r * ld(weights);
            double logq = 0;
            for (int j = 0; j < zn; j++) {
                float e = ea[eo + j];
                z[j] = ma[mo + j] + (float) Math.exp(0.5 * la[lo + j]) * e;
                logq += -0.5 * (la[lo + j] + (double) e * e);
            }
            double amax = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                float wc = wa[wo + c];
                if (!(wc > 0f)) {
                    a[c] = Double.NEGATIVE_INFINITY;
                    continue;
                }
                int po = off(means) + c * ld(means);
                int qo = off(logvars) + c * ld(logvars);
                double s = Math.log(wc);
                for (int j = 0; j < zn; j++) {
                    double d = z[j] - Ma[po + j];
                    s += -0.5 * (La[qo + j] + d * d * Math.exp(-La[qo + j]));
                }
                a[c] = s;
                amax = Math.max(amax, s);
            }
            if (amax == Double.NEGATIVE_INFINITY) {
                return Shapes.mixtureResult(amax);
            }
            double sum = 0;
            for (int c = 0; c < k; c++) {
                a[c] = a[c] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(a[c] - amax);
                sum += a[c];
            }
            total += logq - (amax + Math.log(sum));
            int dmo = off(dmu) + r * ld(dmu);
            int dlo = off(dlogvar) + r * ld(dlogvar);
            for (int j = 0; j < zn; j++) {
                double g = 0;
                for (int c = 0; c < k; c++) {
                    if (a[c] > 0) {
                        int po = off(means) + c * ld(means);
                        int qo = off(logvars) + c * ld(logvars);
                        g += a[c] / sum * (z[j] - Ma[po + j]) * Math.exp(-La[qo + j]);
                    }
                }
                dma[dmo + j] += (float) (weight * g);
                dla[dlo + j] += (float) (weight * (-0.5 + 0.5 * g * ea[eo + j] * Math.exp(0.5 * la[lo + j])));
            }
            for (int c = 0; c < k; c++) {
                if (!(a[c] > 0)) {
                    continue;
                }
                double resp = a[c] / sum;
                int po = off(means) + c * ld(means);
                int qo = off(logvars) + c * ld(logvars);
                int dpo = off(dmeans) + c * ld(dmeans);
                int dqo = off(dlogvars) + c * ld(dlogvars);
                for (int j = 0; j < zn; j++) {
                    double d = z[j] - Ma[po + j];
                    double iv = Math.exp(-La[qo + j]);
                    dMa[dpo + j] += (float) (-weight * resp * d * iv);
                    dLa[dqo + j] += (float) (weight * 0.5 * resp * (1 - d * d * iv));
                }
            }
        }
        return weight * total;
    }

    @Override
    public void importanceSamples(Tensor z, Tensor mu, Tensor logvar, Tensor eps) {
        int s = Shapes.importanceSamples(z, mu, logvar, eps);
        float[] za = f(z);
        float[] ma = f(mu);
        float[] la = f(logvar);
        float[] ea = f(eps);
        for (int r = 0; r < z.rows(); r++) {
            int b = r / s;
            for (int j = 0; j < z.cols(); j++) {
                float std = (float) Math.exp(0.5 * la[off(logvar) + b * ld(logvar) + j]);
                za[off(z) + r * ld(z) + j] = ma[off(mu) + b * ld(mu) + j] + std * ea[off(eps) + r * ld(eps) + j];
            }
        }
    }

    /** -1/2 log 2 pi per pixel: the unit-variance Gaussian's normalising constant. */
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    @Override
    public void importanceLogWeights(Tensor logw, Tensor logits, Tensor x, Tensor z, Tensor eps, Tensor logvar,
            dev.rehearsal.backend.PixelLikelihood likelihood) {
        int s = Shapes.importanceLogWeights(logw, logits, x, z, eps, logvar, likelihood);
        boolean gaussian = likelihood == dev.rehearsal.backend.PixelLikelihood.GAUSSIAN;
        int d = x.cols();
        float[] wa = f(logw);
        float[] la = f(logits);
        float[] xa = f(x);
        float[] za = f(z);
        float[] ea = f(eps);
        float[] va = f(logvar);
        for (int r = 0; r < logits.rows(); r++) {
            int b = r / s;
            int lo = off(logits) + r * ld(logits);
            int xo = off(x) + b * ld(x);
            float pixels = 0f;
            for (int j = 0; j < d; j++) {
                float l = la[lo + j];
                float xv = xa[xo + j];
                double e = Math.exp(-Math.abs(l));
                if (gaussian) {
                    float diff = xv - (float) (l >= 0 ? 1.0 / (1.0 + e) : e / (1.0 + e));
                    pixels += diff * diff;
                } else {
                    pixels += (float) (l * xv - Math.max(l, 0f) - Math.log1p(e));
                }
            }
            double latent = 0;
            for (int j = 0; j < z.cols(); j++) {
                double zj = za[off(z) + r * ld(z) + j];
                double ej = ea[off(eps) + r * ld(eps) + j];
                latent += 0.5 * (va[off(logvar) + b * ld(logvar) + j] + ej * ej - zj * zj);
            }
            double decoder = gaussian ? -0.5 * pixels - d * HALF_LOG_2PI : pixels;
            wa[off(logw) + r * ld(logw)] = (float) (decoder + latent);
        }
    }

    @Override
    public void logMeanExp(Tensor out, Tensor logw) {
        int s = Shapes.logMeanExp(out, logw);
        float[] oa = f(out);
        float[] wa = f(logw);
        for (int b = 0; b < out.rows(); b++) {
            double most = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < s; k++) {
                most = Math.max(most, wa[off(logw) + (b * s + k) * ld(logw)]);
            }
            double result = most;
            if (most != Double.NEGATIVE_INFINITY) {
                double sum = 0;
                for (int k = 0; k < s; k++) {
                    sum += Math.exp(wa[off(logw) + (b * s + k) * ld(logw)] - most);
                }
                result = most + Math.log(sum / s);
            }
            oa[off(out) + b * ld(out)] = (float) result;
        }
    }

    @Override
    public void multiply(Tensor y, Tensor x, Tensor g) {
        Shapes.sameShape(x, y, "product");
        Shapes.sameShape(x, g, "gates");
        Shapes.floats("multiply", y, x, g);
        float[] ya = f(y);
        float[] xa = f(x);
        float[] ga = f(g);
        for (int r = 0; r < x.rows(); r++) {
            int yo = off(y) + r * ld(y);
            int xo = off(x) + r * ld(x);
            int go = off(g) + r * ld(g);
            for (int j = 0; j < x.cols(); j++) {
                ya[yo + j] = xa[xo + j] * ga[go + j];
            }
        }
    }

    // ---- optimisers -----------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor params, Tensor grads, Tensor m, Tensor v, float beta1, float beta2, float eps,
            float stepSize, float invSqrtBias2, float weightDecay) {
        long n = Shapes.flat("optimiser", params, grads, m, v);
        float[] p = f(params);
        float[] g = f(grads);
        float[] ma = f(m);
        float[] va = f(v);
        int po = off(params);
        int go = off(grads);
        int mo = off(m);
        int vo = off(v);
        for (int i = 0; i < n; i++) {
            float gi = g[go + i] + weightDecay * p[po + i];
            float mi = beta1 * ma[mo + i] + (1f - beta1) * gi;
            float vi = beta2 * va[vo + i] + (1f - beta2) * gi * gi;
            ma[mo + i] = mi;
            va[vo + i] = vi;
            p[po + i] -= stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBias2 + eps);
        }
    }

    @Override
    public void sgdStep(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum, float weightDecay) {
        long n = velocity == null ? Shapes.flat("optimiser", params, grads)
                : Shapes.flat("optimiser", params, grads, velocity);
        float[] p = f(params);
        float[] g = f(grads);
        float[] va = velocity == null ? null : f(velocity);
        int po = off(params);
        int go = off(grads);
        int vo = velocity == null ? 0 : off(velocity);
        for (int i = 0; i < n; i++) {
            float gi = g[go + i] + weightDecay * p[po + i];
            if (va != null) {
                gi = momentum * va[vo + i] + gi;
                va[vo + i] = gi;
            }
            p[po + i] -= lr * gi;
        }
    }


    // ---- continual learning ---------------------------------------------------------------------

    @Override
    public void axpby(Tensor y, Tensor x, float a, float b) {
        Shapes.sameShape(x, y, "axpby y");
        Shapes.floats("axpby", y, x);
        float[] ya = f(y);
        float[] xa = f(x);
        for (int r = 0; r < x.rows(); r++) {
            int yo = off(y) + r * ld(y);
            int xo = off(x) + r * ld(x);
            for (int j = 0; j < x.cols(); j++) {
                ya[yo + j] = b == 0f ? a * xa[xo + j] : a * xa[xo + j] + b * ya[yo + j];
            }
        }
    }

    @Override
    public double dot(Tensor x, Tensor y) {
        Shapes.sameShape(x, y, "dot y");
        Shapes.floats("dot", x, y);
        float[] xa = f(x);
        float[] ya = f(y);
        double total = 0;
        for (int r = 0; r < x.rows(); r++) {
            int xo = off(x) + r * ld(x);
            int yo = off(y) + r * ld(y);
            for (int j = 0; j < x.cols(); j++) {
                total += (double) xa[xo + j] * ya[yo + j];
            }
        }
        return total;
    }

    @Override
    public double quadraticPenalty(Tensor grads, Tensor params, Tensor anchor, Tensor importance, float lambda) {
        long n = Shapes.flat("quadratic penalty", grads, params, anchor, importance);
        float[] g = f(grads);
        float[] p = f(params);
        float[] a = f(anchor);
        float[] o = f(importance);
        int go = off(grads);
        int po = off(params);
        int ao = off(anchor);
        int oo = off(importance);
        double total = 0;
        for (int i = 0; i < n; i++) {
            float d = p[po + i] - a[ao + i];
            float od = o[oo + i] * d;
            g[go + i] += lambda * od;
            total += (double) o[oo + i] * d * d;
        }
        return 0.5 * lambda * total;
    }

    @Override
    public void accumulateSquares(Tensor acc, Tensor g, float scale) {
        Shapes.sameShape(acc, g, "accumulate squares g");
        Shapes.floats("accumulate squares", acc, g);
        float[] aa = f(acc);
        float[] ga = f(g);
        for (int r = 0; r < g.rows(); r++) {
            int ao = off(acc) + r * ld(acc);
            int go = off(g) + r * ld(g);
            for (int j = 0; j < g.cols(); j++) {
                float gj = ga[go + j];
                aa[ao + j] += scale * gj * gj;
            }
        }
    }

    @Override
    public void pathIntegralStep(Tensor omega, Tensor grads, Tensor params, Tensor previous) {
        long n = Shapes.flat("path integral step", omega, grads, params, previous);
        float[] w = f(omega);
        float[] g = f(grads);
        float[] p = f(params);
        float[] q = f(previous);
        int wo = off(omega);
        int go = off(grads);
        int po = off(params);
        int qo = off(previous);
        for (int i = 0; i < n; i++) {
            w[wo + i] -= g[go + i] * (p[po + i] - q[qo + i]);
            q[qo + i] = p[po + i];
        }
    }

    @Override
    public void consolidateImportance(Tensor importance, Tensor omega, Tensor params, Tensor start, float xi) {
        long n = Shapes.flat("consolidate importance", importance, omega, params, start);
        Shapes.damping(xi);
        float[] o = f(importance);
        float[] w = f(omega);
        float[] p = f(params);
        float[] s = f(start);
        int oo = off(importance);
        int wo = off(omega);
        int po = off(params);
        int so = off(start);
        for (int i = 0; i < n; i++) {
            float d = p[po + i] - s[so + i];
            o[oo + i] += w[wo + i] / (d * d + xi);
            w[wo + i] = 0f;
            s[so + i] = p[po + i];
        }
    }

    @Override
    public double mseLoss(Tensor dlogits, Tensor logits, Tensor targets, int lo, int hi, float weight) {
        Shapes.classRange(logits, lo, hi);
        Shapes.sameShape(logits, dlogits, "logits gradient");
        Shapes.shape(targets, logits.rows(), hi - lo, "logit targets [B, classes]");
        Shapes.floats("MSE loss", dlogits, logits, targets);
        float[] z = f(logits);
        float[] dz = f(dlogits);
        float[] t = f(targets);
        float twoW = 2f * weight;
        double total = 0;
        for (int r = 0; r < logits.rows(); r++) {
            int zo = off(logits) + r * ld(logits);
            int go = off(dlogits) + r * ld(dlogits);
            int to = off(targets) + r * ld(targets) - lo;
            // Columns outside [lo, hi) only, so that dlogits may be logits.
            Arrays.fill(dz, go, go + lo, 0f);
            Arrays.fill(dz, go + hi, go + logits.cols(), 0f);
            for (int j = lo; j < hi; j++) {
                float d = z[zo + j] - t[to + j];
                dz[go + j] = twoW * d;
                total += (double) d * d;
            }
        }
        return weight * total;
    }

    @Override
    public void l2NormalizeRows(Tensor y, Tensor x) {
        Shapes.sameShape(x, y, "normalised rows");
        Shapes.floats("L2 normalisation", y, x);
        float[] ya = f(y);
        float[] xa = f(x);
        for (int r = 0; r < x.rows(); r++) {
            int yo = off(y) + r * ld(y);
            int xo = off(x) + r * ld(x);
            double sum = 0;
            for (int j = 0; j < x.cols(); j++) {
                sum += (double) xa[xo + j] * xa[xo + j];
            }
            float inv = (float) (1.0 / Math.max(Math.sqrt(sum), 1e-12));
            for (int j = 0; j < x.cols(); j++) {
                ya[yo + j] = xa[xo + j] * inv;
            }
        }
    }

    // ---- data ---------------------------------------------------------------------------------

    @Override
    public void gather(Tensor out, Tensor images, Tensor indices, Tensor permutation, float scale) {
        Shapes.dtype(images, DType.U8, "images");
        Shapes.dtype(out, DType.F32, "gathered batch");
        Shapes.labels(indices, out.rows());
        if (images.cols() != out.cols()) {
            throw new IllegalArgumentException("gather: batch has " + out.cols() + " columns, images " + images.cols());
        }
        if (permutation != null) {
            Shapes.dtype(permutation, DType.I32, "permutation");
            Shapes.shape(permutation, 1, out.cols(), "permutation [1, D]");
        }
        byte[] img = heap(images).byteArray();
        int[] idx = ints(indices);
        int[] perm = permutation == null ? null : ints(permutation);
        float[] o = f(out);
        int d = out.cols();
        for (int r = 0; r < out.rows(); r++) {
            int i = idx[off(indices) + r * ld(indices)];
            if (i < 0 || i >= images.rows()) {
                throw new IndexOutOfBoundsException("gather: index " + i + " outside [0, " + images.rows() + ")");
            }
            int src = off(images) + i * ld(images);
            int dst = off(out) + r * ld(out);
            if (perm == null) {
                for (int j = 0; j < d; j++) {
                    o[dst + j] = scale * (img[src + j] & 0xff);
                }
            } else {
                int po = off(permutation);
                for (int j = 0; j < d; j++) {
                    o[dst + j] = scale * (img[src + perm[po + j]] & 0xff);
                }
            }
        }
    }

    @Override
    public void gatherPacked(Tensor out, Tensor packed, Tensor indices, int bits, float scale) {
        Shapes.packed(out, packed, indices, bits);
        byte[] src = heap(packed).byteArray();
        int[] idx = ints(indices);
        float[] o = f(out);
        int d = out.cols();
        int mask = (1 << bits) - 1;
        for (int r = 0; r < out.rows(); r++) {
            int i = idx[off(indices) + r * ld(indices)];
            if (i < 0 || i >= packed.rows()) {
                throw new IndexOutOfBoundsException("gather: index " + i + " outside [0, " + packed.rows() + ")");
            }
            int row = off(packed) + i * ld(packed);
            int dst = off(out) + r * ld(out);
            for (int j = 0; j < d; j++) {
                int bit = j * bits;
                o[dst + j] = scale * (((src[row + (bit >>> 3)] & 0xff) >>> (bit & 7)) & mask);
            }
        }
    }

    @Override
    public void shiftImages(Tensor y, Tensor x, Tensor shifts, int width) {
        Shapes.shifts(y, x, shifts, width);
        float[] ya = f(y);
        float[] xa = f(x);
        int[] sh = ints(shifts);
        int height = x.cols() / width;
        for (int b = 0; b < x.rows(); b++) {
            int dx = sh[off(shifts) + b * ld(shifts)];
            int dy = sh[off(shifts) + b * ld(shifts) + 1];
            int xo = off(x) + b * ld(x);
            int yo = off(y) + b * ld(y);
            for (int r = 0; r < height; r++) {
                for (int c = 0; c < width; c++) {
                    int sr = r - dy;
                    int sc = c - dx;
                    boolean inside = sr >= 0 && sr < height && sc >= 0 && sc < width;
                    ya[yo + r * width + c] = inside ? xa[xo + sr * width + sc] : 0f;
                }
            }
        }
    }

    @Override
    public void warpImages(Tensor y, Tensor x, Tensor maps, int width) {
        Shapes.warps(y, x, maps, width);
        float[] ya = f(y);
        float[] xa = f(x);
        float[] m = f(maps);
        int height = x.cols() / width;
        float cx = (width - 1) / 2f;
        float cy = (height - 1) / 2f;
        for (int b = 0; b < x.rows(); b++) {
            int mo = off(maps) + b * ld(maps);
            float a = m[mo];
            float bb = m[mo + 1];
            float c = m[mo + 2];
            float d = m[mo + 3];
            float tx = m[mo + 4];
            float ty = m[mo + 5];
            int xo = off(x) + b * ld(x);
            int yo = off(y) + b * ld(y);
            for (int r = 0; r < height; r++) {
                for (int q = 0; q < width; q++) {
                    float u = q - cx;
                    float v = r - cy;
                    float sx = a * u + bb * v + cx + tx;
                    float sy = c * u + d * v + cy + ty;
                    float fx = (float) Math.floor(sx);
                    float fy = (float) Math.floor(sy);
                    int x0 = (int) fx;
                    int y0 = (int) fy;
                    float wx = sx - fx;
                    float wy = sy - fy;
                    float p00 = pixel(xa, xo, width, height, x0, y0);
                    float p01 = pixel(xa, xo, width, height, x0 + 1, y0);
                    float p10 = pixel(xa, xo, width, height, x0, y0 + 1);
                    float p11 = pixel(xa, xo, width, height, x0 + 1, y0 + 1);
                    ya[yo + r * width + q] = (1 - wy) * ((1 - wx) * p00 + wx * p01) + wy * ((1 - wx) * p10 + wx * p11);
                }
            }
        }
    }

    private static float pixel(float[] a, int base, int width, int height, int col, int row) {
        return col < 0 || col >= width || row < 0 || row >= height ? 0f : a[base + row * width + col];
    }

    @Override
    public void oneHot(Tensor out, Tensor labels, int lo) {
        Shapes.labels(labels, out.rows());
        float[] o = f(out);
        int[] lab = ints(labels);
        for (int r = 0; r < out.rows(); r++) {
            int at = off(out) + r * ld(out);
            Arrays.fill(o, at, at + out.cols(), 0f);
            int c = lab[off(labels) + r * ld(labels)] - lo;
            if (c < 0 || c >= out.cols()) {
                throw new IllegalArgumentException("one-hot: label " + (c + lo) + " outside [" + lo + ", "
                        + (lo + out.cols()) + ")");
            }
            o[at + c] = 1f;
        }
    }

    @Override
    public void close() {
        team.close();
    }
}
