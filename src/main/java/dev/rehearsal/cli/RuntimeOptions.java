package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import java.util.Locale;
import picocli.CommandLine.Option;

/** Options every computing command shares: threads, and how the native libraries run. */
final class RuntimeOptions {
    @Option(names = "--threads", paramLabel = "N",
            description = "Compute threads for OpenBLAS, oneDNN and the jvm backend (default: all cores, ${DEFAULT-VALUE}).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--gemm", paramLabel = "ENGINE",
            description = "Library for the native backend's GEMMs: dnnl or openblas (default: ${DEFAULT-VALUE}).")
    String gemm = "dnnl";

    @Option(names = "--omp-wait", paramLabel = "POLICY",
            description = "What idle oneDNN (OpenMP) threads do: default, passive or active (default: ${DEFAULT-VALUE}).")
    String ompWait = "active";

    int threads() {
        if (threads < 1 || threads > 4096) {
            throw new RehearsalException(RehearsalException.USAGE, "--threads must be between 1 and 4096, got "
                    + threads);
        }
        return threads;
    }

    GemmEngine gemmEngine() {
        return switch (gemm.toLowerCase(Locale.ROOT)) {
            case "dnnl", "onednn" -> GemmEngine.DNNL;
            case "openblas" -> GemmEngine.OPENBLAS;
            default -> throw new RehearsalException(RehearsalException.USAGE, "unknown --gemm '" + gemm
                    + "': use dnnl or openblas");
        };
    }

    NativeRuntime.OmpWait ompWait() {
        try {
            return NativeRuntime.OmpWait.valueOf(ompWait.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RehearsalException(RehearsalException.USAGE, "unknown --omp-wait '" + ompWait
                    + "': use default, passive or active");
        }
    }

    /** A backend by name: "native" or "jvm". */
    Backend backend(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "native" -> new NativeBackend(threads(), gemmEngine(), ompWait());
            case "jvm" -> new JvmBackend(threads());
            default -> throw new RehearsalException(RehearsalException.USAGE, "unknown backend '" + name
                    + "': use native or jvm");
        };
    }
}
