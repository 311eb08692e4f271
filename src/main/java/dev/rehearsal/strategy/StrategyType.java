package dev.rehearsal.strategy;

import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.config.Option;
import java.util.List;
import java.util.function.Function;

/**
 * A strategy as the registry knows it, declared once in the strategy's own class: its id (in configs, on
 * the command line and in results), a one-line summary for {@code --help}, the options it declares (with their
 * defaults and ranges), the general keys it reads ({@link #reading}) and how to build it.
 *
 * <p>What a strategy reads is its declared options, the general keys of {@link #reads()}, and every general key
 * no strategy lists in {@code reads} (those the one training loop reads for every strategy: preset, batch,
 * iterations, lr, seed, setting, class order, validation, ...). Nothing else is part of its experiments'
 * identity ({@link ExperimentConfig#forgetUnread}): two grid points that differ only in a key their strategy
 * does not read are one experiment. A key read only under another key's value (gr's {@code pool-size} with
 * {@code generation: pool}, {@code temperature} with soft targets) is listed: it is read under that value.
 */
public record StrategyType(String id, String summary, List<Option> options, List<String> reads,
        Function<Context, Strategy> factory) {
    public StrategyType {
        options = List.copyOf(options);
        reads = List.copyOf(reads);
        for (String key : reads) {
            if (!ExperimentConfig.KEYS.contains(key)) {
                throw new IllegalArgumentException("strategy " + id + " reads '" + key + "', which is no general key "
                        + "of ExperimentConfig (declared options go in its options)");
            }
        }
    }

    /** A strategy that reads no general key beyond the training loop's (add them with {@link #reading}). */
    public StrategyType(String id, String summary, List<Option> options, Function<Context, Strategy> factory) {
        this(id, summary, options, List.of(), factory);
    }

    /**
     * The same strategy reading the general keys {@code keys} (ExperimentConfig's own keys, such as
     * {@code per-class} or {@code vae-iterations}) besides its declared options; every strategy that reads a key
     * some strategy lists must list it too, or it would be left out of that strategy's experiments' identity.
     */
    public StrategyType reading(String... keys) {
        return new StrategyType(id, summary, options, List.of(keys), factory);
    }
}
