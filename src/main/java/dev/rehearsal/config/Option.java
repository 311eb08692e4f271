package dev.rehearsal.config;

import dev.rehearsal.RehearsalException;
import java.util.List;
import java.util.Locale;

/**
 * One option, declared once: its key (the config-file key, and the command-line flag {@code --key}), its kind,
 * default, allowed range or values, and help text. The command line, config files, validation, {@code --help}
 * and the resolved config saved with every result read this declaration; nothing else repeats it.
 *
 * <p>Numbers are float32 in training, so {@link Kind#NUMBER} values are checked as the float32 they become
 * ({@link ExperimentConfig#float32}): 1e-320 is 0 there, 1e-40 a subnormal.
 */
public final class Option {
    /** What values an option takes. */
    public enum Kind {
        /** A float32 number in a range. */
        NUMBER,
        /** A 32-bit integer in a range. */
        INTEGER,
        /** One of a few words. */
        CHOICE,
        /** true or false. */
        FLAG
    }

    /** The order settings are listed in. */
    private static final List<String> SETTINGS = List.of("class", "task", "domain");
    /** Scenarios whose published defaults may differ from the split scenario's (see {@link #withScenarioDefaults}). */
    private static final List<String> SCENARIOS = List.of("permuted");

    private final String key;
    private final Kind kind;
    private final double min;
    private final double max;
    private final boolean minOpen;
    private final List<String> choices;
    private final String help;
    private final Object defaultValue;
    /**
     * Published defaults that differ by scenario setting ({@code class}, {@code task}, {@code domain}), and by
     * scenario and setting ({@code permuted domain}, ...); absent: {@link #defaultValue}.
     */
    private final java.util.Map<String, Object> bySetting;
    /** The enum a CHOICE option's words name. */
    private final Class<?> words;

    private Option(String key, Kind kind, Object defaultValue, double min, double max, boolean minOpen,
            List<String> choices, String help) {
        this(key, kind, defaultValue, min, max, minOpen, choices, help, java.util.Map.of(), null);
    }

