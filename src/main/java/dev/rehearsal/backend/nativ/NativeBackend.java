package dev.rehearsal.backend.nativ;

import static dev.rehearsal.backend.nativ.NativeBlock.address;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import dev.rehearsal.backend.Activation;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.MacCounter;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.backend.Shapes;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The fast backend: linear layers on oneDNN matmul (or OpenBLAS sgemm), everything else on our fused
 * kernels. Each op checks shapes, turns views into addresses and makes one or two native calls; no memory
 * is allocated and no primitive is created after the first step at a given shape.
 */
public final class NativeBackend implements Backend {
    /** oneDNN scratchpads are given 64-byte aligned; the workspace carries this many floats of slack. */
    private static final int ALIGN_FLOATS = 16;
    /**
     * Matmuls below this many MACs run single-threaded when the OpenMP team sleeps between calls (passive
     * waiting): waking a sleeping thread costs tens of microseconds on these virtual machines. Override:
     * -Drehearsal.dnnl.serialMacs=N.
     */
    static final long SERIAL_MACS = 8_000_000;
    /**
     * The same threshold when the team spins between calls: a 128 x 784 x 50 matmul (5M MACs) ran at 163
     * GFLOP/s on one thread and 281 on two spinning ones; below about 1M MACs one thread wins.
     */
    static final long SERIAL_MACS_SPINNING = 1_000_000;

    private final int threads;
    private final GemmEngine gemm;
    private final Precision precision;
    /** Whether the matmuls run on bfloat16 copies of their operands ({@link Precision#BF16}). */
    private final boolean bf16;
    private final Dnnl dnnl;
    private final MacCounter counter = new MacCounter();
    private final FloatAddress blasA = new FloatAddress();
    private final FloatAddress blasB = new FloatAddress();
    private final FloatAddress blasC = new FloatAddress();

    /** A FloatPointer whose address is set per call, for the OpenBLAS bindings that take FloatPointer. */
    private static final class FloatAddress extends FloatPointer {
        FloatAddress at(long a) {
            address = a;
            return this;
        }
    }

    /**
     * Starts the native runtime with {@code threads} threads (fixed per process), oneDNN GEMMs and the
     * OpenMP wait policy {@link NativeRuntime.OmpWait#AUTO} decides from how busy the machine is at start-up.
     */
    public NativeBackend(int threads) {
        this(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.AUTO);
    }

    public NativeBackend(int threads, GemmEngine gemm, NativeRuntime.OmpWait wait) {
        this(threads, gemm, wait, Precision.FP32);
    }

