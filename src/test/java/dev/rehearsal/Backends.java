package dev.rehearsal;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;

/**
 * The backends tests run on. The native runtime fixes its thread count per process, so every test in the
 * JVM uses {@link #THREADS}.
 */
public final class Backends {
    public static final int THREADS = 2;
    /**
     * Idle OpenMP threads sleep at once in tests: tests alternate native calls with Java work, and a
     * spinning pool would compete with the JVM's own threads on a 2-core machine.
     */
    public static final NativeRuntime.OmpWait WAIT = NativeRuntime.OmpWait.PASSIVE;
    private static NativeBackend nativeBackend;
    private static JvmBackend jvmBackend;
    private static NativeBackend openblasBackend;
    private static NativeBackend bf16Backend;
    private static JvmBackend jvmBf16Backend;

    private Backends() {
    }

    public static synchronized NativeBackend nativ() {
        if (nativeBackend == null) {
            nativeBackend = new NativeBackend(THREADS, GemmEngine.DNNL, WAIT);
        }
        return nativeBackend;
    }

    /** The native backend with OpenBLAS as its GEMM engine (same runtime, same threads). */
    public static synchronized NativeBackend openblas() {
        if (openblasBackend == null) {
            openblasBackend = new NativeBackend(THREADS, GemmEngine.OPENBLAS, WAIT);
        }
        return openblasBackend;
    }

    public static synchronized JvmBackend jvm() {
        if (jvmBackend == null) {
            jvmBackend = new JvmBackend(THREADS);
        }
        return jvmBackend;
    }

    /**
     * A backend by name, for {@code @ValueSource(strings = {"jvm", "native"})}: parameterised tests take
     * names because JUnit closes AutoCloseable arguments after each invocation, and these are shared.
     */
    /** The native backend with bfloat16 matmuls (same runtime, same threads); needs AVX512_BF16 or AMX. */
    public static synchronized NativeBackend nativeBf16() {
        if (bf16Backend == null) {
            bf16Backend = new NativeBackend(THREADS, GemmEngine.DNNL, WAIT, dev.rehearsal.backend.Precision.BF16);
        }
        return bf16Backend;
    }

    /** The jvm backend's bfloat16 specification. */
    public static synchronized JvmBackend jvmBf16() {
        if (jvmBf16Backend == null) {
            jvmBf16Backend = new JvmBackend(THREADS, dev.rehearsal.backend.Precision.BF16);
        }
        return jvmBf16Backend;
    }

    public static Backend named(String name) {
        return switch (name) {
            case "jvm" -> jvm();
            case "native" -> nativ();
            case "native-openblas" -> openblas();
            case "native-bf16" -> nativeBf16();
            case "jvm-bf16" -> jvmBf16();
            default -> throw new IllegalArgumentException(name);
        };
    }
}
