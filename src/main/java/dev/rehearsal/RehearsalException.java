package dev.rehearsal;

/**
 * A problem the user can fix (bad input, missing data, invalid configuration): the CLI prints its message
 * as one line and exits with {@link #exitCode()}, never a stack trace. Messages say what was expected, what
 * was found, and what to do.
 */
public class RehearsalException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    /** Invalid arguments or configuration. */
    public static final int USAGE = 2;
    /** Missing, unreadable or corrupt input data. */
    public static final int DATA = 3;
    /** A run that failed on its own terms (diverged, out of memory), or could not run (no cluster to run on). */
    public static final int RUN = 4;

    private final int exitCode;

    public RehearsalException(int exitCode, String message) {
        super(message);
        this.exitCode = exitCode;
    }

    public RehearsalException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
