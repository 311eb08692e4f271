package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.Backends;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.Synthetic;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.config.Option;
import dev.rehearsal.config.StrategyCatalog;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a strategy declares it reads (its options, and the general keys of {@code StrategyType.reads}) is all it
 * reads: every general key only other strategies list, and every other strategy's option, given another value,
 * leaves its run exactly as it was (accuracies, MACs and samples per phase, memory, task records, loss curves).
 * That is what lets an experiment's identity leave those keys out (ExperimentConfig.forgetUnread): a declaration
 * that forgot a key the strategy reads would merge different experiments, and fails here. Synthetic data, a
 * second or so a strategy.
 */
class StrategyReadsTest {
    private static Dataset train;
    private static Dataset test;

    /**
     * Another valid value of each general key some strategies do not read (the defaults are the general ones);
     * 500 generator iterations would also widen the loss window of a strategy that counted them without training
     * a generator for them.
     */
    private static final Map<String, Object> OTHER = Map.ofEntries(Map.entry("per-class", 7),
            Map.entry("selection", "herding"), Map.entry("generation", "pool"), Map.entry("pool-size", 50),
            Map.entry("replay-targets", "soft"), Map.entry("temperature", 3.0), Map.entry("replay-ratio", 0.5),
            Map.entry("weighting", "equal"), Map.entry("vae-epochs", 2), Map.entry("vae-iterations", 500),
            Map.entry("vae-lr", 0.01));

    @BeforeAll
    static void data() {
        train = Synthetic.dataset(Backends.nativ(), "syn-train", 10, 60, 21);
        test = Synthetic.dataset(Backends.nativ(), "syn-test", 10, 20, 22);
    }

    @AfterAll
    static void close() {
        train.close();
        test.close();
    }

    static Stream<String> strategies() {
        return Strategies.idList().stream();
    }

    private static ExperimentConfig base(String strategy) {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = strategy;
        c.strategies = new ArrayList<>(List.of(strategy));
        c.batch = 32;
        c.epochs = 1;
        c.vaeEpochs = 1;
        c.perClass = 20;
        c.threads = Backends.THREADS;
        return c.validate();
    }

    /**
     * Every key {@code strategy} does not read, each set to another value where the config accepts it (a value
     * refused with this strategy, such as generation pool for cgr, cannot make another experiment of it).
     */
    private static List<String> perturb(ExperimentConfig c) {
        StrategyCatalog catalog = StrategyCatalog.installed();
        List<String> changed = new ArrayList<>();
        for (String key : catalog.strategyKeys()) {
            if (ExperimentConfig.reads(c.strategy, key)) {
                continue;
            }
            assertNotNull(OTHER.get(key), "give general key " + key + " another value in OTHER");
            ObjectNode tree = Json.MAPPER.createObjectNode();
            tree.set(key, Json.MAPPER.valueToTree(OTHER.get(key)));
            ExperimentConfig trial = c.copy();
            ConfigFiles.merge(trial, tree, "test");
            if (accepted(trial)) {
                ConfigFiles.merge(c, tree, "test");
                changed.add(key + "=" + OTHER.get(key));
            }
        }
        for (Option o : catalog.allOptions()) {
            if (ExperimentConfig.reads(c.strategy, o.key())) {
                continue;
            }
            Object v = another(o);
            ExperimentConfig trial = c.copy().set(o, v);
            if (accepted(trial)) {
                c.set(o, v);
                changed.add(o.key() + "=" + v);
            }
        }
        c.validate();
        return changed;
    }

    private static boolean accepted(ExperimentConfig c) {
        try {
            c.validate();
            return true;
        } catch (RehearsalException e) {
            return false;
        }
    }

    /** A valid value of {@code o} other than its default. */
    private static Object another(Option o) {
        Object d = o.defaultValue();
        List<Object> candidates = switch (o.kind()) {
            case NUMBER -> List.of((Double) d * 2, (Double) d / 2, 1.0, 0.5, 0.0);
            case INTEGER -> List.of((Integer) d + 1, (Integer) d - 1, 1, 0);
            case CHOICE -> new ArrayList<>(o.choices());
            case FLAG -> List.of(!(Boolean) d);
        };
        for (Object v : candidates) {
            try {
                if (!o.check(v).equals(d)) {
                    return o.check(v);
                }
            } catch (RehearsalException e) {
                // out of range: the next candidate
            }
        }
        throw new AssertionError("no other valid value of " + o);
    }

    /** The run as its record holds it, without the wall times (the only part that may differ between runs). */
    private static ObjectNode run(ExperimentConfig c) {
        try (Scenario sc = Experiment.scenario(c, Backends.nativ(), train, test)) {
            ObjectNode o = Experiment.run(c, Backends.nativ(), sc, Progress.NONE, null).toJson();
            o.remove("seconds");
            o.remove("samples_per_second");
            return o;
        }
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void aKeyAStrategyDoesNotReadChangesNothingInItsRun(String strategy) {
        ExperimentConfig plain = base(strategy);
        ExperimentConfig other = plain.copy();
        List<String> changed = perturb(other);
        assertFalse(changed.isEmpty(), strategy + " reads every key?");
        assertEquals(Experiment.id(plain), Experiment.id(other), "one experiment: " + changed);
        assertEquals(run(plain).toPrettyString(), run(other).toPrettyString(),
                strategy + " reads one of " + changed + ": declare it in its StrategyType (reading(...) or options)");
    }
}
