// Rehearsal's own fused CPU kernels: what neither OpenBLAS nor oneDNN offers as one pass.
//
// Compiled by JavaCPP's builder into libjniKernels.so during the Maven build (see Kernels.java).
// Every hot kernel is built three times (x86-64-v4 = AVX-512, x86-64-v3 = AVX2+FMA, baseline) and the
// loader picks the best the CPU supports, so one binary runs on any x86-64 and uses AVX-512 where present.
// exp and log are our own polynomial versions: they vectorise with any compiler flags and give the same
// bits on every glibc. Loops are written so GCC vectorises them: unit stride, no aliasing, selects instead
// of branches (built with -fopenmp-simd -fno-math-errno -fno-trapping-math, see pom.xml).
// Matrices are row-major with a row stride ("ld") in elements. Losses return their value as a double.
#pragma once

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <dlfcn.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#define RH_MULTIVERSION __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define RH_MULTIVERSION
#endif
#define RH_RESTRICT __restrict__

// ---- scalar helpers, inlined into every vectorised loop --------------------------------------------

static inline float rh_bits_to_float(int32_t i) { return __builtin_bit_cast(float, i); }
static inline int32_t rh_float_to_bits(float f) { return __builtin_bit_cast(int32_t, f); }

// exp(x) with ~1 ulp error on [-87, 88]: x = n ln2 + r, |r| <= ln2/2, degree-6 Taylor in r, times 2^n.
static inline float rh_expf(float x) {
    x = x < -87.0f ? -87.0f : (x > 88.0f ? 88.0f : x);  // (ternaries, not fminf: they vectorise)
    float n = floorf(x * 1.44269504088896341f + 0.5f);
    float r = x - n * 0.693145751953125f;   // ln2 split in a high part exact in float...
    r = r - n * 1.42860682030941723212e-6f;  // ...and the rest
    float p = 1.0f / 720.0f;
    p = p * r + 1.0f / 120.0f;
    p = p * r + 1.0f / 24.0f;
    p = p * r + 1.0f / 6.0f;
    p = p * r + 0.5f;
    p = p * r + 1.0f;
    p = p * r + 1.0f;
    return p * rh_bits_to_float(((int32_t) n + 127) << 23);
}

// log(y) for y > 0 normal: y = m 2^k with m in [sqrt(1/2), sqrt(2)), log m = 2 atanh(s), s = (m-1)/(m+1).
static inline float rh_logf(float y) {
    int32_t bits = rh_float_to_bits(y);
    int32_t k = ((bits >> 23) & 0xff) - 127;
    float m = rh_bits_to_float((bits & 0x007fffff) | 0x3f800000);  // m in [1, 2)
    int32_t big = m > 1.41421356f;
    m = big ? m * 0.5f : m;
    k += big;
    float s = (m - 1.0f) / (m + 1.0f);
    float s2 = s * s;
    float p = 2.0f / 9.0f;
    p = p * s2 + 2.0f / 7.0f;
    p = p * s2 + 2.0f / 5.0f;
    p = p * s2 + 2.0f / 3.0f;
    p = p * s2 + 2.0f;
    return p * s + (float) k * 0.693147180559945309f;
}

// log(1 + u) for u in [0, 1], accurate for tiny u (Goldberg's correction).
static inline float rh_log1pf_unit(float u) {
    float w = 1.0f + u;
    float d = w - 1.0f;
    return d == 0.0f ? u : rh_logf(w) * (u / d);
}

// ---- environment, set before the libraries that read it are loaded ------------------------------

static inline int rh_setenv(const char* name, const char* value) { return setenv(name, value, 1); }

// The OpenMP runtime oneDNN uses is the libgomp its preset bundles: ask it, if loaded, for its threads.
static inline int rh_omp_max_threads() {
    void* h = dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD);
    if (!h) return -1;
    int (*f)(void) = (int (*)(void)) dlsym(h, "omp_get_max_threads");
    int n = f ? f() : -2;
    dlclose(h);
    return n;
}

// Sets the calling thread's OpenMP thread count (libgomp's per-thread ICV); returns -1 if OpenMP is not loaded.
// oneDNN sizes a primitive's parallelism when the primitive is created, from this value.
static inline int rh_omp_set_threads(int n) {
    void* h = dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD);
    if (!h) return -1;
    void (*f)(int) = (void (*)(int)) dlsym(h, "omp_set_num_threads");
    if (f) f(n);
    dlclose(h);
    return f ? 0 : -2;
}

// ---- the OpenMP team oneDNN runs on, for our own long elementwise passes --------------------------
// Our kernels are not built with -fopenmp (that would link a second OpenMP runtime next to the libgomp
// the dnnl preset bundles). Instead rh_team_init looks up libgomp's GOMP_parallel, the entry point GCC
// compiles `#pragma omp parallel` into, and a long pass is split over the same team oneDNN's matmuls use:
// the same threads, the same wait policy, no second pool. Each thread gets a contiguous range whose
// bounds are multiples of 16 floats (one cache line), and every element is computed exactly as in the
// serial loop, so results are bit-identical at any thread count.

typedef void (*rh_gomp_parallel_t)(void (*)(void*), void*, unsigned, unsigned);
static rh_gomp_parallel_t rh_gomp_parallel;
static int (*rh_gomp_thread_num)(void);
static int (*rh_gomp_num_threads)(void);
static int rh_team_size = 1;

// Passes shorter than this run on the calling thread: below it, handing out the work costs more than
// the second thread saves (a 2-thread split of 64K floats is about 10 microseconds of work per thread).
#define RH_TEAM_MIN_ELEMENTS 65536L

