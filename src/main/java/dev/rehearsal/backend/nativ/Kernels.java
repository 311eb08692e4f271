package dev.rehearsal.backend.nativ;

import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * JNI bindings of {@code native/rehearsal_kernels.h}, generated and compiled by JavaCPP's builder in the
 * Maven build. Pointers cross as raw addresses ({@code long}) so that no {@code Pointer} object is created
 * per call; the caller computes them from a block's base address and a view's offset.
 */
@Platform(include = "rehearsal_kernels.h")
final class Kernels {
    private Kernels() {
    }

    static native int rh_setenv(String name, String value);

    static native int rh_omp_max_threads();

    static native String rh_kernel_isa();

    static native int rh_omp_set_threads(int n);

    /** Finds the OpenMP team oneDNN runs on for our long passes; 0, or negative if they stay serial. */
    static native int rh_team_init(int threads);

    static native int rh_team_threads();

    static native void rh_to_bf16(@Cast("uint16_t*") long out, @Cast("const float*") long x, long ldx, long rows,
            long cols);

    static native void rh_fill(@Cast("float*") long x, long ldx, long rows, long cols, float v);

    static native void rh_copy2d(@Cast("char*") long dst, long ldd, @Cast("const char*") long src, long lds, long rows,
            long rowBytes, long elemBytes);

    static native void rh_bias_act(@Cast("float*") long y, long ldy, @Cast("const float*") long b, long rows, long cols,
            int relu);

    static native void rh_colsum_add(@Cast("float*") long db, @Cast("const float*") long dy, long ldy, long rows,
            long cols);

    static native void rh_relu_backward(@Cast("float*") long dx, long ldx, @Cast("const float*") long y, long ldy,
            @Cast("const float*") long dy, long lddy, long rows, long cols);

    static native void rh_sigmoid(@Cast("float*") long y, long ldy, @Cast("const float*") long x, long ldx, long rows,
            long cols);

    static native void rh_sigmoid_backward(@Cast("float*") long dx, long ldx, @Cast("const float*") long y, long ldy,
            @Cast("const float*") long dy, long lddy, long rows, long cols);

    static native double rh_cross_entropy(@Cast("float*") long dz, long ldd, @Cast("const float*") long z, long ldz,
            @Cast("const int*") long labels, long ldl, long rows, long cols, long lo, long hi, float w);

    static native double rh_soft_cross_entropy(@Cast("float*") long dz, long ldd, @Cast("const float*") long z,
            long ldz, @Cast("const float*") long q, long ldq, long rows, long cols, long lo, long hi,
            float temperature, float w);

    static native void rh_softmax(@Cast("float*") long p, long ldp, @Cast("const float*") long z, long ldz, long rows,
            long lo, long hi, float temperature);

    static native void rh_argmax(@Cast("int*") long labels, long ldl, @Cast("const float*") long z, long ldz, long rows,
            long lo, long hi);

    static native long rh_count_correct(@Cast("const float*") long z, long ldz, @Cast("const int*") long labels,
            long ldl, long rows, long lo, long hi);

    static native double rh_bce_logits(@Cast("float*") long dx, long lddx, @Cast("const float*") long x, long ldx,
            @Cast("const float*") long t, long ldt, long rows, long cols, float w);

    static native void rh_reparam(@Cast("float*") long z, long ldz, @Cast("const float*") long mu, long ldm,
            @Cast("const float*") long lv, long ldl, @Cast("const float*") long eps, long lde, long rows, long cols);

    static native void rh_reparam_backward(@Cast("float*") long dmu, long lddm, @Cast("float*") long dlv, long lddl,
            @Cast("const float*") long dz, long lddz, @Cast("const float*") long lv, long ldl,
            @Cast("const float*") long eps, long lde, long rows, long cols);

    static native double rh_gaussian_kl(@Cast("float*") long dmu, long lddm, @Cast("float*") long dlv, long lddl,
            @Cast("const float*") long mu, long ldm, @Cast("const float*") long lv, long ldl, long rows, long cols,
            float w);

    static native void rh_adam(@Cast("float*") long p, @Cast("const float*") long g, @Cast("float*") long m,
            @Cast("float*") long v, long n, float b1, float b2, float eps, float stepSize, float invSqrtBias2,
            float weightDecay);