    private Option(String key, Kind kind, Object defaultValue, double min, double max, boolean minOpen,
            List<String> choices, String help, java.util.Map<String, Object> bySetting, Class<?> words) {
        if (!key.matches("[a-z][a-z0-9]*(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("option key '" + key + "' is not lower-case words joined by '-'");
        }
        this.key = key;
        this.kind = kind;
        this.min = min;
        this.max = max;
        this.minOpen = minOpen;
        this.choices = List.copyOf(choices);
        this.help = help;
        this.words = words;
        this.defaultValue = check(defaultValue);
        java.util.Map<String, Object> checked = new java.util.TreeMap<>(java.util.Comparator
                .comparingInt((String s) -> s.contains(" ") ? SCENARIOS.indexOf(s.substring(0, s.indexOf(' '))) : -1)
                .thenComparingInt(s -> SETTINGS.indexOf(s.substring(s.indexOf(' ') + 1)))
                .thenComparing(s -> s));
        bySetting.forEach((setting, v) -> checked.put(setting, check(v)));
        this.bySetting = java.util.Collections.unmodifiableMap(checked);
    }

    /**
     * The same option with defaults that depend on the scenario's setting ({@code class}, {@code task},
     * {@code domain}), as published hyper-parameters often do; a setting not listed keeps the plain default.
     */
    public Option withSettingDefaults(java.util.Map<String, ?> defaults) {
        return new Option(key, kind, defaultValue, min, max, minOpen, choices, help,
                new java.util.LinkedHashMap<>(defaults), words);
    }

    /**
     * The same option with published defaults for one scenario other than split (its settings' values), as
     * published hyper-parameters differ by experiment: van de Ven et al.'s differ between Split and Permuted MNIST.
     * A setting not listed falls back to {@link #withSettingDefaults}'s value, then the plain default.
     */
    public Option withScenarioDefaults(String scenario, java.util.Map<String, ?> defaults) {
        if (!SCENARIOS.contains(scenario)) {
            throw new IllegalArgumentException("option " + key + ": no scenario '" + scenario + "' (use "
                    + SCENARIOS + ")");
        }
        java.util.Map<String, Object> all = new java.util.LinkedHashMap<>(bySetting);
        defaults.forEach((setting, v) -> {
            if (!SETTINGS.contains(setting)) {
                throw new IllegalArgumentException("option " + key + ": no setting '" + setting + "'");
            }
            all.put(scenario + " " + setting, v);
        });
        return new Option(key, kind, defaultValue, min, max, minOpen, choices, help, all, words);
    }

    /** The default in a scenario setting, whatever the scenario (the split scenario's). */
    public Object defaultFor(String setting) {
        return bySetting.getOrDefault(setting, defaultValue);
    }

    /** The default in a scenario ({@code split}, {@code permuted}) and setting. */
    public Object defaultFor(String scenario, String setting) {
        Object v = bySetting.get(scenario + " " + setting);
        return v != null ? v : defaultFor(setting);
    }

    /** A float32 number in {@code [min, max]}, or with {@code minOpen} in {@code (min, max]}. */
    public static Option number(String key, double defaultValue, double min, boolean minOpen, double max,
            String help) {
        if (min < 0) {
            throw new IllegalArgumentException("option " + key + ": number options are non-negative");
        }
        return new Option(key, Kind.NUMBER, defaultValue, min, max, minOpen, List.of(), help);
    }

    /** An integer in {@code [min, max]}. */
    public static Option integer(String key, int defaultValue, int min, int max, String help) {
        return new Option(key, Kind.INTEGER, defaultValue, min, max, false, List.of(), help);
    }

    /**
     * One of the words of {@code type} (their {@link dev.rehearsal.Word#id() ids}, any case when given); the first
     * constant is the default. A strategy reads the value as that enum ({@link ExperimentConfig#choice}), so it
     * never compares text.
     */
    public static <E extends Enum<E> & dev.rehearsal.Word> Option choice(String key, String help, Class<E> type) {
        List<String> ids = java.util.Arrays.stream(type.getEnumConstants()).map(dev.rehearsal.Word::id).toList();
        return new Option(key, Kind.CHOICE, ids.get(0), 0, 0, false, ids, help, java.util.Map.of(), type);
    }

    public static Option flag(String key, boolean defaultValue, String help) {
        return new Option(key, Kind.FLAG, defaultValue, 0, 0, false, List.of(), help);
    }

    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    /** The declared default, typed: Double, Integer, String or Boolean. */
    public Object defaultValue() {
        return defaultValue;
    }

    public String help() {
        return help;
    }

    public List<String> choices() {
        return choices;
    }

    /** The enum a CHOICE option's words name (null for other kinds). */
    public Class<?> words() {
        return words;
    }

    /** What values are allowed, for messages and {@code --help}. */
    public String range() {
        return switch (kind) {
            case NUMBER -> (minOpen ? "(" : "[") + plain(min) + ", " + plain(max) + "]";
            case INTEGER -> (long) min + " to " + (long) max;
            case CHOICE -> String.join(", ", choices);
            case FLAG -> "true or false";
        };
    }

    /** The help text with the default and the range, as {@code --help} shows it. */
    public String description() {
        StringBuilder d = new StringBuilder(help).append(" (default ");
        if (bySetting.isEmpty()) {
            d.append(defaultValue);
        } else {
            List<String> each = new java.util.ArrayList<>();
            bySetting.forEach((setting, v) -> each.add(v + " " + setting));
            d.append(String.join(", ", each)).append(", else ").append(defaultValue);
        }
        return d.append("; ").append(range()).append(")").toString();
    }

    /** Parses a command-line value; refuses it with a one-line message naming the key. */
    public Object parse(String text) {
        String t = text.trim();
        return switch (kind) {
            case NUMBER -> {
                try {
                    yield check(Double.parseDouble(t));
                } catch (NumberFormatException e) {
                    throw invalid(text);
                }
            }
            case INTEGER -> {
                try {
                    yield check(Integer.parseInt(t));
                } catch (NumberFormatException e) {
                    throw invalid(text);
                }
            }
            case FLAG -> switch (t.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> throw invalid(text);
            };
            case CHOICE -> check(t);
        };
    }

    /**
     * Checks a value as a config file or the code gives it (a number, string or boolean) and returns it
     * typed; refuses anything else with a one-line message naming the key.
     */
    public Object check(Object value) {
        switch (kind) {
            case NUMBER -> {
                if (!(value instanceof Number n) || value instanceof Float) {
                    throw invalid(value);
                }
                double v = n.doubleValue();
                ExperimentConfig.float32(key, v, min, minOpen, max);
                return v;
            }
            case INTEGER -> {
                if (!(value instanceof Integer || value instanceof Long || value instanceof Short)) {
                    throw invalid(value);
                }
                long v = ((Number) value).longValue();
                if (v < min || v > max) {
                    throw invalid(value);
                }
                return (int) v;
            }
            case CHOICE -> {
                // YAML reads a bare true or false (in any case) as a boolean: a word for a choice that has it.
                Object v = value instanceof Boolean b ? b.toString() : value;
                if (!(v instanceof String s) || !choices.contains(s.toLowerCase(Locale.ROOT))) {
                    throw invalid(value);
                }
                return s.toLowerCase(Locale.ROOT);
            }
            case FLAG -> {
                if (!(value instanceof Boolean)) {
                    throw invalid(value);
                }
                return value;
            }
            default -> throw new IllegalStateException(kind.toString());
        }
    }

    private RehearsalException invalid(Object value) {
        String expected = switch (kind) {
            case NUMBER -> "a number in " + range();
            case INTEGER -> "an integer from " + range();
            case CHOICE -> "one of " + range();
            case FLAG -> "true or false";
        };
        return ExperimentConfig.invalid(key, value, expected);
    }

    private static String plain(double x) {
        return x == Math.rint(x) && Math.abs(x) < 1e15 ? Long.toString((long) x) : Double.toString(x);
    }

    @Override
    public String toString() {
        return "--" + key + " (" + kind.toString().toLowerCase(Locale.ROOT) + ")";
    }
}
