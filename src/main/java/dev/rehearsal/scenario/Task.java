package dev.rehearsal.scenario;

/**
 * One task: which samples of the train and test sets it holds, the output unit ({@code target}) of each,
 * its own output units {@code [lo, hi)}, and its pixel permutation (index into the scenario's
 * permutations, -1 for none).
 */
public record Task(int index, String name, int[] classes, int[] trainIndices, int[] trainTargets, int[] testIndices,
        int[] testTargets, int lo, int hi, int permutation) {

    public int trainSize() {
        return trainIndices.length;
    }

    public int testSize() {
        return testIndices.length;
    }
}