    /**
     * As above, with the matmuls in {@code precision}. {@link Precision#BF16} needs oneDNN (not OpenBLAS)
     * and a CPU oneDNN runs bfloat16 on natively (AVX512_BF16 or AMX): without, it refuses to start rather
     * than run an emulation.
     */
    public NativeBackend(int threads, GemmEngine gemm, NativeRuntime.OmpWait wait, Precision precision) {
        NativeRuntime.init(threads, wait);
        if (precision == Precision.BF16) {
            if (gemm != GemmEngine.DNNL) {
                throw new IllegalArgumentException("precision bf16 runs on oneDNN: use --gemm dnnl");
            }
            if (!NativeRuntime.hasBf16()) {
                throw new IllegalArgumentException("this CPU has no native bfloat16 matmul (oneDNN needs AVX512_BF16 or "
                        + "AMX; it runs " + NativeRuntime.isa() + "): use --precision fp32");
            }
        }
        this.precision = precision;
        this.bf16 = precision == Precision.BF16;
        this.threads = threads;
        this.gemm = gemm;
        long serial = NativeRuntime.waitPolicy() == NativeRuntime.OmpWait.PASSIVE ? SERIAL_MACS : SERIAL_MACS_SPINNING;
        this.dnnl = new Dnnl(threads, Long.getLong("rehearsal.dnnl.serialMacs", serial));
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public int threads() {
        return threads;
    }

    @Override
    public Precision precision() {
        return precision;
    }

    public GemmEngine gemmEngine() {
        return gemm;
    }

    @Override
    public long macs() {
        return counter.total();
    }

    @Override
    public Arena newArena(String name) {
        return new NativeArena(name);
    }

    /** Off-heap bytes this backend holds outside any arena: oneDNN argument lists (16 bytes per argument). */
    public long bookkeepingBytes() {
        return dnnl.argBytes();
    }

    /** oneDNN primitives created so far (one per op shape). */
    public int primitiveCount() {
        return dnnl.primitiveCount();
    }

    @Override
    public void fill(Tensor x, float value) {
        Shapes.dtype(x, DType.F32, "fill target");
        Kernels.rh_fill(address(x), x.ld(), x.rows(), x.cols(), value);
    }

    @Override
    public void copy(Tensor dst, Tensor src) {
        Shapes.sameShape(dst, src, "copy destination");
        Shapes.dtype(dst, src.dtype(), "copy destination");
        int e = src.dtype().bytes();
        Kernels.rh_copy2d(address(dst), dst.ld(), address(src), src.ld(), src.rows(), (long) src.cols() * e, e);
    }

    // ---- linear layers ------------------------------------------------------------------------

    /** y [B, OUT] = x [B, IN] · w^T (+ b) (ReLU): w [OUT, IN] seen as a transposed [IN, OUT] operand. */
    private Dnnl.Primitive forward(int batch, int in, int out, long ldx, long ldw, long ldy, boolean bias,
            boolean relu) {
        return dnnl.matmul(false, true, batch, out, in, ldx, ldw, ldy, bias, false, relu, bf16);
    }

    /** dx [B, IN] (+)= dy [B, OUT] · w [OUT, IN]. */
    private Dnnl.Primitive inputGrad(int batch, int in, int out, long lddy, long ldw, long lddx, boolean accumulate) {
        return dnnl.matmul(false, false, batch, in, out, lddy, ldw, lddx, false, accumulate, false, bf16);
    }

    /** dw [OUT, IN] (+)= dy^T [OUT, B] · x [B, IN]. */
    private Dnnl.Primitive weightGrad(int batch, int in, int out, long lddy, long ldx, long lddw, boolean accumulate) {
        return dnnl.matmul(true, false, out, in, batch, lddy, ldx, lddw, false, accumulate, false, bf16);
    }

    /**
     * Where the bfloat16 copies of a call's operands go in its workspace (bf16 only), in floats from the
     * 64-byte aligned start: after the scratchpad, x [B, IN], then w [OUT, IN], then dy [B, OUT], each dense
     * and 64-byte aligned.
     */
    private static long bf16Floats(long elements) {
        return ((elements + 1) / 2 + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
    }

    private static long scratchFloats(Dnnl.Primitive p) {
        return ((p.scratchpadBytes + 3) / 4 + ALIGN_FLOATS - 1) / ALIGN_FLOATS * ALIGN_FLOATS;
    }

    @Override
    public long linearWorkspace(int batch, int in, int out) {
        if (gemm == GemmEngine.OPENBLAS) {
            return 0;
        }
        long scratch = Math.max(scratchFloats(forward(batch, in, out, in, in, out, true, true)),
                Math.max(scratchFloats(inputGrad(batch, in, out, out, in, in, false)),
                        Math.max(scratchFloats(weightGrad(batch, in, out, out, in, in, true)),
                                scratchFloats(weightGrad(batch, in, out, out, in, in, false)))));
        long copies = bf16 ? bf16Floats((long) batch * in) + bf16Floats((long) out * in)
                + bf16Floats((long) batch * out) : 0;
        return scratch + copies + ALIGN_FLOATS;
    }

    /** The workspace's 64-byte aligned start, after checking it holds {@code floats} floats from there. */
    private static long alignedStart(Tensor ws, long floats, String op) {
        Shapes.workspace(ws, floats + ALIGN_FLOATS, op);
        return (address(ws) + 63) & ~63L;
    }

    /** Binds the scratchpad (64-byte aligned inside the workspace) after checking it is large enough. */
    private void bindScratchpad(Dnnl.Primitive p, Tensor ws, String op) {
        dnnl.bind(p, Dnnl.SCRATCHPAD, alignedStart(ws, scratchFloats(p), op));
    }

    @Override
    public void prepareLinearForward(Tensor y, Tensor x, Tensor w, Tensor b, Activation act) {
        Shapes.linear(y, x, w, b);
        if (gemm == GemmEngine.DNNL && x.rows() > 0) {
            if (bf16) {
                forward(x.rows(), x.cols(), w.rows(), x.cols(), x.cols(), y.ld(), b != null, act == Activation.RELU);
            } else {
                forward(x.rows(), x.cols(), w.rows(), x.ld(), w.ld(), y.ld(), b != null, act == Activation.RELU);
            }
        }
    }

    @Override
    public void prepareLinearBackward(Tensor dx, boolean accumulateDx, Tensor dw, Tensor dy, Tensor x, Tensor w) {
        Shapes.sameShape(w, dw, "weight gradient");
        if (gemm == GemmEngine.DNNL && x.rows() > 0) {
            int in = x.cols();
            int out = w.rows();
            if (dx != null) {
                inputGrad(x.rows(), in, out, bf16 ? out : dy.ld(), bf16 ? in : w.ld(), dx.ld(), accumulateDx);
            }
            for (boolean accumulate : new boolean[] {true, false}) {
                weightGrad(x.rows(), in, out, bf16 ? out : dy.ld(), bf16 ? in : x.ld(), dw.ld(), accumulate);
            }
        }
    }

    @Override
    public void linearForward(Tensor y, Tensor x, Tensor w, Tensor b, Activation act, Tensor workspace) {
        Shapes.linear(y, x, w, b);
        int batch = x.rows();
        int in = x.cols();
        int out = w.rows();
        boolean relu = act == Activation.RELU;
        if (batch == 0) {
            return;
        }
        counter.gemm(batch, out, in);
        if (gemm == GemmEngine.OPENBLAS) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, batch, out, in, 1f, blasA.at(address(x)),
                    (int) x.ld(), blasB.at(address(w)), (int) w.ld(), 0f, blasC.at(address(y)), (int) y.ld());
            Kernels.rh_bias_act(address(y), y.ld(), b == null ? 0 : address(b), batch, out, relu ? 1 : 0);
            return;
        }
        Dnnl.Primitive p;
        if (bf16) {
            p = forward(batch, in, out, in, in, y.ld(), b != null, relu);
            long scratch = scratchFloats(p);
            long xb = bf16Floats((long) batch * in);
            long base = alignedStart(workspace, scratch + xb + bf16Floats((long) out * in), "linear forward");
            long xAt = base + 4 * scratch;
            long wAt = xAt + 4 * xb;
            Kernels.rh_to_bf16(xAt, address(x), x.ld(), batch, in);
            Kernels.rh_to_bf16(wAt, address(w), w.ld(), out, in);
            dnnl.bind(p, Dnnl.SCRATCHPAD, base);
            dnnl.bind(p, Dnnl.SRC, xAt);
            dnnl.bind(p, Dnnl.WEIGHTS, wAt);
        } else {
            p = forward(batch, in, out, x.ld(), w.ld(), y.ld(), b != null, relu);
            bindScratchpad(p, workspace, "linear forward");
            dnnl.bind(p, Dnnl.SRC, address(x));
            dnnl.bind(p, Dnnl.WEIGHTS, address(w));
        }
        dnnl.bind(p, Dnnl.DST, address(y));
        if (b != null) {
            dnnl.bind(p, Dnnl.BIAS, address(b));
        }
        dnnl.execute(p);
    }

