package dev.rehearsal.bench.backend;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;

/**
 * The values of the {@code backend} parameter every benchmark shares:
 * <ul>
 *   <li>{@code native-dnnl}: {@link NativeBackend} with oneDNN matmul primitives and passive OpenMP waiting
 *       (the product's default arrangement);</li>
 *   <li>{@code native-dnnl-brief}: the same with brief spinning (the dedicated-machine setting);</li>
 *   <li>{@code native-openblas}: {@link NativeBackend} with OpenBLAS {@code cblas_sgemm};</li>
 *   <li>{@code jvm}: {@link JvmBackend}, the pure-Java specification.</li>
 * </ul>
 * A native backend starts the native runtime, which fixes its threads for the whole (forked) process.
 */
public final class BenchBackends {
    public static final String NATIVE_DNNL = "native-dnnl";
    public static final String NATIVE_DNNL_BRIEF = "native-dnnl-brief";
    public static final String NATIVE_OPENBLAS = "native-openblas";
    public static final String JVM = "jvm";

    private BenchBackends() {
    }

    public static Backend open(String id, int threads) {
        return switch (id) {
            case NATIVE_DNNL -> new NativeBackend(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.PASSIVE);
            case NATIVE_DNNL_BRIEF -> new NativeBackend(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.BRIEF);
            case NATIVE_OPENBLAS -> new NativeBackend(threads, GemmEngine.OPENBLAS, NativeRuntime.OmpWait.PASSIVE);
            case JVM -> new JvmBackend(threads);
            default -> throw new IllegalArgumentException("unknown backend '" + id + "': use " + NATIVE_DNNL + ", "
                    + NATIVE_DNNL_BRIEF + ", " + NATIVE_OPENBLAS + " or " + JVM);
        };
    }
}
