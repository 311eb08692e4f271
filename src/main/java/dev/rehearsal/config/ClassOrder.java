package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.random.NumpyLegacyPermutation;
import dev.rehearsal.random.Rng;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The option {@code class-order}: which classes form the tasks of a split scenario, in order (consecutive groups
 * of {@code classes-per-task}). Four forms, parsed once here:
 * <ul>
 *   <li>an explicit list ({@code 3,7,0,1,...}): the same order for every seed;</li>
 *   <li>{@code fixed}: the dataset's classes in label order (0..9), Rehearsal's default, which the reference
 *       report's {@code compare} keeps; it is recorded as that explicit list, so configs that spelt it out and
 *       experiments run before this option existed keep their identity;</li>
 *   <li>{@code random}: a permutation of all the dataset's classes drawn from the run's seed, as van de Ven et
 *       al.'s data loader does for every seed, so a mean over seeds is a mean over class orders too. It is drawn
 *       on a random stream of its own ({@link #STREAM}), so everything else the seed decides (initialisation,
 *       batches, sample choices) is the same as with a fixed order. The config records {@code random}; every run
 *       records the order it drew ({@code class_order} in results files and the CSV).</li>
 *   <li>{@code reference}: per seed, the very order GMvandeVen/continual-learning gives that seed (its data loader
 *       relabels digit d as {@code p[d]} with {@code p = np.random.permutation(classes)} drawn right after
 *       {@code np.random.seed(seed)}, and its task k holds the new labels 2k and 2k + 1): the digits in the order
 *       of their new labels, the inverse of {@code p}, drawn by {@link NumpyLegacyPermutation}. Seed s of a
 *       Rehearsal run and of the reference's then share their class order, so the two can be compared seed by
 *       seed; everything else the seed decides is Rehearsal's own, as with {@code random}.</li>
 * </ul>
 */
public final class ClassOrder {
    /** Mixed into the seed for the class order's own random stream. */
    public static final long STREAM = 0x0C1A550DE5L;

    private enum Form { LIST, FIXED, RANDOM, REFERENCE }

    private static final String EXPECTED = "random, reference, fixed or a list of classes";

    private final Form form;
    private final List<Integer> classes;

    private ClassOrder(Form form, List<Integer> classes) {
        this.form = form;
        this.classes = classes == null ? null : List.copyOf(classes);
    }

    /** An explicit order. */
    public static ClassOrder of(List<Integer> classes) {
        if (classes == null || classes.isEmpty() || classes.stream().anyMatch(java.util.Objects::isNull)) {
            throw ExperimentConfig.invalid("class-order", classes, EXPECTED);
        }
        return new ClassOrder(Form.LIST, classes);
    }

    /** A random order per seed. */
    public static ClassOrder random() {
        return new ClassOrder(Form.RANDOM, null);
    }

    /** Per seed, the reference implementation's order for that seed. */
    public static ClassOrder reference() {
        return new ClassOrder(Form.REFERENCE, null);
    }

    /** The label order, resolved against the dataset by {@link #resolvedFor}. */
    public static ClassOrder fixed() {
        return new ClassOrder(Form.FIXED, null);
    }

    /** 0, 1, ..., n - 1. */
    public static ClassOrder labelOrder(int n) {
        List<Integer> out = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            out.add(k);
        }
        return of(out);
    }

    /**
     * Parses a config or command-line value: "random" or "fixed" (any case), a list of integers, or a
     * comma-separated string of integers; anything else is a one-line refusal naming the key.
     */
    @JsonCreator
    public static ClassOrder parse(Object value) {
        if (value instanceof ClassOrder o) {
            return o;
        }
        if (value instanceof String s) {
            String t = s.trim().toLowerCase(Locale.ROOT);
            if (t.equals("random")) {
                return random();
            }
            if (t.equals("fixed")) {
                return fixed();
            }
            if (t.equals("reference")) {
                return reference();
            }
            List<Integer> out = new ArrayList<>();
            for (String part : t.split(",", -1)) {
                try {
                    out.add(Integer.parseInt(part.trim()));
                } catch (NumberFormatException e) {
                    throw ExperimentConfig.invalid("class-order", s, EXPECTED);
                }
            }
            return of(out);
        }
        if (value instanceof List<?> list) {
            List<Integer> out = new ArrayList<>();
            for (Object x : list) {
                if (!(x instanceof Integer || x instanceof Long || x instanceof Short)
                        || ((Number) x).longValue() != ((Number) x).intValue()) {
                    throw ExperimentConfig.invalid("class-order", value, EXPECTED);
                }
                out.add(((Number) x).intValue());
            }
            return of(out);
        }
        throw ExperimentConfig.invalid("class-order", value, EXPECTED);
    }

    /** What the config records: "random", or the explicit list. */
    @JsonValue
    public Object json() {
        return switch (form) {
            case RANDOM -> "random";
            case REFERENCE -> "reference";
            case FIXED -> "fixed";
            case LIST -> classes;
        };
    }

    /** Whether the order is drawn per seed ({@code random} or {@code reference}), not one list for all. */
    public boolean isRandom() {
        return form == Form.RANDOM || form == Form.REFERENCE;
    }

    /** The explicit list; null for random and reference (and for fixed before {@link #resolvedFor}). */
    public List<Integer> classes() {
        return classes;
    }

    /** {@code fixed} as the explicit label order of a dataset of {@code datasetClasses}; others unchanged. */
    public ClassOrder resolvedFor(int datasetClasses) {
        return form == Form.FIXED ? labelOrder(datasetClasses) : this;
    }

    /** How many classes the tasks use. */
    public int size(int datasetClasses) {
        return form == Form.LIST ? classes.size() : datasetClasses;
    }

    /**
     * Checks an explicit list against the dataset (classes in range, none repeated); one line naming the key.
     */
    public void check(int datasetClasses, String dataset) {
        if (form != Form.LIST) {
            return;
        }
        Set<Integer> seen = new HashSet<>();
        for (int k : classes) {
            if (k < 0 || k >= datasetClasses) {
                throw ExperimentConfig.invalid("class-order", classes, "classes of " + dataset + ", 0 to "
                        + (datasetClasses - 1));
            }
            if (!seen.add(k)) {
                throw ExperimentConfig.invalid("class-order", classes, "distinct values; " + k + " is repeated");
            }
        }
    }

    /**
     * The order a run with {@code seed} uses: the list, the permutation drawn from the seed's own stream, or the
     * reference implementation's order for the seed.
     */
    public int[] forSeed(long seed, int datasetClasses) {
        if (form == Form.LIST) {
            return classes.stream().mapToInt(Integer::intValue).toArray();
        }
        if (form == Form.REFERENCE) {
            int[] relabel;
            try {
                relabel = NumpyLegacyPermutation.seeded(seed).permutation(datasetClasses);
            } catch (IllegalArgumentException e) {
                throw ExperimentConfig.invalid("seed", seed, "0 to 4294967295 with class-order reference (a NumPy seed)");
            }
            int[] order = new int[datasetClasses];
            for (int digit = 0; digit < datasetClasses; digit++) {
                order[relabel[digit]] = digit;
            }
            return order;
        }
        int[] order = new int[datasetClasses];
        for (int k = 0; k < datasetClasses; k++) {
            order[k] = k;
        }
        if (form == Form.RANDOM) {
            new Rng(seed ^ STREAM).shuffle(order, datasetClasses);
        }
        return order;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClassOrder c && c.form == form && java.util.Objects.equals(c.classes, classes);
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(form, classes);
    }

    @Override
    public String toString() {
        return String.valueOf(json());
    }
}
