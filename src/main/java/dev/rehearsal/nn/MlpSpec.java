package dev.rehearsal.nn;

import java.util.Arrays;

/**
 * An MLP classifier: {@code input -> hidden[0] -> ... -> outputs}, ReLU between layers. The head is
 * allocated for {@code outputCapacity} classes and starts with {@code initialOutputs} active.
 */
public record MlpSpec(int input, int[] hidden, int outputCapacity, int initialOutputs) {
    public MlpSpec {
        if (input <= 0 || outputCapacity <= 0 || initialOutputs <= 0 || initialOutputs > outputCapacity) {
            throw new IllegalArgumentException("MLP needs input > 0 and 0 < initial outputs <= capacity, got input="
                    + input + " outputs=" + initialOutputs + "/" + outputCapacity);
        }
        hidden = hidden.clone();
        for (int h : hidden) {
            if (h <= 0) {
                throw new IllegalArgumentException("MLP hidden widths must be positive, got " + Arrays.toString(hidden));
            }
        }
    }

    /** A fixed head: all outputs active from the start. */
    public static MlpSpec of(int input, int[] hidden, int outputs) {
        return new MlpSpec(input, hidden, outputs, outputs);
    }

    public MlpSpec withOutputs(int capacity, int initial) {
        return new MlpSpec(input, hidden, capacity, initial);
    }

    /** Weights and biases of every layer, the head at its full capacity. */
    public long parameters() {
        long n = 0;
        int in = input;
        for (int h : hidden) {
            n += (long) in * h + h;
            in = h;
        }
        return n + (long) in * outputCapacity + outputCapacity;
    }

    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder().append(input);
        for (int h : hidden) {
            s.append('-').append(h);
        }
        return s.append('-').append(outputCapacity).toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MlpSpec m && m.input == input && Arrays.equals(m.hidden, hidden)
                && m.outputCapacity == outputCapacity && m.initialOutputs == initialOutputs;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(hidden) + input * 7 + outputCapacity * 3 + initialOutputs;
    }
}
