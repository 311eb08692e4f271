package dev.rehearsal.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * What {@code bench} times its rounds with. With more than one thread a step's work is spread over a team, so
 * only the wall clock measures it. With one thread every GEMM, kernel and Java loop of a step runs on the
 * calling thread (no OpenMP team, no OpenBLAS pool, no jvm worker), so that thread's CPU time is exactly the
 * time the step had a core: another process sharing the machine lengthens the wall clock but not that, and a
 * step's fraction of a peak timed the same way measures Rehearsal rather than the machine's load.
 */
public enum Clock {
    /** {@link System#nanoTime}. */
    WALL("wall"),
    /** The calling thread's CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime}, nanoseconds). */
    THREAD_CPU("thread_cpu");

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final String id;

    Clock(String id) {
        this.id = id;
    }

    /** The name the JSON and the console give it. */
    public String id() {
        return id;
    }

    /** Nanoseconds on this clock; only differences mean anything. */
    public long nanos() {
        return this == WALL ? System.nanoTime() : THREADS.getCurrentThreadCpuTime();
    }

    /** The clock for a run on {@code threads} threads: the thread's CPU time for one, the wall clock otherwise. */
    public static Clock forThreads(int threads) {
        return threads == 1 && THREADS.isCurrentThreadCpuTimeSupported() ? THREAD_CPU : WALL;
    }
}
