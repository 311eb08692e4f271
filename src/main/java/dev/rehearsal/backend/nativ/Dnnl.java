package dev.rehearsal.backend.nativ;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.Pointer;

/**
 * oneDNN, the way its own examples use it: one engine and stream; each primitive is created once per
 * shape and cached; its memory objects wrap no buffer of their own and are pointed at our blocks before
 * each execution; the scratchpad is ours ({@code scratchpad_mode_user}), a slice of the model's workspace.
 */
final class Dnnl implements AutoCloseable {

    /**
     * A matmul {@code C [M, N] (+)= A [M, K] · B [K, N] (+ bias) (then ReLU)} with the given storage; A and B
     * in bfloat16 when {@code bf16} (C and the bias are float32 either way).
     */
    record MatmulKey(boolean transA, boolean transB, int m, int n, int k, long lda, long ldb, long ldc,
            boolean bias, boolean accumulate, boolean relu, boolean bf16) {

        boolean matches(boolean ta, boolean tb, int mm, int nn, int kk, long a, long b, long c, boolean bi,
                boolean acc, boolean re, boolean half) {
            return transA == ta && transB == tb && m == mm && n == nn && k == kk && lda == a && ldb == b && ldc == c
                    && bias == bi && accumulate == acc && relu == re && bf16 == half;
        }

        static long hash(boolean ta, boolean tb, int m, int n, int k, long lda, long ldb, long ldc, boolean bias,
                boolean acc, boolean relu, boolean bf16) {
            long h = (ta ? 1 : 0) | (tb ? 2 : 0) | (bias ? 4 : 0) | (acc ? 8 : 0) | (relu ? 16 : 0) | (bf16 ? 32 : 0);
            h = h * 0x9E3779B97F4A7C15L + m;
            h = h * 0x9E3779B97F4A7C15L + n;
            h = h * 0x9E3779B97F4A7C15L + k;
            h = h * 0x9E3779B97F4A7C15L + lda;
            h = h * 0x9E3779B97F4A7C15L + ldb;
            h = h * 0x9E3779B97F4A7C15L + ldc;
            return h ^ (h >>> 29);
        }
    }

    /** Argument slots of a matmul primitive, in the order {@link #bind} takes them. */
    static final int SRC = 0;
    static final int WEIGHTS = 1;
    static final int DST = 2;
    static final int SCRATCHPAD = 3;
    static final int BIAS = 4;

    /** A created primitive, its memory objects (one per argument) and its prebuilt argument list. */
    static final class Primitive {
        private final MatmulKey key;
        private final dnnl_primitive primitive;
        private final dnnl_memory[] memories;
        private final dnnl_exec_arg_t args;
        private final int argCount;
        final long scratchpadBytes;

        private Primitive(MatmulKey key, dnnl_primitive primitive, dnnl_memory[] memories, int[] argIds,
                long scratchpadBytes) {
            this.key = key;
            this.primitive = primitive;
            this.memories = memories;
            this.argCount = memories.length;
            this.scratchpadBytes = scratchpadBytes;
            this.args = new dnnl_exec_arg_t(argCount);
            for (int i = 0; i < argCount; i++) {
                args.position(i).arg(argIds[i]).memory(memories[i]);
            }
            args.position(0);
        }

        long argBytes() {
            return (long) argCount * args.sizeof();
        }
    }

    /** A pointer whose address we set per call: no Pointer object is created while training. */
    private static final class Address extends Pointer {
        Address at(long a) {
            address = a;
            return this;
        }
    }

    private final dnnl_engine engine = new dnnl_engine();
    private final dnnl_stream stream = new dnnl_stream();
    /** Every primitive created, in creation order (what close() frees). */
    private final List<Primitive> matmuls = new ArrayList<>();
    /** Open addressing over them by shape: a lookup creates no key object. */
    private Primitive[] table = new Primitive[64];
    private final Address cursor = new Address();
    private final int threads;
    /**
     * Matmuls under this many MACs run on the calling thread alone: waking the other OpenMP thread costs more
     * than it saves at these sizes (measured with bench; see README, Performance).
     */
    private final long serialMacs;
    private long argBytes;
    private boolean closed;

