package dev.rehearsal.strategy;

import dev.rehearsal.config.Option;
import java.util.List;
import java.util.function.Function;

/**
 * A strategy as the registry knows it, declared once in the strategy's own class: its id (in configs, on
 * the command line and in results), a one-line summary for {@code --help}, the options it reads (with their
 * defaults and ranges) and how to build it.
 */
public record StrategyType(String id, String summary, List<Option> options, Function<Context, Strategy> factory) {
    public StrategyType {
        options = List.copyOf(options);
    }
}
