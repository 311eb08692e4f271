package dev.rehearsal.bench.nn;

import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.nn.VaeSpec;

/** Forward MACs per sample of the presets, as the models themselves count them (for the report's GFLOP/s). */
public final class ModelCounts {
    private ModelCounts() {
    }

    /** {@code Model.forwardMacsPerSample()} of the preset's MLP or VAE (model "mlp" or "vae"). */
    public static long forwardMacsPerSample(String model, Preset preset) {
        try (JvmBackend be = new JvmBackend(1)) {
            return switch (model) {
                case "mlp" -> {
                    try (Mlp m = new Mlp(be, "count", preset.mlp(), 1, null, null)) {
                        yield m.forwardMacsPerSample();
                    }
                }
                case "vae" -> {
                    try (Vae v = new Vae(be, "count", preset.vae(), 1, null, null)) {
                        yield v.forwardMacsPerSample();
                    }
                }
                default -> throw new IllegalArgumentException("unknown model '" + model + "': use mlp or vae");
            };
        }
    }

    /** MACs per sample of the VAE's decoder alone: {@code Z+C -> hidden reversed -> input}. */
    public static long decoderMacsPerSample(Preset preset) {
        VaeSpec spec = preset.vae();
        int[] hidden = spec.hidden();
        long macs = 0;
        int width = spec.latent() + spec.classes();
        for (int i = hidden.length - 1; i >= 0; i--) {
            macs += (long) width * hidden[i];
            width = hidden[i];
        }
        return macs + (long) width * spec.input();
    }
}
