package dev.rehearsal.cli;

/**
 * A command's wall time for its machine use: from the JVM's start (its start-up included) when the command
 * is the process's own ({@link Main#main}), else from the moment the command began (a test running commands in
 * its JVM). {@code from} says which.
 */
record WallClock(long startMillis, String from) {
    /** The process's start in epoch milliseconds, when {@link Main#main} runs the command; -1 otherwise. */
    private static volatile long processStart = -1;

    static void processOwnsTheCommand() {
        // The JVM's own start, to the millisecond (ProcessHandle's start instant is only as exact as the kernel's
        // boot time, whole seconds).
        processStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
    }

    /** A clock started when the process started (its own command) or now. */
    static WallClock start() {
        long p = processStart;
        return p > 0 ? new WallClock(p, "process start") : new WallClock(System.currentTimeMillis(), "command start");
    }

    double seconds() {
        return (System.currentTimeMillis() - startMillis) / 1e3;
    }
}