// Returns 0, or -1 if libgomp is not loaded, -2 if a symbol is missing (then every pass runs serially).
static inline int rh_team_init(int threads) {
    void* h = dlopen("libgomp.so.1", RTLD_NOW | RTLD_NOLOAD);
    if (!h) return -1;  // the handle stays open: the team's entry points must stay valid
    rh_gomp_parallel = (rh_gomp_parallel_t) dlsym(h, "GOMP_parallel");
    rh_gomp_thread_num = (int (*)(void)) dlsym(h, "omp_get_thread_num");
    rh_gomp_num_threads = (int (*)(void)) dlsym(h, "omp_get_num_threads");
    if (!rh_gomp_parallel || !rh_gomp_thread_num || !rh_gomp_num_threads) {
        rh_gomp_parallel = 0;
        return -2;
    }
    rh_team_size = threads < 1 ? 1 : threads;
    return 0;
}

static inline int rh_team_threads() { return rh_gomp_parallel ? rh_team_size : 1; }

// The part [*lo, *hi) of [0, n) that thread t of nt takes.
static inline void rh_team_range(long n, int t, int nt, long* lo, long* hi) {
    long per = ((n + nt - 1) / nt + 15) & ~15L;
    *lo = per * t < n ? per * t : n;
    *hi = per * (t + 1) < n ? per * (t + 1) : n;
}

// Runs fn(args) on every thread of the team when n is long enough, else once on this thread (where
// rh_team_part gives it all of [0, n)).
static inline void rh_team_run(void (*fn)(void*), void* args, long n) {
    if (rh_gomp_parallel && rh_team_size > 1 && n >= RH_TEAM_MIN_ELEMENTS) {
        rh_gomp_parallel(fn, args, (unsigned) rh_team_size, 0);
    } else {
        fn(args);
    }
}

// Inside fn: this thread's range of [0, n), from the team the runtime actually gave (it may give fewer
// threads than asked). Outside a parallel region the team is this thread alone: all of [0, n).
static inline void rh_team_part(long n, long* lo, long* hi) {
    int nt = rh_gomp_parallel ? rh_gomp_num_threads() : 1;
    int t = rh_gomp_parallel ? rh_gomp_thread_num() : 0;
    rh_team_range(n, t, nt, lo, hi);
}

// Which of the three kernel builds this CPU runs.
static inline const char* rh_kernel_isa() {
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
    __builtin_cpu_init();
    if (__builtin_cpu_supports("x86-64-v4")) return "x86-64-v4 (AVX-512)";
    if (__builtin_cpu_supports("x86-64-v3")) return "x86-64-v3 (AVX2, FMA)";
    return "x86-64 baseline";
#else
    return "generic";
#endif
}

// ---- copies ------------------------------------------------------------------------------------

RH_MULTIVERSION void rh_fill_range(float* RH_RESTRICT x, long lo, long hi, float v) {
    for (long i = lo; i < hi; i++) x[i] = v;
}

struct rh_fill_args { float* x; long n; float v; };

static void rh_fill_part(void* a) {
    struct rh_fill_args* f = (struct rh_fill_args*) a;
    long lo, hi;
    rh_team_part(f->n, &lo, &hi);
    rh_fill_range(f->x, lo, hi, f->v);
}

static inline void rh_fill(float* x, long ldx, long rows, long cols, float v) {
    if (ldx == cols || rows == 1) {  // contiguous: one pass, split over the team when long
        struct rh_fill_args f = {x, rows * cols, v};
        rh_team_run(rh_fill_part, &f, f.n);
        return;
    }
    for (long r = 0; r < rows; r++) rh_fill_range(x + r * ldx, 0, cols, v);
}

static inline void rh_copy2d(char* dst, long ldd, const char* src, long lds, long rows, long rowBytes, long elemBytes) {
    for (long r = 0; r < rows; r++) memmove(dst + r * ldd * elemBytes, src + r * lds * elemBytes, rowBytes);
}

// ---- bfloat16 operands (--precision bf16) -------------------------------------------------------
// Round to nearest even, as oneDNN and the jvm backend (JvmBackend.toBf16) round: the 16 high bits of
// the float after adding 0x7fff plus the lowest kept bit. NaN stays a (quiet) NaN; infinities stay. A
// subnormal result is kept: AVX512_BF16's dot products read it as zero, and the jvm specification
// flushes it.

static inline uint16_t rh_bf16(float f) {
    uint32_t u = (uint32_t) rh_float_to_bits(f);
    uint32_t nan = (u & 0x7fffffffu) > 0x7f800000u;
    uint32_t r = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    return (uint16_t) (nan ? ((u >> 16) | 0x40u) : r);
}

RH_MULTIVERSION void rh_to_bf16_range(uint16_t* RH_RESTRICT out, const float* RH_RESTRICT x, long lo, long hi) {
    for (long i = lo; i < hi; i++) out[i] = rh_bf16(x[i]);
}

struct rh_bf16_args { uint16_t* out; const float* x; long n; };

static void rh_to_bf16_part(void* a) {
    struct rh_bf16_args* c = (struct rh_bf16_args*) a;
    long lo, hi;
    rh_team_part(c->n, &lo, &hi);
    rh_to_bf16_range(c->out, c->x, lo, hi);
}

// out [rows, cols] dense bf16 = x [rows, cols] (row stride ldx) rounded; long dense passes use the team.
static inline void rh_to_bf16(uint16_t* out, const float* x, long ldx, long rows, long cols) {
    if (ldx == cols || rows == 1) {
        struct rh_bf16_args c = {out, x, rows * cols};
        rh_team_run(rh_to_bf16_part, &c, c.n);
        return;
    }
    for (long r = 0; r < rows; r++) rh_to_bf16_range(out + r * cols, x + r * ldx, 0, cols);
}

// ---- linear-layer helpers (the OpenBLAS path and bias gradients) --------------------------------

// y = act(y + b) row by row, after a GEMM wrote y = x w^T.
RH_MULTIVERSION void rh_bias_act(float* y, long ldy, const float* b, long rows, long cols, int relu) {
    for (long r = 0; r < rows; r++) {
        float* RH_RESTRICT yr = y + r * ldy;
        if (b) for (long j = 0; j < cols; j++) yr[j] += b[j];
        if (relu) for (long j = 0; j < cols; j++) yr[j] = yr[j] > 0.0f ? yr[j] : 0.0f;
    }
}