    static native void rh_sgd(@Cast("float*") long p, @Cast("const float*") long g, @Cast("float*") long vel, long n,
            float lr, float momentum, float weightDecay);

    static native void rh_axpby(@Cast("float*") long y, long ldy, @Cast("const float*") long x, long ldx, long rows,
            long cols, float a, float b);

    static native double rh_dot(@Cast("const float*") long x, long ldx, @Cast("const float*") long y, long ldy,
            long rows, long cols);

    static native double rh_quadratic_penalty(@Cast("float*") long g, @Cast("const float*") long p,
            @Cast("const float*") long a, @Cast("const float*") long o, long n, float lambda);

    static native void rh_accumulate_squares(@Cast("float*") long acc, long lda, @Cast("const float*") long g,
            long ldg, long rows, long cols, float scale);

    static native void rh_path_integral_step(@Cast("float*") long omega, @Cast("const float*") long g,
            @Cast("const float*") long p, @Cast("float*") long prev, long n);

    static native void rh_consolidate_importance(@Cast("float*") long imp, @Cast("float*") long omega,
            @Cast("const float*") long p, @Cast("float*") long start, long n, float xi);

    static native double rh_mse_loss(@Cast("float*") long dz, long ldd, @Cast("const float*") long z, long ldz,
            @Cast("const float*") long t, long ldt, long rows, long cols, long lo, long hi, float w);

    static native double rh_mixture_kl(@Cast("float*") long dmu, long lddm, @Cast("float*") long dlv, long lddl,
            @Cast("float*") long dM, long lddM, @Cast("float*") long dL, long lddL, @Cast("const float*") long mu,
            long ldm, @Cast("const float*") long lv, long ldl, @Cast("const float*") long eps, long lde,
            @Cast("const float*") long M, long ldM, @Cast("const float*") long L, long ldL,
            @Cast("const float*") long w, long ldw, long rows, long zn, long k, float weight);

    static native void rh_importance_samples(@Cast("float*") long z, long ldz, @Cast("const float*") long mu,
            long ldm, @Cast("const float*") long lv, long ldl, @Cast("const float*") long eps, long lde, long rows,
            long samples, long cols);

    static native void rh_importance_log_weights(@Cast("float*") long w, long ldw, @Cast("const float*") long l,
            long ldl, @Cast("const float*") long x, long ldx, @Cast("const float*") long z, long ldz,
            @Cast("const float*") long eps, long lde, @Cast("const float*") long lv, long ldv, long rows, long samples,
            long d, long zn, int gaussian);

    static native void rh_log_mean_exp(@Cast("float*") long out, long ldo, @Cast("const float*") long w, long ldw,
            long images, long samples);

    static native void rh_multiply(@Cast("float*") long y, long ldy, @Cast("const float*") long x, long ldx,
            @Cast("const float*") long g, long ldg, long rows, long cols);

    static native void rh_l2_normalize_rows(@Cast("float*") long y, long ldy, @Cast("const float*") long x, long ldx,
            long rows, long cols);

    static native long rh_gather_u8(@Cast("float*") long out, long ldo, @Cast("const uint8_t*") long images, long ldi,
            long n, @Cast("const int*") long idx, long ldx, long rows, long cols, @Cast("const int*") long perm,
            float scale);

    static native long rh_gather_packed(@Cast("float*") long out, long ldo, @Cast("const uint8_t*") long packed,
            long ldp, long n, @Cast("const int*") long idx, long ldx, long rows, long cols, long bits, float scale);

    static native void rh_shift_images(@Cast("float*") long y, long ldy, @Cast("const float*") long x, long ldx,
            @Cast("const int*") long shifts, long lds, long rows, long width, long height);

    static native void rh_warp_images(@Cast("float*") long y, long ldy, @Cast("const float*") long x, long ldx,
            @Cast("const float*") long maps, long ldm, long rows, long width, long height);

    static native long rh_one_hot(@Cast("float*") long out, long ldo, @Cast("const int*") long labels, long ldl,
            long rows, long cols, long lo);
}
