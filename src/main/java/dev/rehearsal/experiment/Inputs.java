package dev.rehearsal.experiment;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.config.BackendType;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.data.DatasetSource;
import java.nio.file.Path;
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

    /** A backend of a type (native or jvm) with a config's runtime settings (threads, gemm, omp-wait, precision). */
    public static Backend backend(BackendType type, ExperimentConfig c) {
        try {
            return switch (type) {
                case NATIVE -> new NativeBackend(c.threads, switch (c.gemm) {
                    case DNNL -> GemmEngine.DNNL;
                    case OPENBLAS -> GemmEngine.OPENBLAS;
                }, switch (c.ompWait) {
                    case AUTO -> NativeRuntime.OmpWait.AUTO;
                    case DEFAULT -> NativeRuntime.OmpWait.DEFAULT;
                    case PASSIVE -> NativeRuntime.OmpWait.PASSIVE;
                    case ACTIVE -> NativeRuntime.OmpWait.ACTIVE;
                    case BRIEF -> NativeRuntime.OmpWait.BRIEF;
                }, c.precision);
                case JVM -> new JvmBackend(c.threads, c.precision);
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

    /** As {@link #load}, from files already on the machine: never fetches (a dry run writes nothing). */
    public static Data loadWithoutFetching(ExperimentConfig c, Backend backend) {
        DatasetSource.Splits both = DatasetSource.locateWithoutFetching(c.dataset,
                c.data == null ? null : Path.of(c.data)).loadBoth(backend);
        return new Data(both.train(), both.test());
    }
}
