package dev.rehearsal.strategy;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.config.Option;
import dev.rehearsal.config.Refusal;
import dev.rehearsal.config.StrategyCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one registry of strategies: adding a strategy is its own class (which declares its {@link StrategyType})
 * and one line here. Config validation, the command line, {@code --help} and the results find every id and
 * option through this list (the config package reaches it as a {@link StrategyCatalog}).
 */
public final class Strategies implements StrategyCatalog {
    /** Every strategy, in the order help texts and comparisons list them. */
    public static final List<StrategyType> ALL = List.of(
            Naive.TYPE,
            Joint.TYPE,
            ExperienceReplay.TYPE,
            GenerativeReplayStrategy.TYPE,
            ConditionalGenerativeReplay.TYPE,
            BrainInspiredReplay.TYPE,
            Ewc.TYPE,
            SynapticIntelligence.TYPE,
            AGem.TYPE,
            ICaRL.TYPE,
            LearningWithoutForgetting.TYPE,
            DarkExperienceReplay.TYPE,
            PrototypeReplayStrategy.TYPE,
            GenerativeClassifier.TYPE);

    /** For {@link java.util.ServiceLoader}; use the static methods. */
    public Strategies() {
    }

    public static List<String> idList() {
        return ALL.stream().map(StrategyType::id).toList();
    }

    /** The strategy of this id; an unknown id is a one-line usage error listing the known ones. */
    public static StrategyType type(String id) {
        return find(id).orElseThrow(() -> new RehearsalException(RehearsalException.USAGE, "unknown strategy '" + id
                + "': use one of " + String.join(", ", idList())));
    }

    /** The strategy of this id, if there is one (a record read from a file may name one this build lacks). */
    public static java.util.Optional<StrategyType> find(String id) {
        return ALL.stream().filter(t -> t.id().equals(id)).findFirst();
    }

    /** Builds strategy {@code id}; a config it declares it cannot run is refused first, naming it. */
    public static Strategy create(String id, Context ctx) {
        StrategyType t = type(id);
        Refusal r = t.refusal().apply(ctx.config());
        if (r != null) {
            throw r.of(t.id());
        }
        return t.factory().apply(ctx);
    }

    /** Every declared option once, by key; two strategies declaring one key must declare the same object. */
    public static List<Option> declaredOptions() {
        Map<String, Option> out = new LinkedHashMap<>();
        for (StrategyType t : ALL) {
            for (Option o : t.options()) {
                Option before = out.putIfAbsent(o.key(), o);
                if (before != null && before != o) {
                    throw new IllegalStateException("option '" + o.key() + "' is declared twice (by " + t.id()
                            + " and an earlier strategy): declare it once and share it");
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    @Override
    public List<String> ids() {
        return idList();
    }

    @Override
    public List<Option> options(String id) {
        for (StrategyType t : ALL) {
            if (t.id().equals(id)) {
                return t.options();
            }
        }
        return List.of();
    }

    @Override
    public Refusal refusal(String id, ExperimentConfig c) {
        for (StrategyType t : ALL) {
            if (t.id().equals(id)) {
                return t.refusal().apply(c);
            }
        }
        return null;
    }

    @Override
    public List<String> reads(String id) {
        for (StrategyType t : ALL) {
            if (t.id().equals(id)) {
                return t.reads();
            }
        }
        return List.of();
    }

    @Override
    public List<Option> allOptions() {
        return declaredOptions();
    }

    @Override
    public String refusal(String id, dev.rehearsal.scenario.Setting setting) {
        for (StrategyType t : ALL) {
            if (t.id().equals(id)) {
                return t.refusal(setting);
            }
        }
        return null;
    }
}
