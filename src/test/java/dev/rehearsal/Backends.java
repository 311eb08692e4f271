package dev.rehearsal;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.backend.nativ.NativeBackend;

/**
 * The backends tests run on. The native runtime fixes its thread count per process, so every test in the
 * JVM uses {@link #THREADS}.
 */
public final class Backends {
    public static final int THREADS = 2;
    private static NativeBackend nativeBackend;
    private static JvmBackend jvmBackend;

    private Backends() {
    }

    public static synchronized NativeBackend nativ() {
        if (nativeBackend == null) {
            nativeBackend = new NativeBackend(THREADS);
        }
        return nativeBackend;
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
    public static Backend named(String name) {
        return switch (name) {
            case "jvm" -> jvm();
            case "native" -> nativ();
            default -> throw new IllegalArgumentException(name);
        };
    }
}
