package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests that need a data set that is not always installed (Fashion-MNIST) skip without it on a developer's
 * machine, but fail where {@code REHEARSAL_REQUIRE_DATA=1} is set (as {@code .ci/run} does): there a skip would
 * hide that the data, and so the test, went missing.
 */
public final class RequiredData {
    /** The environment variable that turns a missing data set from a skip into a failure. */
    public static final String VARIABLE = "REHEARSAL_REQUIRE_DATA";

    private RequiredData() {
    }

    /** Skips (or, when data is required, fails) the calling test unless {@code present}. */
    public static void assumePresent(boolean present, String missing) {
        if (!present && "1".equals(System.getenv(VARIABLE))) {
            fail(missing + " (" + VARIABLE + "=1: the data is required, not optional)");
        }
        assumeTrue(present, missing);
    }
}
