package dev.rehearsal.strategy;

import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Task;
import java.util.List;

/**
 * The training samples of one or more tasks as an endless shuffled stream: every pass (epoch) visits each
 * sample once in a fresh random order, and batches run across pass boundaries so every batch is full.
 */
final class SampleStream {
    private final int[] entries;
    private final Rng rng;
    private int cursor;
    private long consumed;

    /** Entries pack (task index, position in the task) into one int: task << 24 | position. */
    SampleStream(List<Task> tasks, Rng rng) {
        int n = tasks.stream().mapToInt(Task::trainSize).sum();
        this.entries = new int[n];
        int at = 0;
        for (Task t : tasks) {
            checkPackable(t);
            for (int i = 0; i < t.trainSize(); i++) {
                entries[at++] = t.index() << 24 | i;
            }
        }
        this.rng = rng;
        rng.shuffle(entries, entries.length);
    }

    /**
     * The training samples of {@code task} whose output unit is {@code unit} alone (a model trained on one class's
     * data: genc), as the same endless shuffled stream.
     */
    static SampleStream ofUnit(Task task, int unit, Rng rng) {
        checkPackable(task);
        int[] targets = task.trainTargets();
        int n = 0;
        for (int t : targets) {
            n += t == unit ? 1 : 0;
        }
        if (n == 0) {
            throw new IllegalArgumentException("task " + task.index() + " has no training samples of unit " + unit);
        }
        int[] entries = new int[n];
        int at = 0;
        for (int i = 0; i < targets.length; i++) {
            if (targets[i] == unit) {
                entries[at++] = task.index() << 24 | i;
            }
        }
        return new SampleStream(entries, rng);
    }

    private SampleStream(int[] entries, Rng rng) {
        this.entries = entries;
        this.rng = rng;
        rng.shuffle(entries, entries.length);
    }

    /** An entry packs a task's index in 7 bits and a position in 24. */
    private static void checkPackable(Task t) {
        if (t.trainSize() >= 1 << 24 || t.index() >= 1 << 7) {
            throw new IllegalArgumentException("task " + t.index() + " is too large for the sample stream");
        }
    }

    int size() {
        return entries.length;
    }

    /** Samples handed out so far. */
    long consumed() {
        return consumed;
    }

    /** The next {@code n} entries into {@code out[0..n)}, sorted so that each task's samples are contiguous. */
    void next(int n, int[] out) {
        for (int i = 0; i < n; i++) {
            if (cursor == entries.length) {
                rng.shuffle(entries, entries.length);
                cursor = 0;
            }
            out[i] = entries[cursor++];
        }
        consumed += n;
        java.util.Arrays.sort(out, 0, n);
    }

    static int task(int entry) {
        return entry >>> 24;
    }

    static int position(int entry) {
        return entry & 0xFFFFFF;
    }
}
