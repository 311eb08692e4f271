package dev.rehearsal.cli;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.Inputs;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;

/** What run, compare and scale share: loading the data of a config, and stderr for progress. */
final class Experiments {
    private Experiments() {
    }

    static Inputs.Data load(ExperimentConfig c, Backend backend, PrintStream log) {
        return Inputs.load(c, backend, log::println);
    }

    /** The process's real stderr (progress goes there even when a test captures the command's streams). */
    static PrintStream stderr() {
        return new PrintStream(new FileOutputStream(FileDescriptor.err), true);
    }
}
