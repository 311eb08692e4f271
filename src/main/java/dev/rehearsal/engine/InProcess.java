package dev.rehearsal.engine;

import java.util.List;

/**
 * The simplest engine: every task in the calling thread, one after the other, each result reported as it
 * finishes. For a short study on one machine (the {@code scale} command) where starting Spark would cost more
 * than the work; a sweep of any size runs on {@link SparkEngine}.
 */
public final class InProcess implements Engine {
    @Override
    public void run(List<Task> tasks, Work work, Sink sink) {
        for (Task t : tasks) {
            sink.finished(t, work.run(t));
        }
    }

    @Override
    public int slots() {
        return 1;
    }

    @Override
    public String describe() {
        return "this process, one experiment at a time";
    }

    @Override
    public void close() {
    }
}