    @Override
    public void linearBackward(Tensor dx, boolean accumulateDx, Tensor dw, boolean accumulateDw, Tensor db, Tensor dy,
            Tensor x, Tensor w, Tensor workspace) {
        Shapes.linear(dy, x, w, db);
        Shapes.sameShape(w, dw, "weight gradient");
        Shapes.dense(dw, "weight gradient");
        int batch = x.rows();
        int in = x.cols();
        int out = w.rows();
        if (batch == 0) {
            return;
        }
        if (dx != null) {
            Shapes.sameShape(x, dx, "input gradient");
            counter.gemm(batch, in, out);
        }
        counter.gemm(out, in, batch);
        if (gemm == GemmEngine.OPENBLAS) {
            if (dx != null) {
                cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, batch, in, out, 1f, blasA.at(address(dy)),
                        (int) dy.ld(), blasB.at(address(w)), (int) w.ld(), accumulateDx ? 1f : 0f,
                        blasC.at(address(dx)), (int) dx.ld());
            }
            cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, out, in, batch, 1f, blasA.at(address(dy)),
                    (int) dy.ld(), blasB.at(address(x)), (int) x.ld(), accumulateDw ? 1f : 0f, blasC.at(address(dw)),
                    (int) dw.ld());
        } else if (bf16) {
            backwardBf16(dx, accumulateDx, dw, accumulateDw, dy, x, w, workspace, batch, in, out);
        } else {
            if (dx != null) {
                Dnnl.Primitive p = inputGrad(batch, in, out, dy.ld(), w.ld(), dx.ld(), accumulateDx);
                execute(p, alignedStart(workspace, scratchFloats(p), "linear backward (input)"), address(dy),
                        address(w), address(dx));
            }
            Dnnl.Primitive p = weightGrad(batch, in, out, dy.ld(), x.ld(), dw.ld(), accumulateDw);
            execute(p, alignedStart(workspace, scratchFloats(p), "linear backward (weights)"), address(dy),
                    address(x), address(dw));
        }
        if (db != null) {
            Kernels.rh_colsum_add(address(db), address(dy), dy.ld(), batch, out);
        }
    }

    /** The bf16 backward: dy, x and (for dx) w rounded into the workspace once, then both matmuls on them. */
    private void backwardBf16(Tensor dx, boolean accumulateDx, Tensor dw, boolean accumulateDw, Tensor dy, Tensor x,
            Tensor w, Tensor workspace, int batch, int in, int out) {
        Dnnl.Primitive pw = weightGrad(batch, in, out, out, in, dw.ld(), accumulateDw);
        Dnnl.Primitive px = dx == null ? null : inputGrad(batch, in, out, out, in, dx.ld(), accumulateDx);
        long scratch = Math.max(scratchFloats(pw), px == null ? 0 : scratchFloats(px));
        long xb = bf16Floats((long) batch * in);
        long wb = bf16Floats((long) out * in);
        long base = alignedStart(workspace, scratch + xb + wb + bf16Floats((long) batch * out), "linear backward");
        long xAt = base + 4 * scratch;
        long wAt = xAt + 4 * xb;
        long dyAt = wAt + 4 * wb;
        Kernels.rh_to_bf16(dyAt, address(dy), dy.ld(), batch, out);
        if (px != null) {
            Kernels.rh_to_bf16(wAt, address(w), w.ld(), out, in);
            execute(px, base, dyAt, wAt, address(dx));
        }
        Kernels.rh_to_bf16(xAt, address(x), x.ld(), batch, in);
        execute(pw, base, dyAt, xAt, address(dw));
    }

    /** Points a matmul without bias at its scratchpad and operands, then runs it. */
    private void execute(Dnnl.Primitive p, long scratchpad, long src, long weights, long dst) {
        dnnl.bind(p, Dnnl.SCRATCHPAD, scratchpad);
        dnnl.bind(p, Dnnl.SRC, src);
        dnnl.bind(p, Dnnl.WEIGHTS, weights);
        dnnl.bind(p, Dnnl.DST, dst);
        dnnl.execute(p);
    }

    @Override
    public void reluBackward(Tensor dx, Tensor y, Tensor dy) {
        Shapes.sameShape(y, dx, "relu input gradient");
        Shapes.sameShape(y, dy, "relu output gradient");
        Kernels.rh_relu_backward(address(dx), dx.ld(), address(y), y.ld(), address(dy), dy.ld(), y.rows(), y.cols());
    }

    @Override
    public void sigmoid(Tensor y, Tensor x) {
        Shapes.sameShape(x, y, "sigmoid output");
        Kernels.rh_sigmoid(address(y), y.ld(), address(x), x.ld(), x.rows(), x.cols());
    }

    @Override
    public void sigmoidBackward(Tensor dx, Tensor y, Tensor dy) {
        Shapes.sameShape(y, dx, "sigmoid input gradient");
        Shapes.sameShape(y, dy, "sigmoid output gradient");
        Kernels.rh_sigmoid_backward(address(dx), dx.ld(), address(y), y.ld(), address(dy), dy.ld(), y.rows(),
                y.cols());
    }

    // ---- classification ---------------------------------------------------------------------

    @Override
    public double crossEntropy(Tensor dlogits, Tensor logits, Tensor labels, int lo, int hi, float weight) {
        Shapes.classRange(logits, lo, hi);
        Shapes.sameShape(logits, dlogits, "logits gradient");
        Shapes.labels(labels, logits.rows());
        double loss = Kernels.rh_cross_entropy(address(dlogits), dlogits.ld(), address(logits), logits.ld(),
                address(labels), labels.ld(), logits.rows(), logits.cols(), lo, hi, weight);
        if (loss < 0) {
            int row = (int) (-loss) - 1;
            throw new IllegalArgumentException("label " + labels.getInt(row, 0) + " of row " + row
                    + " outside class range [" + lo + ", " + hi + ")");
        }
        return loss;
    }

    @Override
    public double softCrossEntropy(Tensor dlogits, Tensor logits, Tensor targets, int lo, int hi, float temperature,
            float weight) {
        Shapes.classRange(logits, lo, hi);
        Shapes.sameShape(logits, dlogits, "logits gradient");
        Shapes.shape(targets, logits.rows(), hi - lo, "soft targets [B, classes]");
        return Kernels.rh_soft_cross_entropy(address(dlogits), dlogits.ld(), address(logits), logits.ld(),
                address(targets), targets.ld(), logits.rows(), logits.cols(), lo, hi, temperature, weight);
    }

    @Override
    public void softmax(Tensor probs, Tensor logits, int lo, int hi, float temperature) {
        Shapes.classRange(logits, lo, hi);
        Shapes.shape(probs, logits.rows(), hi - lo, "softmax output [B, classes]");
        Kernels.rh_softmax(address(probs), probs.ld(), address(logits), logits.ld(), logits.rows(), lo, hi,
                temperature);
    }

    @Override
    public void argmax(Tensor labels, Tensor logits, int lo, int hi) {
        Shapes.classRange(logits, lo, hi);
        Shapes.labels(labels, logits.rows());
        Kernels.rh_argmax(address(labels), labels.ld(), address(logits), logits.ld(), logits.rows(), lo, hi);
    }

    @Override
    public int countCorrect(Tensor logits, Tensor labels, int lo, int hi) {
        Shapes.classRange(logits, lo, hi);
        Shapes.labels(labels, logits.rows());
        return (int) Kernels.rh_count_correct(address(logits), logits.ld(), address(labels), labels.ld(),
                logits.rows(), lo, hi);
    }

    // ---- variational autoencoder --------------------------------------------------------------

    @Override
    public double bceWithLogits(Tensor dlogits, Tensor logits, Tensor target, float weight) {
        Shapes.sameShape(logits, dlogits, "logits gradient");
        Shapes.sameShape(logits, target, "BCE target");
        return Kernels.rh_bce_logits(address(dlogits), dlogits.ld(), address(logits), logits.ld(), address(target),
                target.ld(), logits.rows(), logits.cols(), weight);
    }

    @Override
    public void reparameterize(Tensor z, Tensor mu, Tensor logvar, Tensor eps) {
        Shapes.sameShape(mu, z, "z");
        Shapes.sameShape(mu, logvar, "logvar");
        Shapes.sameShape(mu, eps, "eps");
        Kernels.rh_reparam(address(z), z.ld(), address(mu), mu.ld(), address(logvar), logvar.ld(), address(eps),
                eps.ld(), mu.rows(), mu.cols());
    }

    @Override
    public void reparameterizeBackward(Tensor dmu, Tensor dlogvar, Tensor dz, Tensor logvar, Tensor eps) {
        Shapes.sameShape(dz, dmu, "dmu");
        Shapes.sameShape(dz, dlogvar, "dlogvar");
        Shapes.sameShape(dz, logvar, "logvar");
        Shapes.sameShape(dz, eps, "eps");
        Kernels.rh_reparam_backward(address(dmu), dmu.ld(), address(dlogvar), dlogvar.ld(), address(dz), dz.ld(),
                address(logvar), logvar.ld(), address(eps), eps.ld(), dz.rows(), dz.cols());
    }

    @Override
    public double gaussianKl(Tensor dmu, Tensor dlogvar, Tensor mu, Tensor logvar, float weight) {
        Shapes.sameShape(mu, logvar, "logvar");
        Shapes.sameShape(mu, dmu, "dmu");
        Shapes.sameShape(mu, dlogvar, "dlogvar");
        return Kernels.rh_gaussian_kl(address(dmu), dmu.ld(), address(dlogvar), dlogvar.ld(), address(mu), mu.ld(),
                address(logvar), logvar.ld(), mu.rows(), mu.cols(), weight);
    }

    @Override
    public double mixtureKl(Tensor dmu, Tensor dlogvar, Tensor dmeans, Tensor dlogvars, Tensor mu, Tensor logvar,
            Tensor eps, Tensor means, Tensor logvars, Tensor weights, float weight) {
        Shapes.mixture(dmu, dlogvar, dmeans, dlogvars, mu, logvar, eps, means, logvars, weights);
        return Shapes.mixtureResult(Kernels.rh_mixture_kl(address(dmu), dmu.ld(), address(dlogvar), dlogvar.ld(),
                address(dmeans), dmeans.ld(), address(dlogvars), dlogvars.ld(), address(mu), mu.ld(), address(logvar),
                logvar.ld(), address(eps), eps.ld(), address(means), means.ld(), address(logvars), logvars.ld(),
                address(weights), weights.ld(), mu.rows(), mu.cols(), means.rows(), weight));
    }

    @Override
    public void multiply(Tensor y, Tensor x, Tensor g) {
        Shapes.sameShape(x, y, "product");
        Shapes.sameShape(x, g, "gates");
        Shapes.floats("multiply", y, x, g);
        Kernels.rh_multiply(address(y), y.ld(), address(x), x.ld(), address(g), g.ld(), x.rows(), x.cols());
    }

    @Override
    public void importanceSamples(Tensor z, Tensor mu, Tensor logvar, Tensor eps) {
        int s = Shapes.importanceSamples(z, mu, logvar, eps);
        Kernels.rh_importance_samples(address(z), z.ld(), address(mu), mu.ld(), address(logvar), logvar.ld(),
                address(eps), eps.ld(), z.rows(), s, z.cols());
    }

    @Override
    public void importanceLogWeights(Tensor logw, Tensor logits, Tensor x, Tensor z, Tensor eps, Tensor logvar,
            dev.rehearsal.backend.PixelLikelihood likelihood) {
        int s = Shapes.importanceLogWeights(logw, logits, x, z, eps, logvar, likelihood);
        Kernels.rh_importance_log_weights(address(logw), logw.ld(), address(logits), logits.ld(), address(x), x.ld(),
                address(z), z.ld(), address(eps), eps.ld(), address(logvar), logvar.ld(), logits.rows(), s,
                x.cols(), z.cols(), likelihood == dev.rehearsal.backend.PixelLikelihood.GAUSSIAN ? 1 : 0);
    }

    @Override
    public void logMeanExp(Tensor out, Tensor logw) {
        int s = Shapes.logMeanExp(out, logw);
        Kernels.rh_log_mean_exp(address(out), out.ld(), address(logw), logw.ld(), out.rows(), s);
    }

    // ---- optimisers -----------------------------------------------------------------------------

    @Override
    public void adamStep(Tensor params, Tensor grads, Tensor m, Tensor v, float beta1, float beta2, float eps,
            float stepSize, float invSqrtBias2, float weightDecay) {
        long n = Shapes.flat("optimiser", params, grads, m, v);
        Kernels.rh_adam(address(params), address(grads), address(m), address(v), n, beta1, beta2, eps, stepSize,
                invSqrtBias2, weightDecay);
    }

    @Override
    public void sgdStep(Tensor params, Tensor grads, Tensor velocity, float lr, float momentum, float weightDecay) {
        long n = velocity == null ? Shapes.flat("optimiser", params, grads) : Shapes.flat("optimiser", params, grads, velocity);
        Kernels.rh_sgd(address(params), address(grads), velocity == null ? 0 : address(velocity), n, lr, momentum,
                weightDecay);
    }


    // ---- continual learning ---------------------------------------------------------------------

    @Override
    public void axpby(Tensor y, Tensor x, float a, float b) {
        Shapes.sameShape(x, y, "axpby y");
        Shapes.floats("axpby", y, x);
        Kernels.rh_axpby(address(y), y.ld(), address(x), x.ld(), x.rows(), x.cols(), a, b);
    }

    @Override
    public double dot(Tensor x, Tensor y) {
        Shapes.sameShape(x, y, "dot y");
        Shapes.floats("dot", x, y);
        return Kernels.rh_dot(address(x), x.ld(), address(y), y.ld(), x.rows(), x.cols());
    }

    @Override
    public double quadraticPenalty(Tensor grads, Tensor params, Tensor anchor, Tensor importance, float lambda) {
        long n = Shapes.flat("quadratic penalty", grads, params, anchor, importance);
        return Kernels.rh_quadratic_penalty(address(grads), address(params), address(anchor), address(importance), n,
                lambda);
    }

    @Override
    public void accumulateSquares(Tensor acc, Tensor g, float scale) {
        Shapes.sameShape(acc, g, "accumulate squares g");
        Shapes.floats("accumulate squares", acc, g);
        Kernels.rh_accumulate_squares(address(acc), acc.ld(), address(g), g.ld(), g.rows(), g.cols(), scale);
    }

    @Override
    public void pathIntegralStep(Tensor omega, Tensor grads, Tensor params, Tensor previous) {
        long n = Shapes.flat("path integral step", omega, grads, params, previous);
        Kernels.rh_path_integral_step(address(omega), address(grads), address(params), address(previous), n);
    }

    @Override
    public void consolidateImportance(Tensor importance, Tensor omega, Tensor params, Tensor start, float xi) {
        long n = Shapes.flat("consolidate importance", importance, omega, params, start);
        Shapes.damping(xi);
        Kernels.rh_consolidate_importance(address(importance), address(omega), address(params), address(start), n, xi);
    }

    @Override
    public double mseLoss(Tensor dlogits, Tensor logits, Tensor targets, int lo, int hi, float weight) {
        Shapes.classRange(logits, lo, hi);
        Shapes.sameShape(logits, dlogits, "logits gradient");
        Shapes.shape(targets, logits.rows(), hi - lo, "logit targets [B, classes]");
        Shapes.floats("MSE loss", dlogits, logits, targets);
        return Kernels.rh_mse_loss(address(dlogits), dlogits.ld(), address(logits), logits.ld(), address(targets),
                targets.ld(), logits.rows(), logits.cols(), lo, hi, weight);
    }

    @Override
    public void l2NormalizeRows(Tensor y, Tensor x) {
        Shapes.sameShape(x, y, "normalised rows");
        Shapes.floats("L2 normalisation", y, x);
        Kernels.rh_l2_normalize_rows(address(y), y.ld(), address(x), x.ld(), x.rows(), x.cols());
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
        long bad = Kernels.rh_gather_u8(address(out), out.ld(), address(images), images.ld(), images.rows(),
                address(indices), indices.ld(), out.rows(), out.cols(),
                permutation == null ? 0 : address(permutation), scale);
        if (bad < 0) {
            int row = (int) (-bad) - 1;
            throw new IndexOutOfBoundsException("gather: index " + indices.getInt(row, 0) + " outside [0, "
                    + images.rows() + ")");
        }
    }

    @Override
    public void gatherPacked(Tensor out, Tensor packed, Tensor indices, int bits, float scale) {
        Shapes.packed(out, packed, indices, bits);
        long bad = Kernels.rh_gather_packed(address(out), out.ld(), address(packed), packed.ld(), packed.rows(),
                address(indices), indices.ld(), out.rows(), out.cols(), bits, scale);
        if (bad < 0) {
            int row = (int) (-bad) - 1;
            throw new IndexOutOfBoundsException("gather: index " + indices.getInt(row, 0) + " outside [0, "
                    + packed.rows() + ")");
        }
    }

    @Override
    public void shiftImages(Tensor y, Tensor x, Tensor shifts, int width) {
        Shapes.shifts(y, x, shifts, width);
        Kernels.rh_shift_images(address(y), y.ld(), address(x), x.ld(), address(shifts), shifts.ld(), x.rows(),
                width, x.cols() / width);
    }

    @Override
    public void warpImages(Tensor y, Tensor x, Tensor maps, int width) {
        Shapes.warps(y, x, maps, width);
        Kernels.rh_warp_images(address(y), y.ld(), address(x), x.ld(), address(maps), maps.ld(), x.rows(), width,
                x.cols() / width);
    }

    @Override
    public void oneHot(Tensor out, Tensor labels, int lo) {
        Shapes.labels(labels, out.rows());
        long bad = Kernels.rh_one_hot(address(out), out.ld(), address(labels), labels.ld(), out.rows(), out.cols(), lo);
        if (bad < 0) {
            int row = (int) (-bad) - 1;
            throw new IllegalArgumentException("one-hot: label " + labels.getInt(row, 0) + " outside [" + lo + ", "
                    + (lo + out.cols()) + ")");
        }
    }

    @Override
    public void close() {
        dnnl.close();
    }
}