// db += sum over rows of dy: the same order per column as the jvm backend (row by row).
RH_MULTIVERSION void rh_colsum_add(float* RH_RESTRICT db, const float* dy, long ldy, long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        const float* RH_RESTRICT dr = dy + r * ldy;
        for (long j = 0; j < cols; j++) db[j] += dr[j];
    }
}

// dx = dy * (y > 0); dx may equal dy.
RH_MULTIVERSION void rh_relu_backward(float* dx, long ldx, const float* y, long ldy, const float* dy, long lddy,
                                      long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        float* dxr = dx + r * ldx;
        const float* yr = y + r * ldy;
        const float* dyr = dy + r * lddy;
        for (long j = 0; j < cols; j++) dxr[j] = yr[j] > 0.0f ? dyr[j] : 0.0f;
    }
}

RH_MULTIVERSION void rh_sigmoid(float* y, long ldy, const float* x, long ldx, long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        float* yr = y + r * ldy;
        const float* xr = x + r * ldx;
        for (long j = 0; j < cols; j++) yr[j] = 1.0f / (1.0f + rh_expf(-xr[j]));
    }
}

// dx = dy * y * (1 - y); dx may equal dy.
RH_MULTIVERSION void rh_sigmoid_backward(float* dx, long ldx, const float* y, long ldy, const float* dy, long lddy,
                                         long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        float* dxr = dx + r * ldx;
        const float* yr = y + r * ldy;
        const float* dyr = dy + r * lddy;
        for (long j = 0; j < cols; j++) dxr[j] = dyr[j] * yr[j] * (1.0f - yr[j]);
    }
}

// ---- classification: class range [lo, hi) of the logits, labels are absolute columns -----------

// Returns the weighted loss, or -(row + 1) if a row's label lies outside [lo, hi).
static inline double rh_cross_entropy(float* dz, long ldd, const float* z, long ldz, const int* labels, long ldl,
                                      long rows, long cols, long lo, long hi, float w) {
    double total = 0;
    for (long r = 0; r < rows; r++) {
        const float* zr = z + r * ldz;
        float* dr = dz + r * ldd;
        int label = labels[r * ldl];
        if (label < lo || label >= hi) return -(double) (r + 1);
        double mx = -INFINITY;
        for (long j = lo; j < hi; j++) mx = fmax(mx, (double) zr[j]);
        double sum = 0;
        for (long j = lo; j < hi; j++) sum += exp(zr[j] - mx);
        double lse = mx + log(sum);
        total += lse - zr[label];
        for (long j = 0; j < cols; j++) dr[j] = 0.0f;
        for (long j = lo; j < hi; j++) {
            float p = (float) exp(zr[j] - lse);
            dr[j] = w * (j == label ? p - 1.0f : p);
        }
    }
    return w * total;
}

static inline double rh_log_sum_exp(const float* zr, long lo, long hi, double scale) {
    double mx = -INFINITY;
    for (long j = lo; j < hi; j++) mx = fmax(mx, zr[j] * scale);
    double sum = 0;
    for (long j = lo; j < hi; j++) sum += exp(zr[j] * scale - mx);
    return mx + log(sum);
}

static inline double rh_soft_cross_entropy(float* dz, long ldd, const float* z, long ldz, const float* q, long ldq,
                                           long rows, long cols, long lo, long hi, float temperature, float w) {
    double invT = 1.0 / temperature;
    double total = 0;
    for (long r = 0; r < rows; r++) {
        const float* zr = z + r * ldz;
        const float* qr = q + r * ldq;
        float* dr = dz + r * ldd;
        double lse = rh_log_sum_exp(zr, lo, hi, invT);
        for (long j = 0; j < cols; j++) dr[j] = 0.0f;
        for (long j = lo; j < hi; j++) {
            double logp = zr[j] * invT - lse;
            float qj = qr[j - lo];
            total -= qj * logp;
            dr[j] = w * temperature * ((float) exp(logp) - qj);
        }
    }
    return w * temperature * temperature * total;
}

static inline void rh_softmax(float* p, long ldp, const float* z, long ldz, long rows, long lo, long hi,
                              float temperature) {
    double invT = 1.0 / temperature;
    for (long r = 0; r < rows; r++) {
        const float* zr = z + r * ldz;
        double lse = rh_log_sum_exp(zr, lo, hi, invT);
        for (long j = lo; j < hi; j++) p[r * ldp + j - lo] = (float) exp(zr[j] * invT - lse);
    }
}

static inline long rh_argmax_row(const float* zr, long lo, long hi) {
    long best = lo;
    for (long j = lo + 1; j < hi; j++) if (zr[j] > zr[best]) best = j;
    return best;
}

static inline void rh_argmax(int* labels, long ldl, const float* z, long ldz, long rows, long lo, long hi) {
    for (long r = 0; r < rows; r++) labels[r * ldl] = (int) rh_argmax_row(z + r * ldz, lo, hi);
}

static inline long rh_count_correct(const float* z, long ldz, const int* labels, long ldl, long rows, long lo, long hi) {
    long correct = 0;
    for (long r = 0; r < rows; r++) correct += rh_argmax_row(z + r * ldz, lo, hi) == labels[r * ldl];
    return correct;
}

// ---- variational autoencoder ---------------------------------------------------------------------

// Bernoulli NLL from logits: sum(max(x,0) - x t + log1p(exp(-|x|))) * w; dx = w (sigmoid(x) - t).
// One row of rh_bce_logits: writes the row's gradient and returns its loss summed in float.
RH_MULTIVERSION float rh_bce_row(float* RH_RESTRICT dr, const float* RH_RESTRICT xr, const float* RH_RESTRICT tr,
                                 long cols, float w) {
    float rowSum = 0.0f;
#pragma omp simd reduction(+ : rowSum)
    for (long j = 0; j < cols; j++) {
        float xv = xr[j];
        float tv = tr[j];
        float e = rh_expf(-fabsf(xv));
        rowSum += (xv > 0.0f ? xv : 0.0f) - xv * tv + rh_log1pf_unit(e);
        float inv = 1.0f / (1.0f + e);
        float sig = xv >= 0.0f ? inv : e * inv;
        dr[j] = w * (sig - tv);
    }
    return rowSum;
}

