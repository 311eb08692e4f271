package dev.rehearsal.cli;

/**
 * A command's wall time for its machine use: from the JVM's start (its start-up included) when the command
 * is the process's own ({@link Main#main}), else from the moment the command began (a test running commands in
 * its JVM). {@code from} says which. The process's CPU seconds are counted from the same moment.
 */
record WallClock(long startMillis, String from, double cpuStart) {
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
        return p > 0 ? new WallClock(p, "process start", 0)
                : new WallClock(System.currentTimeMillis(), "command start",
                        dev.rehearsal.experiment.MachineUse.processCpuSeconds());
    }

    /** The process's CPU seconds (all its threads) since the clock began; NaN where the JVM cannot say. */
    double cpuSeconds() {
        return dev.rehearsal.experiment.MachineUse.processCpuSeconds() - cpuStart;
    }

    double seconds() {
        return (System.currentTimeMillis() - startMillis) / 1e3;
    }
}
