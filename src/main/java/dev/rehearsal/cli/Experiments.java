package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.data.DatasetSource;
import dev.rehearsal.data.Split;
import dev.rehearsal.experiment.ExperimentConfig;
import java.io.PrintStream;
import java.nio.file.Path;

/** What run and compare share: building the backend and loading the data of a config. */
final class Experiments {
    private Experiments() {
    }

    /** The train and test sets of a config, loaded into the backend's arenas. */
    record Data(Dataset train, Dataset test) implements AutoCloseable {
        @Override
        public void close() {
            train.close();
            test.close();
        }
    }

    static Data load(ExperimentConfig c, Backend backend, PrintStream log) {
        DatasetSource src = DatasetSource.locate(c.dataset, c.data == null ? null : Path.of(c.data), log::println);
        Dataset train = src.load(backend, Split.TRAIN);
        try {
            return new Data(train, src.load(backend, Split.TEST));
        } catch (RuntimeException | Error e) {
            train.close();
            throw e;
        }
    }

    static Backend backend(ExperimentConfig c, RuntimeOptions runtime) {
        runtime.threads = c.threads;
        try {
            return runtime.backend(c.backend);
        } catch (IllegalStateException e) {
            throw new RehearsalException(RehearsalException.USAGE, e.getMessage());
        }
    }
}