struct rh_bce_args { float* dx; long lddx; const float* x; long ldx; const float* t; long ldt; long rows, cols;
                     float w; float* sums; };

static void rh_bce_part(void* a) {
    struct rh_bce_args* b = (struct rh_bce_args*) a;
    long lo, hi;
    rh_team_part(b->rows, &lo, &hi);
    for (long r = lo; r < hi; r++) {
        b->sums[r] = rh_bce_row(b->dx + r * b->lddx, b->x + r * b->ldx, b->t + r * b->ldt, b->cols, b->w);
    }
}

// Rows whose sums a team pass keeps on the stack (16 kB); longer batches run on the calling thread.
#define RH_BCE_TEAM_ROWS 4096L

// The team splits the rows; each row's sum is computed exactly as on one thread and the sums are added in
// row order afterwards, so the loss and the gradient are the same bits at any thread count.
static inline double rh_bce_logits(float* dx, long lddx, const float* x, long ldx, const float* t, long ldt,
                                   long rows, long cols, float w) {
    float sums[RH_BCE_TEAM_ROWS];
    double total = 0;
    if (rows <= RH_BCE_TEAM_ROWS && rows * cols >= RH_TEAM_MIN_ELEMENTS && rh_team_threads() > 1) {
        struct rh_bce_args b = {dx, lddx, x, ldx, t, ldt, rows, cols, w, sums};
        rh_team_run(rh_bce_part, &b, rows * cols);
        for (long r = 0; r < rows; r++) total += sums[r];
        return w * total;
    }
    for (long r = 0; r < rows; r++) total += rh_bce_row(dx + r * lddx, x + r * ldx, t + r * ldt, cols, w);
    return w * total;
}

// z = mu + exp(logvar / 2) * eps
RH_MULTIVERSION void rh_reparam(float* z, long ldz, const float* mu, long ldm, const float* lv, long ldl,
                                const float* eps, long lde, long rows, long cols) {
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < cols; j++)
            z[r * ldz + j] = mu[r * ldm + j] + rh_expf(0.5f * lv[r * ldl + j]) * eps[r * lde + j];
}

// dmu += dz; dlogvar += dz * eps * exp(logvar / 2) / 2
RH_MULTIVERSION void rh_reparam_backward(float* dmu, long lddm, float* dlv, long lddl, const float* dz, long lddz,
                                         const float* lv, long ldl, const float* eps, long lde, long rows, long cols) {
    for (long r = 0; r < rows; r++)
        for (long j = 0; j < cols; j++) {
            float g = dz[r * lddz + j];
            dmu[r * lddm + j] += g;
            dlv[r * lddl + j] += g * eps[r * lde + j] * rh_expf(0.5f * lv[r * ldl + j]) * 0.5f;
        }
}

// KL(N(mu, exp(lv)) || N(0, 1)) = -1/2 sum(1 + lv - mu^2 - exp(lv)); adds its gradient times w.
RH_MULTIVERSION double rh_gaussian_kl(float* dmu, long lddm, float* dlv, long lddl, const float* mu, long ldm,
                                      const float* lv, long ldl, long rows, long cols, float w) {
    double total = 0;
    for (long r = 0; r < rows; r++) {
        float rowSum = 0.0f;
        for (long j = 0; j < cols; j++) {
            float m = mu[r * ldm + j];
            float l = lv[r * ldl + j];
            float var = rh_expf(l);
            rowSum += -0.5f * (1.0f + l - m * m - var);
            dmu[r * lddm + j] += w * m;
            dlv[r * lddl + j] += w * 0.5f * (var - 1.0f);
        }
        total += rowSum;
    }
    return w * total;
}

// Monte-Carlo KL against a Gaussian mixture (Backend.mixtureKl): per row, z = mu + exp(lv/2) eps,
// log q(z|x) - log sum_k w_k N(z; M_k, exp(L_k)) without the cancelling log 2 pi terms; adds the gradients
// (times weight) to dmu, dlv and the prior's dM, dL. Sums in double. Returns -INFINITY if a row has no
// positive weight. Sequential over rows: the prior's gradients are shared by all of them.
#define RH_MAX_MODES 1024
#define RH_MAX_LATENT 4096
RH_MULTIVERSION double rh_mixture_kl(float* dmu, long lddm, float* dlv, long lddl, float* dM, long lddM, float* dL,
                                     long lddL, const float* mu, long ldm, const float* lv, long ldl,
                                     const float* eps, long lde, const float* M, long ldM, const float* L, long ldL,
                                     const float* w, long ldw, long rows, long zn, long k, float weight) {
    float z[RH_MAX_LATENT];
    double a[RH_MAX_MODES];
    double total = 0;
    for (long r = 0; r < rows; r++) {
        const float* mr = mu + r * ldm;
        const float* lr = lv + r * ldl;
        const float* er = eps + r * lde;
        const float* wr = w + r * ldw;
        double logq = 0;
        for (long j = 0; j < zn; j++) {
            z[j] = mr[j] + rh_expf(0.5f * lr[j]) * er[j];
            logq += -0.5 * ((double) lr[j] + (double) er[j] * er[j]);
        }
        double amax = -INFINITY;
        for (long c = 0; c < k; c++) {
            if (!(wr[c] > 0.0f)) {
                a[c] = -INFINITY;
                continue;
            }
            const float* Mc = M + c * ldM;
            const float* Lc = L + c * ldL;
            double s = log((double) wr[c]);
            for (long j = 0; j < zn; j++) {
                double d = (double) z[j] - Mc[j];
                s += -0.5 * ((double) Lc[j] + d * d * exp(-(double) Lc[j]));
            }
            a[c] = s;
            if (s > amax) amax = s;
        }
        if (amax == -INFINITY) return -INFINITY;
        double sum = 0;
        for (long c = 0; c < k; c++) {
            a[c] = a[c] == -INFINITY ? 0.0 : exp(a[c] - amax);
            sum += a[c];
        }
        total += logq - (amax + log(sum));
        float* dmr = dmu + r * lddm;
        float* dlr = dlv + r * lddl;
        for (long j = 0; j < zn; j++) {
            double g = 0;
            for (long c = 0; c < k; c++) {
                if (a[c] > 0) g += a[c] / sum * ((double) z[j] - M[c * ldM + j]) * exp(-(double) L[c * ldL + j]);
            }
            dmr[j] += (float) (weight * g);
            dlr[j] += (float) (weight * (-0.5 + 0.5 * g * er[j] * exp(0.5 * (double) lr[j])));
        }
        for (long c = 0; c < k; c++) {
            if (!(a[c] > 0)) continue;
            double resp = a[c] / sum;
            const float* Mc = M + c * ldM;
            const float* Lc = L + c * ldL;
            float* dMc = dM + c * lddM;
            float* dLc = dL + c * lddL;
            for (long j = 0; j < zn; j++) {
                double d = (double) z[j] - Mc[j];
                double iv = exp(-(double) Lc[j]);
                dMc[j] += (float) (-weight * resp * d * iv);
                dLc[j] += (float) (weight * 0.5 * resp * (1 - d * d * iv));
            }
        }
    }
    return weight * total;
}

