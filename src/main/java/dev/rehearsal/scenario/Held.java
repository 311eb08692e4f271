package dev.rehearsal.scenario;

import dev.rehearsal.data.Dataset;

/**
 * The held-out samples a solver is measured on: a task's test set, or its validation set (training samples held
 * out, never trained on; what selection reads, so that nothing is chosen by looking at test accuracy).
 */
public enum Held {
    TEST, VALIDATION;

    /** The samples' indices into {@link #images}. */
    public int[] indices(Task task) {
        return this == TEST ? task.testIndices() : task.validationIndices();
    }

    /** Their output units. */
    public int[] targets(Task task) {
        return this == TEST ? task.testTargets() : task.validationTargets();
    }

    public int size(Task task) {
        return indices(task).length;
    }

    /** The dataset the indices point into: the test set, or the training set for validation. */
    public Dataset images(Scenario scenario) {
        return this == TEST ? scenario.test() : scenario.train();
    }
}
