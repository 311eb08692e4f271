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
 * the command line and in results), a one-line summary for {@code --help}, the options it reads (with their
 * defaults and ranges), how to build it, the settings it does not apply to ({@code refused}, each with the reason
 * a config that asks for it is refused with, also shown by {@code --help}), and the values it cannot run with
 * given the rest of a config ({@code refusal}: the {@link Refusal}, or null when it can run the config).
 */
public record StrategyType(String id, String summary, List<Option> options, Function<Context, Strategy> factory,
        Map<Setting, String> refused, Function<ExperimentConfig, Refusal> refusal) {
    public StrategyType {
        options = List.copyOf(options);
        refused = Map.copyOf(refused);
    }

    /**
     * Why this strategy does not apply to {@code setting}, as a config asking for it is refused (one line naming
     * the strategy, the setting and the reason); null when it applies.
     */
    public String refusal(Setting setting) {
        String why = refused.get(setting);
        return why == null ? null : id + " does not apply to the " + setting.id() + " setting: " + why;
    }

    /** A strategy that applies to every setting and can run any valid config. */
    public StrategyType(String id, String summary, List<Option> options, Function<Context, Strategy> factory) {
        this(id, summary, options, factory, Map.of(), c -> null);
    }

    /** A strategy that does not apply to the settings {@code refused} names, with the reason for each. */
    public StrategyType(String id, String summary, List<Option> options, Function<Context, Strategy> factory,
            Map<Setting, String> refused) {
        this(id, summary, options, factory, refused, c -> null);
    }

    /** This strategy, refusing the configs {@code refusal} finds it cannot run. */
    public StrategyType refusing(Function<ExperimentConfig, Refusal> refusal) {
        return new StrategyType(id, summary, options, factory, refused, refusal);
    }
}
