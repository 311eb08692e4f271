package dev.rehearsal.scenario;

/**
 * One task: which samples of the train and test sets it holds, the output unit ({@code target}) of each,
 * its own output units {@code [lo, hi)}, its pixel permutation (index into the scenario's
 * permutations, -1 for none), and the training samples held out as its validation set (never trained on).
 */
public record Task(int index, String name, int[] classes, int[] trainIndices, int[] trainTargets, int[] testIndices,
        int[] testTargets, int lo, int hi, int permutation, int[] validationIndices, int[] validationTargets) {

    /** A task without a validation set. */
    public Task(int index, String name, int[] classes, int[] trainIndices, int[] trainTargets, int[] testIndices,
            int[] testTargets, int lo, int hi, int permutation) {
        this(index, name, classes, trainIndices, trainTargets, testIndices, testTargets, lo, hi, permutation,
                new int[0], new int[0]);
    }

    /** Samples held out of the training set (indices into it) for validation; 0 without a validation split. */
    public int validationSize() {
        return validationIndices.length;
    }

    public int trainSize() {
        return trainIndices.length;
    }

    public int testSize() {
        return testIndices.length;
    }
}