// ---- importance sampling: a VAE's likelihood estimate (Backend.importanceSamples and the two after it) -----
// B images of S samples each: sample s of image b is row r = b S + s of the [B S, .] operands.

// z[b S + s] = mu[b] + exp(lv[b] / 2) * eps[b S + s]
RH_MULTIVERSION void rh_importance_samples(float* z, long ldz, const float* mu, long ldm, const float* lv, long ldl,
                                           const float* eps, long lde, long rows, long samples, long cols) {
    for (long r = 0; r < rows; r++) {
        long b = r / samples;
        for (long j = 0; j < cols; j++)
            z[r * ldz + j] = mu[b * ldm + j] + rh_expf(0.5f * lv[b * ldl + j]) * eps[r * lde + j];
    }
}

// One sample row's Bernoulli log-likelihood, sum_d x l - softplus(l), summed in float.
RH_MULTIVERSION float rh_bernoulli_row(const float* RH_RESTRICT lr, const float* RH_RESTRICT xr, long cols) {
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (long j = 0; j < cols; j++) {
        float l = lr[j];
        s += l * xr[j] - (l > 0.0f ? l : 0.0f) - rh_log1pf_unit(rh_expf(-fabsf(l)));
    }
    return s;
}

// One sample row's sum_d (x - sigmoid(l))^2, summed in float (the unit-variance Gaussian's exponent, times -2).
RH_MULTIVERSION float rh_squared_error_row(const float* RH_RESTRICT lr, const float* RH_RESTRICT xr, long cols) {
    float s = 0.0f;
#pragma omp simd reduction(+ : s)
    for (long j = 0; j < cols; j++) {
        float l = lr[j];
        float e = rh_expf(-fabsf(l));
        float inv = 1.0f / (1.0f + e);
        float d = xr[j] - (l >= 0.0f ? inv : e * inv);
        s += d * d;
    }
    return s;
}

struct rh_logw_args { float* w; long ldw; const float* l; long ldl; const float* x; long ldx; const float* z; long ldz;
                      const float* eps; long lde; const float* lv; long ldv; long rows, samples, d, zn; int gaussian; };

static void rh_logw_part(void* a) {
    struct rh_logw_args* p = (struct rh_logw_args*) a;
    long lo, hi;
    rh_team_part(p->rows, &lo, &hi);
    const double half_log_2pi = 0.91893853320467274178;
    for (long r = lo; r < hi; r++) {
        long b = r / p->samples;
        const float* lr = p->l + r * p->ldl;
        const float* xr = p->x + b * p->ldx;
        double decoder = p->gaussian ? -0.5 * (double) rh_squared_error_row(lr, xr, p->d) - p->d * half_log_2pi
                                     : (double) rh_bernoulli_row(lr, xr, p->d);
        double latent = 0;
        for (long j = 0; j < p->zn; j++) {
            double zj = p->z[r * p->ldz + j];
            double ej = p->eps[r * p->lde + j];
            latent += 0.5 * ((double) p->lv[b * p->ldv + j] + ej * ej - zj * zj);
        }
        p->w[r * p->ldw] = (float) (decoder + latent);
    }
}

// logw[r] = log p(x_b | z_r) + log N(z_r; 0, I) - log N(z_r; mu_b, exp(lv_b)), the latent log 2 pi terms
// cancelled. The team splits the rows; every row is computed as on one thread, so any thread count gives the
// same bits.
static inline void rh_importance_log_weights(float* w, long ldw, const float* l, long ldl, const float* x, long ldx,
                                             const float* z, long ldz, const float* eps, long lde, const float* lv,
                                             long ldv, long rows, long samples, long d, long zn, int gaussian) {
    struct rh_logw_args p = {w, ldw, l, ldl, x, ldx, z, ldz, eps, lde, lv, ldv, rows, samples, d, zn, gaussian};
    rh_team_run(rh_logw_part, &p, rows * d);
}

// out[b] = log(1/S sum_s exp(w[b S + s])), the largest weight factored out, summed in double.
static inline void rh_log_mean_exp(float* out, long ldo, const float* w, long ldw, long images, long samples) {
    for (long b = 0; b < images; b++) {
        const float* wb = w + b * samples * ldw;
        double most = -INFINITY;
        for (long s = 0; s < samples; s++) most = (double) wb[s * ldw] > most ? (double) wb[s * ldw] : most;
        double result = most;
        if (most != -INFINITY) {
            double sum = 0;
            for (long s = 0; s < samples; s++) sum += exp((double) wb[s * ldw] - most);
            result = most + log(sum / (double) samples);
        }
        out[b * ldo] = (float) result;
    }
}

