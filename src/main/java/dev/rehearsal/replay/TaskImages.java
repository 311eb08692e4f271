package dev.rehearsal.replay;

import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;

/**
 * Training images as a task's model sees them (permuted in permuted scenarios), read one at a time onto the
 * heap: what a buffer stores and what proto fits its directions on. The task's permutation is read once per
 * task; the returned array is reused by the next read.
 */
final class TaskImages {
    private final Scenario scenario;
    private final int features;
    private final byte[] row;
    private final byte[] permuted;
    private int[] permutation;
    private int permutationTask = -1;

    TaskImages(Scenario scenario) {
        this.scenario = scenario;
        this.features = scenario.train().features();
        this.row = new byte[features];
        this.permuted = new byte[features];
    }

    /** Training image {@code index} of the dataset as {@code task}'s model sees it (valid until the next read). */
    byte[] read(Task task, int index) {
        Tensor src = scenario.train().images();
        src.block().readBytes(src.offset() + (long) index * src.ld(), row, 0, features);
        int[] p = permutationOf(task);
        if (p == null) {
            return row;
        }
        for (int j = 0; j < features; j++) {
            permuted[j] = row[p[j]];
        }
        return permuted;
    }

    private int[] permutationOf(Task task) {
        if (permutationTask != task.index()) {
            Tensor perm = scenario.permutation(task);
            permutation = perm == null ? null : perm.toIntArray();
            permutationTask = task.index();
        }
        return permutation;
    }
}
