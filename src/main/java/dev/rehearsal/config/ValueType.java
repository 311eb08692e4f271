package dev.rehearsal.config;

import java.util.List;

/**
 * What a key's Java type accepts, in the words of a refusal ("expected a whole number from ... to ..."), so that a
 * config file and a command-line flag refuse a value of the wrong type alike, and neither in a parser's terms.
 */
public final class ValueType {
    private ValueType() {
    }

    /** The values {@code type} accepts, completing "expected ...". */
    public static String expected(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE;
        }
        if (type == long.class || type == Long.class) {
            return "a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE;
        }
        if (type == double.class || type == Double.class || type == float.class || type == Float.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a single value";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "a " + type.getSimpleName();
    }

    /** {@code text} as a {@code long}, or a refusal that shows it and the range. */
    public static long parseLong(String text) {
        return parse(text, Long::parseLong, long.class);
    }

    /** {@code text} as an {@code int}, or a refusal that shows it and the range. */
    public static int parseInt(String text) {
        return parse(text, Integer::parseInt, int.class);
    }

    /** {@code text} as a {@code double} (range and finiteness are the key's own check), or a refusal. */
    public static double parseDouble(String text) {
        return parse(text, Double::parseDouble, double.class);
    }

    private static <T> T parse(String text, java.util.function.Function<String, T> parser, Class<?> type) {
        try {
            return parser.apply(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(text + " (expected " + expected(type) + ")");
        }
    }
}