// y = x g elementwise, any row strides; y may alias x or g.
RH_MULTIVERSION void rh_multiply(float* y, long ldy, const float* x, long ldx, const float* g, long ldg, long rows,
                                 long cols) {
    for (long r = 0; r < rows; r++) {
        float* yr = y + r * ldy;
        const float* xr = x + r * ldx;
        const float* gr = g + r * ldg;
#pragma omp simd
        for (long j = 0; j < cols; j++) yr[j] = xr[j] * gr[j];
    }
}

// ---- optimisers: one pass over the whole contiguous parameter block ------------------------------

RH_MULTIVERSION void rh_adam_range(float* RH_RESTRICT p, const float* RH_RESTRICT g, float* RH_RESTRICT m,
                                   float* RH_RESTRICT v, long lo, long hi, float b1, float b2, float eps,
                                   float stepSize, float invSqrtBias2, float weightDecay) {
    for (long i = lo; i < hi; i++) {
        float gi = g[i] + weightDecay * p[i];
        float mi = b1 * m[i] + (1.0f - b1) * gi;
        float vi = b2 * v[i] + (1.0f - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= stepSize * mi / (sqrtf(vi) * invSqrtBias2 + eps);
    }
}

struct rh_adam_args { float* p; const float* g; float* m; float* v; long n; float b1, b2, eps, stepSize, isb2, wd; };

static void rh_adam_part(void* a) {
    struct rh_adam_args* o = (struct rh_adam_args*) a;
    long lo, hi;
    rh_team_part(o->n, &lo, &hi);
    rh_adam_range(o->p, o->g, o->m, o->v, lo, hi, o->b1, o->b2, o->eps, o->stepSize, o->isb2, o->wd);
}

// One Adam step over the whole parameter block, split over the team when long.
static inline void rh_adam(float* p, const float* g, float* m, float* v, long n, float b1, float b2, float eps,
                           float stepSize, float invSqrtBias2, float weightDecay) {
    struct rh_adam_args o = {p, g, m, v, n, b1, b2, eps, stepSize, invSqrtBias2, weightDecay};
    rh_team_run(rh_adam_part, &o, n);
}

RH_MULTIVERSION void rh_sgd_range(float* RH_RESTRICT p, const float* RH_RESTRICT g, float* RH_RESTRICT vel,
                                  long lo, long hi, float lr, float momentum, float weightDecay) {
    if (vel) {
        for (long i = lo; i < hi; i++) {
            float gi = momentum * vel[i] + (g[i] + weightDecay * p[i]);
            vel[i] = gi;
            p[i] -= lr * gi;
        }
    } else {
        for (long i = lo; i < hi; i++) p[i] -= lr * (g[i] + weightDecay * p[i]);
    }
}

struct rh_sgd_args { float* p; const float* g; float* vel; long n; float lr, momentum, wd; };

static void rh_sgd_part(void* a) {
    struct rh_sgd_args* o = (struct rh_sgd_args*) a;
    long lo, hi;
    rh_team_part(o->n, &lo, &hi);
    rh_sgd_range(o->p, o->g, o->vel, lo, hi, o->lr, o->momentum, o->wd);
}

static inline void rh_sgd(float* p, const float* g, float* vel, long n, float lr, float momentum,
                          float weightDecay) {
    struct rh_sgd_args o = {p, g, vel, n, lr, momentum, weightDecay};
    rh_team_run(rh_sgd_part, &o, n);
}

// ---- continual learning: regularisers (EWC, SI), projection (A-GEM), logit matching (DER++) --------
// Elementwise loops that allow an output to be an input (never a partial overlap) use `omp simd`: each
// lane reads and writes only its own index, so vectorising is safe without a runtime alias check.
// Returned sums accumulate in double; a float times a float is exact in double.

// y = a x + b y, any row strides; with b == 0, y is not read (BLAS convention).
RH_MULTIVERSION void rh_axpby(float* y, long ldy, const float* x, long ldx, long rows, long cols, float a, float b) {
    for (long r = 0; r < rows; r++) {
        float* yr = y + r * ldy;
        const float* xr = x + r * ldx;
        if (b == 0.0f) {
#pragma omp simd
            for (long j = 0; j < cols; j++) yr[j] = a * xr[j];
        } else {
#pragma omp simd
            for (long j = 0; j < cols; j++) yr[j] = a * xr[j] + b * yr[j];
        }
    }
}

// sum x y over all elements, in double.
RH_MULTIVERSION double rh_dot(const float* x, long ldx, const float* y, long ldy, long rows, long cols) {
    double total = 0;
    for (long r = 0; r < rows; r++) {
        const float* RH_RESTRICT xr = x + r * ldx;
        const float* RH_RESTRICT yr = y + r * ldy;
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (long j = 0; j < cols; j++) s += (double) xr[j] * yr[j];
        total += s;
    }
    return total;
}

// Returns lambda/2 sum o (p - a)^2; g += lambda o (p - a). Flat, n elements.
RH_MULTIVERSION double rh_quadratic_penalty(float* RH_RESTRICT g, const float* RH_RESTRICT p,
                                            const float* RH_RESTRICT a, const float* RH_RESTRICT o, long n,
                                            float lambda) {
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (long i = 0; i < n; i++) {
        float d = p[i] - a[i];
        g[i] += lambda * (o[i] * d);
        s += (double) o[i] * d * d;
    }
    return 0.5 * lambda * s;
}

// acc += scale g^2, any row strides; acc and g do not overlap.
RH_MULTIVERSION void rh_accumulate_squares(float* acc, long lda, const float* g, long ldg, long rows, long cols,
                                           float scale) {
    for (long r = 0; r < rows; r++) {
        float* RH_RESTRICT ar = acc + r * lda;
        const float* RH_RESTRICT gr = g + r * ldg;
        for (long j = 0; j < cols; j++) ar[j] += scale * gr[j] * gr[j];
    }
}

// SI after an optimiser step: omega += -g (p - prev); prev = p. Flat, n elements.
RH_MULTIVERSION void rh_path_integral_step(float* RH_RESTRICT omega, const float* RH_RESTRICT g,
                                           const float* RH_RESTRICT p, float* RH_RESTRICT prev, long n) {
    for (long i = 0; i < n; i++) {
        omega[i] -= g[i] * (p[i] - prev[i]);
        prev[i] = p[i];
    }
}

// SI at the end of a task: imp += omega / ((p - start)^2 + xi); omega = 0; start = p. Flat, n elements.
RH_MULTIVERSION void rh_consolidate_importance(float* RH_RESTRICT imp, float* RH_RESTRICT omega,
                                               const float* RH_RESTRICT p, float* RH_RESTRICT start, long n,
                                               float xi) {
    for (long i = 0; i < n; i++) {
        float d = p[i] - start[i];
        imp[i] += omega[i] / (d * d + xi);
        omega[i] = 0.0f;
        start[i] = p[i];
    }
}

// w sum (z - t)^2 over columns [lo, hi), t [rows, hi - lo]; dz = 2 w (z - t) there and 0 elsewhere.
// dz may equal z: the columns outside [lo, hi) are cleared separately.
RH_MULTIVERSION double rh_mse_loss(float* dz, long ldd, const float* z, long ldz, const float* t, long ldt, long rows,
                                   long cols, long lo, long hi, float w) {
    float w2 = 2.0f * w;
    double total = 0;
    for (long r = 0; r < rows; r++) {
        float* dr = dz + r * ldd;
        const float* zr = z + r * ldz;
        const float* tr = t + r * ldt;
        for (long j = 0; j < lo; j++) dr[j] = 0.0f;
        for (long j = hi; j < cols; j++) dr[j] = 0.0f;
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (long j = lo; j < hi; j++) {
            float d = zr[j] - tr[j - lo];
            dr[j] = w2 * d;
            s += (double) d * d;
        }
        total += s;
    }
    return w * total;
}

// y[r, :] = x[r, :] / max(||x[r, :]||, 1e-12), the norm summed in double; y may equal x.
RH_MULTIVERSION void rh_l2_normalize_rows(float* y, long ldy, const float* x, long ldx, long rows, long cols) {
    for (long r = 0; r < rows; r++) {
        float* yr = y + r * ldy;
        const float* xr = x + r * ldx;
        double s = 0;
#pragma omp simd reduction(+ : s)
        for (long j = 0; j < cols; j++) s += (double) xr[j] * xr[j];
        double norm = sqrt(s);
        float inv = (float) (1.0 / (norm > 1e-12 ? norm : 1e-12));
#pragma omp simd
        for (long j = 0; j < cols; j++) yr[j] = xr[j] * inv;
    }
}

// ---- batch assembly ------------------------------------------------------------------------------

// out[b, j] = scale * images[idx[b], perm ? perm[j] : j]. Returns -(b + 1) for an index outside [0, n).
RH_MULTIVERSION long rh_gather_u8(float* out, long ldo, const uint8_t* images, long ldi, long n, const int* idx,
                                  long ldx, long rows, long cols, const int* perm, float scale) {
    for (long b = 0; b < rows; b++) {
        long i = idx[b * ldx];
        if (i < 0 || i >= n) return -(b + 1);
        const uint8_t* RH_RESTRICT src = images + i * ldi;
        float* RH_RESTRICT dst = out + b * ldo;
        if (perm) {
            for (long j = 0; j < cols; j++) dst[j] = scale * (float) src[perm[j]];
        } else {
            for (long j = 0; j < cols; j++) dst[j] = scale * (float) src[j];
        }
    }
    return 0;
}

// out[b, j] = scale * code_j(packed[idx[b]]): codes of `bits` (1, 2, 4, 8) bits, little-endian within a byte.
// One loop per width so the shifts are constants: 8 pixels per byte at 1 bit, 2 at 4 bits. Returns -(b + 1)
// for an index outside [0, n).
RH_MULTIVERSION long rh_gather_packed(float* out, long ldo, const uint8_t* packed, long ldp, long n, const int* idx,
                                      long ldx, long rows, long cols, long bits, float scale) {
    for (long b = 0; b < rows; b++) {
        long i = idx[b * ldx];
        if (i < 0 || i >= n) return -(b + 1);
        const uint8_t* RH_RESTRICT src = packed + i * ldp;
        float* RH_RESTRICT dst = out + b * ldo;
        if (bits == 8) {
            for (long j = 0; j < cols; j++) dst[j] = scale * (float) src[j];
        } else if (bits == 4) {
            for (long j = 0; j < cols; j++) dst[j] = scale * (float) ((src[j >> 1] >> ((j & 1) << 2)) & 15);
        } else if (bits == 2) {
            for (long j = 0; j < cols; j++) dst[j] = scale * (float) ((src[j >> 2] >> ((j & 3) << 1)) & 3);
        } else {
            for (long j = 0; j < cols; j++) dst[j] = scale * (float) ((src[j >> 3] >> (j & 7)) & 1);
        }
    }
    return 0;
}

// y[b, r, c] = x[b, r - dy, c - dx] where that pixel exists, else 0; (dx, dy) = shifts[b, 0..1]. y != x.
// Per output row: the source row's overlapping span is one contiguous copy, the rest zeros.
static inline void rh_shift_images(float* y, long ldy, const float* x, long ldx, const int* shifts, long lds,
                                   long rows, long width, long height) {
    for (long b = 0; b < rows; b++) {
        long dx = shifts[b * lds], dy = shifts[b * lds + 1];
        const float* xb = x + b * ldx;
        float* yb = y + b * ldy;
        long c0 = dx > 0 ? dx : 0, c1 = dx < 0 ? width + dx : width;
        if (c0 > width) c0 = width;
        if (c1 < c0) c1 = c0;
        for (long r = 0; r < height; r++) {
            float* yr = yb + r * width;
            long sr = r - dy;
            if (sr < 0 || sr >= height) {
                for (long c = 0; c < width; c++) yr[c] = 0.0f;
                continue;
            }
            const float* xr = xb + sr * width;
            for (long c = 0; c < c0; c++) yr[c] = 0.0f;
            for (long c = c0; c < c1; c++) yr[c] = xr[c - dx];
            for (long c = c1; c < width; c++) yr[c] = 0.0f;
        }
    }
}

// Affine warp with bilinear sampling: output (row r, column q) samples x at column a u + b v + cx + tx and row
// c u + d v + cy + ty, u = q - cx, v = r - cy, (cx, cy) the centre; neighbours outside the image count as 0.
// The same float operations in the same order as the jvm specification, so both give the same bits: no
// contraction into fused multiply-adds (fp-contract off), which the AVX2 and AVX-512 clones would otherwise do.

static inline float rh_pixel(const float* x, long width, long height, long col, long row) {
    return col < 0 || col >= width || row < 0 || row >= height ? 0.0f : x[row * width + col];
}

// One image, scalar: the specification's own loop (images too large for the padded copy below).
__attribute__((optimize("fp-contract=off")))
static void rh_warp_image_scalar(float* yb, const float* xb, const float* m, long width, long height) {
    const float cx = (float) (width - 1) / 2.0f, cy = (float) (height - 1) / 2.0f;
    const float a = m[0], bb = m[1], c = m[2], d = m[3], tx = m[4], ty = m[5];
    for (long r = 0; r < height; r++) {
        for (long q = 0; q < width; q++) {
            float u = (float) q - cx, v = (float) r - cy;
            float sx = a * u + bb * v + cx + tx;
            float sy = c * u + d * v + cy + ty;
            float fx = floorf(sx), fy = floorf(sy);
            long x0 = (long) fx, y0 = (long) fy;
            float wx = sx - fx, wy = sy - fy;
            float p00 = rh_pixel(xb, width, height, x0, y0);
            float p01 = rh_pixel(xb, width, height, x0 + 1, y0);
            float p10 = rh_pixel(xb, width, height, x0, y0 + 1);
            float p11 = rh_pixel(xb, width, height, x0 + 1, y0 + 1);
            yb[r * width + q] = (1 - wy) * ((1 - wx) * p00 + wx * p01) + wy * ((1 - wx) * p10 + wx * p11);
        }
    }
}

// Floats of the zero-bordered copy an image is warped from, on the stack: up to 62 x 62 pixels.
#define RH_WARP_PAD 4096

// The same per pixel, with no branch, so that a row's loop vectorises: the image is first copied inside a border of
// zeros one pixel wide, and each neighbour's column and row (the floor's, and the floor's plus 1) are clamped to
// [-1, width] (or height) before they become integers, so that a neighbour outside the image reads the border's 0
// and a far-away one cannot overflow. Before this (the scalar loop, calling floorf through the baseline ISA's libm)
// a warp of 128 MNIST images took about 2.3x as long on one Zen 5 core.
__attribute__((optimize("fp-contract=off"))) RH_MULTIVERSION
void rh_warp_images(float* RH_RESTRICT y, long ldy, const float* RH_RESTRICT x, long ldx, const float* maps,
                    long ldm, long rows, long width, long height) {
    const long pw = width + 2;
    if (pw * (height + 2) > RH_WARP_PAD) {
        for (long b = 0; b < rows; b++) rh_warp_image_scalar(y + b * ldy, x + b * ldx, maps + b * ldm, width, height);
        return;
    }
    float pad[RH_WARP_PAD];
    for (long i = 0; i < pw * (height + 2); i++) pad[i] = 0.0f;
    const float cx = (float) (width - 1) / 2.0f, cy = (float) (height - 1) / 2.0f;
    const float fw = (float) width, fh = (float) height;
    for (long b = 0; b < rows; b++) {
        const float* m = maps + b * ldm;
        const float a = m[0], bb = m[1], c = m[2], d = m[3], tx = m[4], ty = m[5];
        const float* xb = x + b * ldx;
        float* yb = y + b * ldy;
        for (long r = 0; r < height; r++) {
            for (long q = 0; q < width; q++) pad[(r + 1) * pw + q + 1] = xb[r * width + q];
        }
        for (long r = 0; r < height; r++) {
            const float v = (float) r - cy;
            float* yr = yb + r * width;
#pragma omp simd
            for (long q = 0; q < width; q++) {
                float u = (float) q - cx;
                float sx = a * u + bb * v + cx + tx;
                float sy = c * u + d * v + cy + ty;
                float fx = floorf(sx), fy = floorf(sy);
                float wx = sx - fx, wy = sy - fy;
                float fx1 = fx + 1.0f, fy1 = fy + 1.0f;
                int i0 = (int) (fx < -1.0f ? -1.0f : fx > fw ? fw : fx) + 1;
                int i1 = (int) (fx1 < -1.0f ? -1.0f : fx1 > fw ? fw : fx1) + 1;
                int j0 = ((int) (fy < -1.0f ? -1.0f : fy > fh ? fh : fy) + 1) * (int) pw;
                int j1 = ((int) (fy1 < -1.0f ? -1.0f : fy1 > fh ? fh : fy1) + 1) * (int) pw;
                float p00 = pad[j0 + i0], p01 = pad[j0 + i1], p10 = pad[j1 + i0], p11 = pad[j1 + i1];
                yr[q] = (1 - wy) * ((1 - wx) * p00 + wx * p01) + wy * ((1 - wx) * p10 + wx * p11);
            }
        }
    }
}

// out[b, :] = onehot(labels[b] - lo). Returns -(b + 1) for a label outside the columns.
static inline long rh_one_hot(float* out, long ldo, const int* labels, long ldl, long rows, long cols, long lo) {
    for (long b = 0; b < rows; b++) {
        long c = labels[b * ldl] - lo;
        if (c < 0 || c >= cols) return -(b + 1);
        for (long j = 0; j < cols; j++) out[b * ldo + j] = 0.0f;
        out[b * ldo + c] = 1.0f;
    }
    return 0;
}
