package dev.rehearsal.config;

import java.util.List;
import java.util.ServiceLoader;

/**
 * What the config needs to know of the strategies: their ids, the options each declares and the values each
 * cannot run with. The one registry is {@code dev.rehearsal.strategy.Strategies}; it is found here through
 * {@link ServiceLoader} (META-INF/services), so that this package stays below {@code strategy} and never lists
 * strategy ids.
 */
public interface StrategyCatalog {
    /** Every strategy id, in the registry's order. */
    List<String> ids();

    /** The options strategy {@code id} declares (an unknown id has none). */
    List<Option> options(String id);

    /** Why strategy {@code id} cannot run {@code c}, or null when it can (an unknown id: null). */
    Refusal refusal(String id, ExperimentConfig c);

    /** Every option some strategy declares, each once (strategies may share one), in registry order. */
    List<Option> allOptions();

    /**
     * Why strategy {@code id} does not apply to {@code setting}, as a config that asks for it is refused
     * ("genc does not apply to the domain setting: ..."); null when it applies.
     */
    String refusal(String id, dev.rehearsal.scenario.Setting setting);

    /**
     * The general keys (of {@link ExperimentConfig#KEYS}) strategy {@code id} reads besides its declared options
     * and the keys the training loop reads for every strategy (an unknown id reads none).
     */
    List<String> reads(String id);

    /** The general keys some strategy lists in its reads: the others are read by every strategy. */
    default java.util.Set<String> strategyKeys() {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        ids().forEach(id -> out.addAll(reads(id)));
        return out;
    }

    /** The installed catalog. */
    static StrategyCatalog installed() {
        return Holder.CATALOG;
    }

    /** Loaded once. */
    final class Holder {
        private static final StrategyCatalog CATALOG = ServiceLoader.load(StrategyCatalog.class).findFirst()
                .orElseThrow(() -> new IllegalStateException("no StrategyCatalog on the class path "
                        + "(META-INF/services/dev.rehearsal.config.StrategyCatalog)"));

        private Holder() {
        }
    }
}
