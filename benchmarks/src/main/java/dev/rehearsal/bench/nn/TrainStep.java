package dev.rehearsal.bench.nn;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.nn.Preset;

/** A model with its data, ready to take training steps as the trainer takes them. */
public interface TrainStep extends AutoCloseable {

    /** One training step; returns its loss. */
    double run();

    /** Frees the model and its data (not the backend). */
    @Override
    void close();

    /** The preset's {@code model} ("mlp" or "vae") on {@code backend}, planned for batches of {@code batch}. */
    static TrainStep open(String model, Backend backend, Preset preset, int batch) {
        return switch (model) {
            case "mlp" -> new MlpTrainStep(backend, preset, batch);
            case "vae" -> new VaeTrainStep(backend, preset, batch);
            default -> throw new IllegalArgumentException("unknown model '" + model + "': use mlp or vae");
        };
    }
}
