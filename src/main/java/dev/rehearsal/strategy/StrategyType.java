package dev.rehearsal.strategy;

import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.config.Option;
import dev.rehearsal.config.Refusal;
import dev.rehearsal.scenario.Setting;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A strategy as the registry knows it, declared once in the strategy's own class: its id (in configs, on
 * the command line and in results), a one-line summary for {@code --help}, the options it declares (with their
 * defaults and ranges), the general keys it reads ({@link #reading}), how to build it, the settings it does not
 * apply to ({@code refused}, each with the reason a config that asks for it is refused with, also shown by
 * {@code --help}), and the values it cannot run with given the rest of a config ({@link #refusing}: the
 * {@link Refusal}, or null when it can run the config).
 *
 * <p>What a strategy reads is its declared options, the general keys of {@link #reads()}, and every general key
 * no strategy lists in {@code reads} (those the one training loop reads for every strategy: preset, batch,
 * iterations, lr, seed, setting, class order, validation, ...). Nothing else is part of its experiments'
 * identity ({@link ExperimentConfig#forgetUnread}): two grid points that differ only in a key their strategy
 * does not read are one experiment. A key read only under another key's value (gr's {@code pool-size} with
 * {@code generation: pool}, {@code temperature} with soft targets) is listed: it is read under that value.
 */
public record StrategyType(String id, String summary, List<Option> options, List<String> reads,
        Function<Context, Strategy> factory, Map<Setting, String> refused,
        Function<ExperimentConfig, Refusal> refusal, boolean bound) {
    public StrategyType {
        options = List.copyOf(options);
        reads = List.copyOf(reads);
        refused = Map.copyOf(refused);
        for (String key : reads) {
            if (!ExperimentConfig.KEYS.contains(key)) {
                throw new IllegalArgumentException("strategy " + id + " reads '" + key + "', which is no general key "
                        + "of ExperimentConfig (declared options go in its options)");
            }
        }
    }

    /** As the canonical constructor, for a method (not a bound). */
    public StrategyType(String id, String summary, List<Option> options, List<String> reads,
            Function<Context, Strategy> factory, Map<Setting, String> refused,
            Function<ExperimentConfig, Refusal> refusal) {
        this(id, summary, options, reads, factory, refused, refusal, false);
    }

    /** A strategy that reads no general key beyond the training loop's, applies to every setting and runs any valid config. */
    public StrategyType(String id, String summary, List<Option> options, Function<Context, Strategy> factory) {
        this(id, summary, options, List.of(), factory, Map.of(), c -> null);
    }

    /** A strategy that does not apply to the settings {@code refused} names, with the reason for each. */
    public StrategyType(String id, String summary, List<Option> options, Function<Context, Strategy> factory,
            Map<Setting, String> refused) {
        this(id, summary, options, List.of(), factory, refused, c -> null);
    }

    /**
     * Why this strategy does not apply to {@code setting}, as a config asking for it is refused (one line naming
     * the strategy, the setting and the reason); null when it applies.
     */
    public String refusal(Setting setting) {
        String why = refused.get(setting);
        return why == null ? null : id + " does not apply to the " + setting.id() + " setting: " + why;
    }

    /**
     * The same strategy reading the general keys {@code keys} (ExperimentConfig's own keys, such as
     * {@code per-class} or {@code vae-iterations}) besides its declared options; every strategy that reads a key
     * some strategy lists must list it too, or it would be left out of that strategy's experiments' identity.
     */
    public StrategyType reading(String... keys) {
        return new StrategyType(id, summary, options, List.of(keys), factory, refused, refusal, bound);
    }

    /** This strategy, refusing the configs {@code refusal} finds it cannot run. */
    public StrategyType refusing(Function<ExperimentConfig, Refusal> refusal) {
        return new StrategyType(id, summary, options, reads, factory, refused, refusal, bound);
    }

    /**
     * This strategy as a bound rather than a method (joint training above, fine-tuning below): a table of many
     * methods tests each against its best <em>method</em>, not against a bound ({@code PairedComparisons}).
     */
    public StrategyType asBound() {
        return new StrategyType(id, summary, options, reads, factory, refused, refusal, true);
    }
}
