package dev.rehearsal.config;

import java.util.Collection;
import java.util.Locale;

/**
 * "Did you mean" for a misspelt key or option: the known name nearest to what was typed, by edit distance
 * (insertions, deletions, substitutions and swaps of two neighbours), with {@code _} read as {@code -} and case
 * ignored, so {@code per_class} and {@code Per-Clas} both find {@code per-class}.
 */
public final class Suggest {
    private Suggest() {
    }

    /**
     * The nearest of {@code known} to {@code given}, or null when none is close: at most one edit for names of
     * up to five characters, two up to eight, three beyond (a suggestion further away would be a guess).
     * Ties go to the first in {@code known}'s order.
     */
    public static String nearest(String given, Collection<String> known) {
        String g = normal(given);
        int limit = g.length() <= 5 ? 1 : g.length() <= 8 ? 2 : 3;
        String best = null;
        int bestDistance = limit + 1;
        for (String k : known) {
            int d = distance(g, normal(k));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best;
    }

    /**
     * What follows "unknown key 'K'" in a one-line message: {@code ": did you mean 'per-class'?"}, or the
     * known keys when none is close.
     */
    public static String unknownKeyHint(String given, Collection<String> known) {
        String near = nearest(given, known);
        return near != null ? ": did you mean '" + near + "'?" : " (known keys: " + String.join(", ", known) + ")";
    }

    private static String normal(String s) {
        return s.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The optimal-string-alignment distance of {@code a} and {@code b}. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
