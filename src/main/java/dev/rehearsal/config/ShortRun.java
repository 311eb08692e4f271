package dev.rehearsal.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The one definition of a short run: a config that trains less than its preset's protocol ({@code quick},
 * limits on training or test data, fewer solver or generator iterations or epochs than the preset's). Its numbers
 * check that everything runs; they are not results, so everything that prints or writes them flags it (console,
 * results.md, sweep.md, frontier.md, the JSON and CSV files, the report) with these reasons, and nothing sets such
 * a run beside published figures.
 *
 * <p>The protocols: {@code wide} and {@code perm} follow van de Ven et al.'s Split- and Permuted-MNIST protocols,
 * 2000 and 5000 iterations per task for the solver and the generator; {@code seed} is the reference experiment, 2
 * solver and 5 generator epochs. Generator steps count only for a strategy that trains its generator for them
 * (one that reads {@code vae-iterations}: gr, cgr). Keys are read as config files spell them ({@code train-limit})
 * or as results files do ({@code train_limit}); null and 0 both mean "no limit".
 */
public final class ShortRun {
    /** Iterations per task of the presets whose protocol counts them: solver, generator. */
    private static final Map<String, long[]> ITERATIONS = Map.of("wide", new long[] {2000, 2000},
            "perm", new long[] {5000, 5000});
    /** Epochs per task of the presets whose protocol counts them: solver, generator. */
    private static final Map<String, long[]> EPOCHS = Map.of("seed", new long[] {2, 5});

    /** What every flag says after its reasons. */
    public static final String MEANING = "its numbers check that everything runs; they are not comparable with "
            + "full runs or with published results";

    private static final com.fasterxml.jackson.databind.ObjectMapper TREES =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final JsonNode config;
    private final List<String> reasons = new ArrayList<>();

    private ShortRun(JsonNode config) {
        this.config = config;
    }

    /**
     * Why a run of {@code config} (a config tree, as written in results files or by Jackson) is shorter than its
     * preset's protocol; empty when it is not. {@code strategies} are the strategies it runs (ids, or labels that
     * start with one, as a sweep names its points): the generator's steps count only when one of them trains a
     * generator for them.
     */
    public static List<String> reasons(JsonNode config, Collection<String> strategies) {
        ShortRun r = new ShortRun(config);
        r.judge(strategies);
        return List.copyOf(r.reasons);
    }

    /** {@link #reasons(JsonNode, Collection)} of a resolved config, for the strategies it runs. */
    public static List<String> reasons(ExperimentConfig c) {
        Set<String> running = new LinkedHashSet<>(c.strategies);
        running.add(c.strategy);
        return reasons(TREES.valueToTree(c), running);
    }

    /** The reasons of several configs (a sweep's points), each reason once, in order. */
    public static List<String> union(Collection<List<String>> each) {
        Set<String> out = new LinkedHashSet<>();
        each.forEach(out::addAll);
        return List.copyOf(out);
    }

    /** The one line every console and Markdown output prints for a short run; null for a full one. */
    public static String line(List<String> reasons) {
        return reasons.isEmpty() ? null : "Short configuration, not the preset's protocol: " + String.join("; ",
                reasons) + ". " + Character.toUpperCase(MEANING.charAt(0)) + MEANING.substring(1) + ".";
    }

    private JsonNode get(String key) {
        JsonNode v = config.get(key);
        return v != null ? v : config.get(key.replace('-', '_'));
    }

    private long count(String key) {
        JsonNode v = get(key);
        return v == null || !v.isNumber() ? 0 : v.asLong();
    }

    private String preset() {
        JsonNode v = get("preset");
        return v == null || v.isNull() ? "" : v.asText();
    }

    /**
     * Whether one of {@code strategies} (ids, or labels that start with one) trains a generator for the
     * generator's own iterations or epochs.
     */
    public static boolean trainsGenerator(Collection<String> strategies) {
        StrategyCatalog catalog = StrategyCatalog.installed();
        return strategies.stream().map(s -> s.split(" ", 2)[0].toLowerCase(Locale.ROOT))
                .anyMatch(id -> catalog.reads(id).contains("vae-iterations"));
    }

    private void judge(Collection<String> strategies) {
        JsonNode quick = get("quick");
        if (quick != null && quick.asBoolean(false)) {
            reasons.add("--quick (a short configuration for smoke tests)");
        }
        if (count("train-limit") > 0) {
            reasons.add(String.format(Locale.ROOT, "training data limited to %,d samples per task",
                    count("train-limit")));
        }
        if (count("test-limit") > 0) {
            reasons.add(String.format(Locale.ROOT, "test data limited to %,d samples per task", count("test-limit")));
        }
        boolean generator = trainsGenerator(strategies);
        long[] steps = ITERATIONS.get(preset());
        if (steps != null) {
            fewerIterations("solver", "iterations", "epochs", steps[0]);
            if (generator) {
                fewerIterations("generator", "vae-iterations", "vae-epochs", steps[1]);
            }
        }
        long[] epochs = EPOCHS.get(preset());
        if (epochs != null) {
            fewerEpochs("solver", "iterations", "epochs", epochs[0]);
            if (generator) {
                fewerEpochs("generator", "vae-iterations", "vae-epochs", epochs[1]);
            }
        }
    }

    /** A protocol in iterations: fewer iterations, or epochs instead (a few hundred steps on Split-MNIST). */
    private void fewerIterations(String model, String iterationsKey, String epochsKey, long protocol) {
        long it = count(iterationsKey);
        if (it > 0 && it < protocol) {
            reasons.add(String.format(Locale.ROOT, "%d %s iterations per task where the %s preset's protocol has %d",
                    it, model, preset(), protocol));
        } else if (it == 0 && get(iterationsKey) != null) {
            reasons.add(String.format(Locale.ROOT, "%d %s epochs per task where the %s preset's protocol has %d "
                    + "iterations (--%s %d)", count(epochsKey), model, preset(), protocol, iterationsKey, protocol));
        }
    }

    /**
     * A protocol in epochs: fewer epochs, or iterations that train fewer samples than the protocol's epochs do
     * (each task's training set estimated as the data set's 60,000 images shared by its classes, as the sweep's
     * cost estimate does, within the training limit).
     */
    private void fewerEpochs(String model, String iterationsKey, String epochsKey, long protocol) {
        long e = count(epochsKey);
        long it = count(iterationsKey);
        if (it == 0 && get(epochsKey) != null && e < protocol) {
            reasons.add(String.format(Locale.ROOT, "%d %s epochs per task where the %s preset's protocol has %d", e,
                    model, preset(), protocol));
        } else if (it > 0) {
            long perTask = get("scenario") != null && "permuted".equals(get("scenario").asText()) ? TRAIN
                    : TRAIN * Math.max(1, count("classes-per-task")) / CLASSES;
            if (count("train-limit") > 0) {
                perTask = Math.min(perTask, count("train-limit"));
            }
            long batch = count("batch") > 0 ? count("batch") : 128;
            if (it * batch < protocol * perTask) {
                reasons.add(String.format(Locale.ROOT, "%d %s iterations per task (%,d samples) where the %s "
                        + "preset's protocol has %d epochs (about %,d samples)", it, model, it * batch, preset(),
                        protocol, protocol * perTask));
            }
        }
    }

    /** MNIST's and Fashion-MNIST's training images and classes. */
    private static final long TRAIN = 60_000;
    private static final long CLASSES = 10;
}
