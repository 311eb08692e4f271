package dev.rehearsal.experiment;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.data.DatasetSource;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * What an experiment runs on: a backend built from a config's runtime keys, and the config's train and
 * test sets loaded into it. Every command (and every sweep task on an executor) gets them here.
 */
public final class Inputs {
    private Inputs() {
    }

    /** The train and test sets of a config, loaded into a backend's arenas. */
    public record Data(Dataset train, Dataset test) implements AutoCloseable {
        @Override
        public void close() {
            train.close();
            test.close();
        }
    }

    /** A backend by name ("native" or "jvm") with a config's runtime settings (threads, gemm, omp-wait). */
    public static Backend backend(String name, ExperimentConfig c) {
        try {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "native" -> new NativeBackend(c.threads,
                        c.gemm.equals("openblas") ? GemmEngine.OPENBLAS : GemmEngine.DNNL,
                        NativeRuntime.OmpWait.valueOf(c.ompWait.toUpperCase(Locale.ROOT)),
                        Precision.of(c.precision));
                case "jvm" -> new JvmBackend(c.threads, Precision.of(c.precision));
                default -> throw new RehearsalException(RehearsalException.USAGE, "unknown backend '" + name
                        + "': use native or jvm");
            };
        } catch (IllegalStateException | IllegalArgumentException e) {
            // The native runtime's settings are fixed per process: a second, different request is a usage error.
            throw new RehearsalException(RehearsalException.USAGE, e.getMessage());
        }
    }

    /** The config's data set (located, fetched when missing, verified), both splits loaded into {@code backend}. */
    public static Data load(ExperimentConfig c, Backend backend, Consumer<String> log) {
        DatasetSource src = DatasetSource.locate(c.dataset, c.data == null ? null : Path.of(c.data), log);
        DatasetSource.Splits both = src.loadBoth(backend);
        return new Data(both.train(), both.test());
    }
}