    Dnnl(int threads, long serialMacs) {
        this.threads = threads;
        this.serialMacs = serialMacs;
        check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine_create");
        check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream_create");
    }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
        }
    }

    /** The cached primitive for this matmul, created on first use; a hit allocates nothing. */
    Primitive matmul(boolean transA, boolean transB, int m, int n, int k, long lda, long ldb, long ldc, boolean bias,
            boolean accumulate, boolean relu, boolean bf16) {
        if (closed) {
            throw new IllegalStateException("the native backend was closed");
        }
        long h = MatmulKey.hash(transA, transB, m, n, k, lda, ldb, ldc, bias, accumulate, relu, bf16);
        int mask = table.length - 1;
        for (int i = (int) h & mask; ; i = (i + 1) & mask) {
            Primitive p = table[i];
            if (p == null) {
                break;
            }
            if (p.key.matches(transA, transB, m, n, k, lda, ldb, ldc, bias, accumulate, relu, bf16)) {
                return p;
            }
        }
        MatmulKey key = new MatmulKey(transA, transB, m, n, k, lda, ldb, ldc, bias, accumulate, relu, bf16);
        Primitive p = createMatmul(key);
        matmuls.add(p);
        argBytes += p.argBytes();
        if (2 * matmuls.size() > table.length) {
            table = new Primitive[table.length * 2];
            matmuls.forEach(this::insert);
        } else {
            insert(p);
        }
        return p;
    }

    private void insert(Primitive p) {
        MatmulKey k = p.key;
        long h = MatmulKey.hash(k.transA(), k.transB(), k.m(), k.n(), k.k(), k.lda(), k.ldb(), k.ldc(), k.bias(),
                k.accumulate(), k.relu(), k.bf16());
        int mask = table.length - 1;
        int i = (int) h & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = p;
    }

    /** Points argument {@code slot} of {@code p} at {@code address}. */
    void bind(Primitive p, int slot, long address) {
        check(dnnl_memory_set_data_handle(p.memories[slot], cursor.at(address)), "memory_set_data_handle");
    }

    /** Runs {@code p}; the CPU engine with the OpenMP runtime returns when the result is written. */
    void execute(Primitive p) {
        check(dnnl_primitive_execute(p.primitive, stream, p.argCount, p.args), "primitive_execute");
    }

    /** JavaCPP bytes held by the cached argument lists (16 per argument): counted, never hidden. */
    long argBytes() {
        return argBytes;
    }

    int primitiveCount() {
        return matmuls.size();
    }

    private static dnnl_memory_desc matrix(long rows, long cols, long rowStride, long colStride) {
        return matrix(rows, cols, rowStride, colStride, dnnl_f32);
    }

    private static dnnl_memory_desc matrix(long rows, long cols, long rowStride, long colStride, int type) {
        dnnl_memory_desc md = new dnnl_memory_desc();
        check(dnnl_memory_desc_create_with_strides(md, 2, new long[] {rows, cols}, type,
                new long[] {rowStride, colStride}), "memory_desc_create");
        return md;
    }

    /**
     * Creates the primitive with the OpenMP thread count it should run with: oneDNN fixes a primitive's
     * parallelism at creation, so a small one created with one thread runs inline, never waking the team.
     */
    private Primitive createMatmul(MatmulKey k) {
        boolean serial = threads > 1 && (long) k.m() * k.n() * k.k() < serialMacs;
        if (serial) {
            Kernels.rh_omp_set_threads(1);
        }
        try {
            return createMatmulNow(k);
        } finally {
            if (serial) {
                Kernels.rh_omp_set_threads(threads);
            }
        }
    }

    private Primitive createMatmulNow(MatmulKey k) {
        int type = k.bf16() ? dnnl_bf16 : dnnl_f32;
        dnnl_memory_desc a = k.transA() ? matrix(k.m(), k.k(), 1, k.lda(), type)
                : matrix(k.m(), k.k(), k.lda(), 1, type);
        dnnl_memory_desc b = k.transB() ? matrix(k.k(), k.n(), 1, k.ldb(), type)
                : matrix(k.k(), k.n(), k.ldb(), 1, type);
        dnnl_memory_desc c = matrix(k.m(), k.n(), k.ldc(), 1);
        dnnl_memory_desc bias = k.bias() ? matrix(1, k.n(), k.n(), 1) : null;
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        dnnl_post_ops ops = new dnnl_post_ops();
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        try {
            check(dnnl_primitive_attr_create(attr), "primitive_attr_create");
            check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "set_scratchpad_mode");
            check(dnnl_post_ops_create(ops), "post_ops_create");
            if (k.accumulate()) {
                check(dnnl_post_ops_append_sum(ops, 1f, 0, dnnl_data_type_undef), "append_sum");
            }
            if (k.relu()) {
                check(dnnl_post_ops_append_eltwise(ops, dnnl_eltwise_relu, 0f, 0f), "append_eltwise");
            }
            check(dnnl_primitive_attr_set_post_ops(attr, ops), "set_post_ops");
            check(dnnl_matmul_primitive_desc_create(pd, engine, a, b, bias, c, attr), "matmul_primitive_desc_create "
                    + k);
            dnnl_primitive prim = new dnnl_primitive();
            check(dnnl_primitive_create(prim, pd), "primitive_create");
            dnnl_memory_desc scratchMd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
            long scratchBytes = dnnl_memory_desc_get_size(scratchMd);
            dnnl_memory_desc[] mds = k.bias() ? new dnnl_memory_desc[] {a, b, c, scratchMd, bias}
                    : new dnnl_memory_desc[] {a, b, c, scratchMd};
            int[] ids = k.bias() ? new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_SCRATCHPAD,
                DNNL_ARG_BIAS} : new int[] {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_SCRATCHPAD};
            dnnl_memory[] mems = new dnnl_memory[mds.length];
            for (int i = 0; i < mds.length; i++) {
                mems[i] = new dnnl_memory();
                // A null handle: the memory object owns no buffer; bind() points it at ours.
                check(dnnl_memory_create(mems[i], mds[i], engine, (Pointer) null), "memory_create");
            }
            return new Primitive(k, prim, mems, ids, scratchBytes);
        } finally {
            dnnl_memory_desc_destroy(a);
            dnnl_memory_desc_destroy(b);
            dnnl_memory_desc_destroy(c);
            if (bias != null) {
                dnnl_memory_desc_destroy(bias);
            }
            if (!pd.isNull()) {
                dnnl_primitive_desc_destroy(pd);
            }
            if (!ops.isNull()) {
                dnnl_post_ops_destroy(ops);
            }
            if (!attr.isNull()) {
                dnnl_primitive_attr_destroy(attr);
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        for (Primitive p : matmuls) {
            for (dnnl_memory m : p.memories) {
                dnnl_memory_destroy(m);
            }
            dnnl_primitive_destroy(p.primitive);
            p.args.deallocate();
        }
        matmuls.clear();
        argBytes = 0;
        dnnl_stream_destroy(stream);
        dnnl_engine_destroy(engine);
        closed = true;
    }
}
