package dev.rehearsal.bench.backend.nativ;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.dnnl_cpu;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_engine_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_f32;
import static org.bytedeco.dnnl.global.dnnl.dnnl_matmul_primitive_desc_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_create_with_strides;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_desc_get_size;
import static org.bytedeco.dnnl.global.dnnl.dnnl_memory_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_attr_set_scratchpad_mode;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_desc_query_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_primitive_execute;
import static org.bytedeco.dnnl.global.dnnl.dnnl_query_scratchpad_md;
import static org.bytedeco.dnnl.global.dnnl.dnnl_scratchpad_mode_user;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_create;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_default_flags;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_destroy;
import static org.bytedeco.dnnl.global.dnnl.dnnl_stream_wait;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * One oneDNN matmul primitive {@code C [M, N] = A [M, K] · B [K, N]} (dense row-major) over buffers the
 * caller owns, built once the way oneDNN's own examples build it: engine and stream, memory objects wrapping
 * our pointers, a scratchpad we allocate ({@code scratchpad_mode_user}), a prebuilt argument list.
 */
final class DnnlMatmul implements AutoCloseable {
    private final dnnl_engine engine = new dnnl_engine();
    private final dnnl_stream stream = new dnnl_stream();
    private final dnnl_primitive primitive = new dnnl_primitive();
    private final dnnl_memory[] memories = new dnnl_memory[4];
    private final dnnl_exec_arg_t args = new dnnl_exec_arg_t(4);
    private final BytePointer scratchpad;

    DnnlMatmul(long m, long n, long k, FloatPointer a, FloatPointer b, FloatPointer c) {
        check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine_create");
        check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream_create");
        dnnl_memory_desc aMd = rowMajor(m, k);
        dnnl_memory_desc bMd = rowMajor(k, n);
        dnnl_memory_desc cMd = rowMajor(m, n);
        dnnl_primitive_attr attr = new dnnl_primitive_attr();
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        try {
            check(dnnl_primitive_attr_create(attr), "primitive_attr_create");
            check(dnnl_primitive_attr_set_scratchpad_mode(attr, dnnl_scratchpad_mode_user), "set_scratchpad_mode");
            check(dnnl_matmul_primitive_desc_create(pd, engine, aMd, bMd, null, cMd, attr), "matmul_desc_create");
            check(dnnl_primitive_create(primitive, pd), "primitive_create");
            dnnl_memory_desc scratchMd = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
            long scratchBytes = dnnl_memory_desc_get_size(scratchMd);
            // 64 bytes of slack so that the scratchpad can start on a cache line.
            scratchpad = new BytePointer(scratchBytes + 64);
            scratchpad.position((64 - scratchpad.address() % 64) % 64);
            dnnl_memory_desc[] mds = {aMd, bMd, cMd, scratchMd};
            org.bytedeco.javacpp.Pointer[] data = {a, b, c, scratchpad};
            int[] ids = {DNNL_ARG_SRC, DNNL_ARG_WEIGHTS, DNNL_ARG_DST, DNNL_ARG_SCRATCHPAD};
            for (int i = 0; i < memories.length; i++) {
                memories[i] = new dnnl_memory();
                check(dnnl_memory_create(memories[i], mds[i], engine, data[i]), "memory_create");
                args.position(i).arg(ids[i]).memory(memories[i]);
            }
            args.position(0);
        } finally {
            dnnl_memory_desc_destroy(aMd);
            dnnl_memory_desc_destroy(bMd);
            dnnl_memory_desc_destroy(cMd);
            if (!pd.isNull()) {
                dnnl_primitive_desc_destroy(pd);
            }
            if (!attr.isNull()) {
                dnnl_primitive_attr_destroy(attr);
            }
        }
    }

    private static dnnl_memory_desc rowMajor(long rows, long cols) {
        dnnl_memory_desc md = new dnnl_memory_desc();
        check(dnnl_memory_desc_create_with_strides(md, 2, new long[] {rows, cols}, dnnl_f32, new long[] {cols, 1}),
                "memory_desc_create");
        return md;
    }

    static void check(int status, String what) {
        if (status != dnnl_success) {
            throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
        }
    }

    /** Computes C; returns when C is written. */
    void execute() {
        check(dnnl_primitive_execute(primitive, stream, memories.length, args), "primitive_execute");
        check(dnnl_stream_wait(stream), "stream_wait");
    }

    @Override
    public void close() {
        for (dnnl_memory m : memories) {
            if (m != null) {
                dnnl_memory_destroy(m);
            }
        }
        dnnl_primitive_destroy(primitive);
        args.deallocate();
        scratchpad.deallocate();
        dnnl_stream_destroy(stream);
        dnnl_engine_destroy(engine);
    }
}
