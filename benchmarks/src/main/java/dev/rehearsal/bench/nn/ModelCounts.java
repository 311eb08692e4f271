package dev.rehearsal.bench.nn;

import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.bench.TrainStep;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;

/**
 * The work of the benchmarked operations, measured rather than estimated: each is run once on the jvm backend
 * and the MACs its GEMMs issued are read from the backend's counter (both backends issue the same GEMMs).
 */
public final class ModelCounts {
    private ModelCounts() {
    }

    /** MACs one training step of the preset's {@code model} ("mlp" or "vae") at {@code batch} issues. */
    public static long trainStepMacs(String model, Preset preset, int batch) {
        try (JvmBackend be = new JvmBackend(1); TrainStep step = TrainStep.open(model, be, preset, batch)) {
            return step.measureMacs();
        }
    }

    /** MACs one generated batch of {@code batch} samples issues (the decoder of the preset's VAE). */
    public static long generationMacs(Preset preset, int batch) {
        try (JvmBackend be = new JvmBackend(1);
                Vae vae = new Vae(be, "count", preset.vae(), batch, OptimizerConfig.adam(1e-3), new Rng(1))) {
            long before = be.macs();
            vae.generate(batch, new Rng(3), null, 0);
            return be.macs() - before;
        }
    }
}
