package dev.rehearsal.config;

import dev.rehearsal.RehearsalException;

/**
 * A value one strategy cannot run with, given the rest of the config. Each strategy declares its own
 * (its {@code StrategyType}'s refusals); a command checks them for every strategy it will run, and only those,
 * before anything runs ({@link ExperimentConfig#refuseUnread}), and the message always names the strategy
 * concerned, so {@code compare --strategies er,cgr --generation pool} is refused for cgr, not for a strategy
 * that does not run or does not read the key.
 *
 * @param key   the config key refused
 * @param value its value
 * @param why   what the strategy does that rules the value out, and what to give instead; it completes the
 *              sentence "strategy ID ...", for example "generates its replay every step: use on-the-fly"
 */
public record Refusal(String key, Object value, String why) {
    /** The one-line usage error of this refusal for strategy {@code strategy}. */
    public RehearsalException of(String strategy) {
        return new RehearsalException(RehearsalException.USAGE, "invalid value for '" + key + "': " + value
                + " (strategy " + strategy + " " + why + ")");
    }
}
