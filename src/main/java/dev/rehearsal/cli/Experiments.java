package dev.rehearsal.cli;

import dev.rehearsal.data.Dataset;
import dev.rehearsal.data.DatasetSource;
import dev.rehearsal.data.Split;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/** What run, compare and scale share: loading the data of a config, and stderr for progress. */
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

    /** The process's real stderr (progress goes there even when a test captures the command's streams). */
    static PrintStream stderr() {
        return new PrintStream(new FileOutputStream(FileDescriptor.err), true);
    }
}
