package dev.rehearsal.strategy;

import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.config.Option;
import dev.rehearsal.config.Refusal;
import java.util.List;
import java.util.function.Function;

/**
 * A strategy as the registry knows it, declared once in the strategy's own class: its id (in configs, on
 * the command line and in results), a one-line summary for {@code --help}, the options it reads (with their
 * defaults and ranges), how to build it, and the values it cannot run with given the rest of a config
 * ({@code refusal}: the {@link Refusal}, or null when it can run the config).
 */
public record StrategyType(String id, String summary, List<Option> options, Function<Context, Strategy> factory,
        Function<ExperimentConfig, Refusal> refusal) {
    public StrategyType {
        options = List.copyOf(options);
    }

    /** A strategy that can run any valid config. */
    public StrategyType(String id, String summary, List<Option> options, Function<Context, Strategy> factory) {
        this(id, summary, options, factory, c -> null);
    }

    /** This strategy, refusing the configs {@code refusal} finds it cannot run. */
    public StrategyType refusing(Function<ExperimentConfig, Refusal> refusal) {
        return new StrategyType(id, summary, options, factory, refusal);
    }
}
