package dev.rehearsal.backend.jvm;

import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A fixed team of worker threads that split a range [0, n) into equal contiguous chunks, one per thread,
 * the caller taking the first. The split depends only on n and the thread count, so results are
 * bit-identical from run to run.
 */
final class Parallel implements AutoCloseable {
    /** The work for one chunk [from, to). */
    @FunctionalInterface
    interface RangeTask {
        void run(int from, int to);
    }

    private final int threads;
    private final Thread[] workers;
    private final Phaser start = new Phaser(1);
    private final Phaser done = new Phaser(1);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile RangeTask task;
    private volatile int size;
    private volatile boolean closed;

    Parallel(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Thread[threads - 1];
        for (int w = 0; w < workers.length; w++) {
            final int part = w + 1;
            start.register();
            done.register();
            workers[w] = new Thread(() -> work(part), "rehearsal-jvm-" + part);
            workers[w].setDaemon(true);
            workers[w].start();
        }
    }

    int threads() {
        return threads;
    }

    /** The index of the calling thread in the team: 0 for the caller, 1.. for the workers. */
    int worker() {
        Thread t = Thread.currentThread();
        for (int w = 0; w < workers.length; w++) {
            if (workers[w] == t) {
                return w + 1;
            }
        }
        return 0;
    }

    /** Runs {@code body} over [0, n), split in {@link #threads()} chunks; small ranges stay on the caller. */
    void forRange(int n, int minChunk, RangeTask body) {
        if (threads == 1 || n < 2L * minChunk) {
            body.run(0, n);
            return;
        }
        task = body;
        size = n;
        start.arriveAndAwaitAdvance();
        Throwable mine = null;
        try {
            body.run(0, chunkEnd(n, 0));
        } catch (Throwable t) {
            mine = t;
        }
        done.arriveAndAwaitAdvance();
        Throwable theirs = failure.getAndSet(null);
        if (mine != null || theirs != null) {
            Throwable t = mine != null ? mine : theirs;
            if (t instanceof RuntimeException r) {
                throw r;
            }
            if (t instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(t);
        }
    }

    private int chunkEnd(int n, int part) {
        return (int) ((long) n * (part + 1) / threads);
    }

    private void work(int part) {
        while (true) {
            start.arriveAndAwaitAdvance();
            if (closed) {
                return;
            }
            try {
                int n = size;
                int from = chunkEnd(n, part - 1);
                int to = chunkEnd(n, part);
                if (from < to) {
                    task.run(from, to);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
            done.arriveAndAwaitAdvance();
        }
    }

    @Override
    public void close() {
        if (closed || workers.length == 0) {
            closed = true;
            return;
        }
        closed = true;
        start.arriveAndAwaitAdvance();
        for (Thread w : workers) {
            try {
                w.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
