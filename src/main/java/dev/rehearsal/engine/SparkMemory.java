package dev.rehearsal.engine;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spark's memory rules, checked before Spark starts so that a bad size or a small heap is one line, not a
 * stack trace from inside the context. A size is what Spark's {@code JavaUtils.byteStringAsBytes} reads: whole
 * digits and a unit (b, k, m, g, t, p, each with an optional b; case ignored). A bare number is refused: Spark
 * reads {@code spark.executor.memory} without a unit as MiB in one place and as bytes in another (its own
 * minimum check), and no user means bytes.
 *
 * <p>The minimum is Spark's ({@code UnifiedMemoryManager.getMaxMemory}): 300 MiB reserved for the system x 1.5
 * = {@value #MIN_BYTES} bytes (450 MiB), for the driver's max heap (error INVALID_DRIVER_MEMORY) and for
 * {@code spark.executor.memory} (INVALID_EXECUTOR_MEMORY).
 */
public record SparkMemory(String text, long bytes) {
    /** Spark's {@code RESERVED_SYSTEM_MEMORY_BYTES} x 1.5, rounded up. */
    public static final long MIN_BYTES = (long) Math.ceil(300L * 1024 * 1024 * 1.5);
    /** Spark keeps executor memory as an int of MiB. */
    private static final long MAX_BYTES = (long) Integer.MAX_VALUE << 20;
    private static final Pattern SIZE = Pattern.compile("([0-9]+)([a-z]+)");
    private static final Map<String, Integer> SHIFT = Map.ofEntries(Map.entry("b", 0), Map.entry("k", 10),
            Map.entry("kb", 10), Map.entry("m", 20), Map.entry("mb", 20), Map.entry("g", 30), Map.entry("gb", 30),
            Map.entry("t", 40), Map.entry("tb", 40), Map.entry("p", 50), Map.entry("pb", 50));

    /**
     * Parses a size such as {@code 2g} or {@code 512m}, at least {@link #MIN_BYTES}.
     *
     * @throws IllegalArgumentException naming what is wrong and the expected form
     */
    public static SparkMemory parse(String text) {
        String expected = " (expected whole digits and a unit k, m, g or t, at least " + (MIN_BYTES >> 20)
                + "m, Spark's minimum; for example 2g)";
        String t = text.trim().toLowerCase(Locale.ROOT);
        Matcher m = SIZE.matcher(t);
        if (!m.matches() || !SHIFT.containsKey(m.group(2))) {
            throw new IllegalArgumentException("'" + text + "' is not a size"
                    + (t.matches("[0-9]+") ? ": give a unit" : "") + expected);
        }
        int shift = SHIFT.get(m.group(2));
        long bytes;
        try {
            long n = Long.parseLong(m.group(1));
            if (n > (MAX_BYTES >> shift)) {
                throw new NumberFormatException();
            }
            bytes = n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is more than Spark can hold (" + (MAX_BYTES >> 40)
                    + " TiB)" + expected);
        }
        if (bytes < MIN_BYTES) {
            throw new IllegalArgumentException("'" + text + "' is below Spark's minimum" + expected);
        }
        return new SparkMemory(t, bytes);
    }

    /**
     * Checks that this JVM's max heap ({@code -Xmx}, as {@code Runtime.maxMemory()} reports it, which is what Spark
     * reads) is at least Spark's minimum for a driver.
     *
     * @throws IllegalArgumentException saying how much there is, how much Spark needs, and what to do
     */
    public static void checkDriverHeap() {
        long heap = Runtime.getRuntime().maxMemory();
        if (heap < MIN_BYTES) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "this JVM's max heap is %d MB; Spark's "
                    + "driver needs at least %d MB (300 MB reserved x 1.5): start java with -Xmx1g or more",
                    heap >> 20, MIN_BYTES >> 20));
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
