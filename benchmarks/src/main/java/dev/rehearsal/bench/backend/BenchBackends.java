package dev.rehearsal.bench.backend;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;

/**
 * The values of the {@code backend} parameter every benchmark shares:
 * <ul>
 *   <li>{@code native-dnnl}: {@link NativeBackend} with oneDNN matmul primitives and the OpenMP wait policy
 *       {@code auto} decides at start-up (the product's default arrangement: brief spinning on a quiet machine,
 *       passive waiting on a busy one);</li>
 *   <li>{@code native-dnnl-bf16}: the same with bfloat16 matmuls ({@code --precision bf16});</li>
 *   <li>{@code native-dnnl-passive}, {@code native-dnnl-brief}: the default arrangement with the policy fixed;</li>
 *   <li>{@code native-openblas}: {@link NativeBackend} with OpenBLAS {@code cblas_sgemm};</li>
 *   <li>{@code jvm}: {@link JvmBackend}, the pure-Java specification.</li>
 * </ul>
 * A native backend starts the native runtime, which fixes its threads for the whole (forked) process.
 */
public final class BenchBackends {
    public static final String NATIVE_DNNL = "native-dnnl";
    public static final String NATIVE_DNNL_BRIEF = "native-dnnl-brief";
    public static final String NATIVE_DNNL_PASSIVE = "native-dnnl-passive";
    public static final String NATIVE_DNNL_BF16 = "native-dnnl-bf16";
    public static final String NATIVE_OPENBLAS = "native-openblas";
    public static final String JVM = "jvm";

    private BenchBackends() {
    }

    public static Backend open(String id, int threads) {
        return switch (id) {
            case NATIVE_DNNL -> new NativeBackend(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.AUTO);
            case NATIVE_DNNL_BF16 -> new NativeBackend(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.AUTO,
                    Precision.BF16);
            case NATIVE_DNNL_BRIEF -> new NativeBackend(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.BRIEF);
            case NATIVE_DNNL_PASSIVE -> new NativeBackend(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.PASSIVE);
            case NATIVE_OPENBLAS -> new NativeBackend(threads, GemmEngine.OPENBLAS, NativeRuntime.OmpWait.AUTO);
            case JVM -> new JvmBackend(threads);
            default -> throw new IllegalArgumentException("unknown backend '" + id + "': use " + NATIVE_DNNL + ", "
                    + NATIVE_DNNL_BF16 + ", " + NATIVE_DNNL_PASSIVE + ", " + NATIVE_DNNL_BRIEF + ", " + NATIVE_OPENBLAS
                    + " or " + JVM);
        };
    }
}
