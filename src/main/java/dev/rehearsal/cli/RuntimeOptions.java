package dev.rehearsal.cli;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import picocli.CommandLine.Option;

/**
 * Options every computing command shares: threads and how the native libraries run. They are keys of
 * {@link ExperimentConfig} too; a flag overrides the config only when given.
 */
final class RuntimeOptions {
    @Group.In(Group.SYSTEM)
    @Option(names = "--threads", paramLabel = "N", description = "Compute threads for OpenBLAS, oneDNN and the jvm "
            + "backend (default: all cores, ${DEFAULT-VALUE} here).")
    Integer threads;

    @Group.In(Group.SYSTEM)
    @Option(names = "--gemm", paramLabel = "ENGINE",
            description = "Library for the native backend's GEMMs: dnnl or openblas (default ${DEFAULT-VALUE}).")
    String gemm;

    @Group.In(Group.SYSTEM)
    @Option(names = "--omp-wait", paramLabel = "POLICY",
            description = "What idle oneDNN (OpenMP) threads do (default ${DEFAULT-VALUE}): auto (brief when "
                    + "every thread has a free core at start-up, else passive), passive, brief, active or default "
                    + "(the runtime's own spin-then-sleep).")
    String ompWait;

    /** Overrides the config's runtime keys with the flags given. */
    void apply(ExperimentConfig c) {
        if (threads != null) {
            c.threads = threads;
        }
        if (gemm != null) {
            c.gemm = ExperimentConfig.word("gemm", dev.rehearsal.config.Gemm.class, gemm);
        }
        if (ompWait != null) {
            c.ompWait = ExperimentConfig.word("omp-wait", dev.rehearsal.config.OmpWait.class, ompWait);
        }
    }

    /** The runtime settings alone (info, model): defaults plus flags, validated. */
    ExperimentConfig resolved() {
        ExperimentConfig c = new ExperimentConfig();
        apply(c);
        return c.validate();
    }

    /** A backend of a type (native or jvm) with a config's runtime settings. */
    static Backend backend(dev.rehearsal.config.BackendType type, ExperimentConfig c) {
        return dev.rehearsal.experiment.Inputs.backend(type, c);
    }
}
