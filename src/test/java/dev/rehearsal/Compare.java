package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Tolerance checks that print, like llm.c's test, the largest difference of each tensor. The error is
 * relative to the tensor's scale: max |actual - expected| / max(max |expected|, 1e-12).
 */
public final class Compare {
    private Compare() {
    }

    public static double relativeError(float[] actual, double[] expected) {
        if (actual.length != expected.length) {
            throw new AssertionError("length " + actual.length + " vs " + expected.length);
        }
        double diff = 0;
        double scale = 1e-12;
        for (int i = 0; i < actual.length; i++) {
            diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
            scale = Math.max(scale, Math.abs(expected[i]));
        }
        return diff / scale;
    }

    public static void close(String what, float[] actual, double[] expected, double tolerance) {
        double err = relativeError(actual, expected);
        if (!(err <= tolerance)) {
            fail(String.format("%s: relative max difference %.3e exceeds %.1e", what, err, tolerance));
        }
    }

    public static void close(String what, float[] actual, float[] expected, double tolerance) {
        close(what, actual, Fixture.toDouble(expected), tolerance);
    }

    public static void close(String what, double actual, double expected, double tolerance) {
        double err = Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12);
        if (!(err <= tolerance)) {
            fail(String.format("%s: %.9g vs expected %.9g (relative %.3e > %.1e)", what, actual, expected, err,
                    tolerance));
        }
    }
}
