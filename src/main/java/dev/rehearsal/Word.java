package dev.rehearsal;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A value of an enumerated option: the enum constant code compares, and its {@link #id()}, the one word users
 * type and records keep. Text becomes a word in one place, {@link #parse}, case-insensitively, so {@code SGD}
 * and {@code sgd} are the same value and are recorded the same way (lower case); nothing past that point
 * compares strings.
 */
public interface Word {
    /** The canonical spelling: lower case, words joined by '-' (what config files and records hold). */
    String id();

    /** The canonical spelling of an enum constant: its name in lower case, '_' written '-'. */
    static String idOf(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * The constant of {@code type} whose id is {@code text}, ignoring case; an {@link IllegalArgumentException}
     * reading "TEXT (expected one of a, b)" otherwise (the caller adds the key, see ExperimentConfig.word).
     */
    static <E extends Enum<E> & Word> E parse(Class<E> type, String text) {
        if (text != null) {
            for (E e : type.getEnumConstants()) {
                if (e.id().equalsIgnoreCase(text)) {
                    return e;
                }
            }
        }
        throw new IllegalArgumentException(text + " (expected one of " + ids(type) + ")");
    }

    /** Every id of {@code type}, comma-separated, for messages and help. */
    static <E extends Enum<E> & Word> String ids(Class<E> type) {
        return Arrays.stream(type.getEnumConstants()).map(Word::id).collect(Collectors.joining(", "));
    }
}
