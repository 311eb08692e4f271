package dev.rehearsal.engine;

import java.io.Serializable;
import java.util.List;

/**
 * Runs independent tasks, each exactly once, and reports each result on the driver as soon as it arrives.
 * A task that throws is the engine's failure (a lost executor, a crashed JVM); a unit of work that fails in
 * an expected way should return its failure as a result instead, so that the others go on.
 */
public interface Engine extends AutoCloseable {
    /** One unit of work as an engine sees it: an id (unique within a run) and an opaque payload. */
    record Task(String id, String payload) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** What runs a task, on whichever process the engine picks; shipped to executors, so serializable. */
    interface Work extends Serializable {
        String run(Task task);
    }

    /** Receives results on the driver, one at a time, in the order they finish. */
    interface Sink {
        void finished(Task task, String result);
    }

    /**
     * Runs every task with {@code work}, calling {@code sink} on the driver as each finishes.
     *
     * @throws EngineException when the engine itself fails (the tasks not reported by then did not finish)
     */
    void run(List<Task> tasks, Work work, Sink sink);

    /** One line for logs: where the tasks run and how many at once. */
    String describe();

    /**
     * How many tasks run at once (each with the threads the engine was given): the executors a sweep's machine
     * use counts. A cluster's is read when asked (its executors' cores over the threads per task).
     */
    int slots();

    @Override
    void close();

    /**
     * The engine could not start (its cluster cannot be reached, or did not take the application): no task
     * ran, so no experiment failed. One line naming where it looked; the exit code of a run that could not
     * happen (4).
     */
    final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message) {
            super(message);
        }
    }

    /**
     * The engine was stopped from outside while tasks ran (Ctrl-C or kill shut the process down, or a cluster
     * ended the application): nothing failed, and nothing more is recorded; the tasks reported by then are kept
     * and a new run of the same command resumes the others. One line; exit code 4.
     */
    final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private static final java.util.concurrent.atomic.AtomicBoolean ANNOUNCED =
                new java.util.concurrent.atomic.AtomicBoolean();

        /** True the first time it is called in this process: whoever gets it prints the one line. */
        public static boolean announce() {
            return ANNOUNCED.compareAndSet(false, true);
        }

        public Stopped(String message) {
            super(message);
        }
    }

    /** The engine failed (not a task's own, reported failure): its first line, and the cause. */
    final class EngineException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public EngineException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
