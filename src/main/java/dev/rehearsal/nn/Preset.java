package dev.rehearsal.nn;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;
import java.util.Locale;

/**
 * Named architectures. {@code seed} is the reference report's pair (44,700 and 203,776 forward MACs per
 * sample); {@code wide} is the class-incremental Split-MNIST literature's (van de Ven et al.): MLP
 * 784-400-400-10 and a VAE 784-400-400-z100 with a mirrored decoder; {@code perm} is the same literature's
 * Permuted-MNIST network (van de Ven et al., GMvandeVen/continual-learning {@code params/param_values.py}:
 * {@code fc_units} 1000 for permMNIST, 3 fully connected layers): MLP 784-1000-1000-10, and a VAE
 * 784-1000-1000-z100 (its generator defaults to the classifier's units, {@code g_fc_uni = fc_units}, and
 * {@code z_dim} 100). The config's {@code preset} key lists these ids too (a config's preset is this enum).
 */
public enum Preset implements Word {
    SEED(MlpSpec.of(784, new int[] {50, 50, 50}, 10), new VaeSpec(784, new int[] {128}, 8, 0)),
    WIDE(MlpSpec.of(784, new int[] {400, 400}, 10), new VaeSpec(784, new int[] {400, 400}, 100, 0)),
    PERM(MlpSpec.of(784, new int[] {1000, 1000}, 10), new VaeSpec(784, new int[] {1000, 1000}, 100, 0));

    private final MlpSpec mlp;
    private final VaeSpec vae;

    Preset(MlpSpec mlp, VaeSpec vae) {
        this.mlp = mlp;
        this.vae = vae;
    }

    public MlpSpec mlp() {
        return mlp;
    }

    public VaeSpec vae() {
        return vae;
    }

    @JsonValue
    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value written {@code text} in a config (any case, nothing else); see {@link Word#parse}. */
    @JsonCreator
    public static Preset of(String text) {
        return Word.parse(Preset.class, text);
    }

    /** Parses a preset name; the message lists the valid ones. */
    public static Preset parse(String text) {
        for (Preset p : values()) {
            if (p.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preset '" + text + "': use seed, wide or perm");
    }
}
