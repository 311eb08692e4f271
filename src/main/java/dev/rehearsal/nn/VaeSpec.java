package dev.rehearsal.nn;

import java.util.Arrays;

/**
 * A VAE on {@code input} features: encoder {@code input (+classes) -> hidden...}, heads to a {@code latent}
 * mean and log-variance, decoder mirrored {@code latent (+classes) -> hidden reversed -> input} with a
 * sigmoid output. {@code classes > 0} makes it conditional on a one-hot label fed to encoder and decoder.
 */
public record VaeSpec(int input, int[] hidden, int latent, int classes) {
    public VaeSpec {
        if (input <= 0 || latent <= 0 || classes < 0 || hidden.length == 0) {
            throw new IllegalArgumentException("VAE needs input > 0, latent > 0, classes >= 0 and a hidden layer, got "
                    + "input=" + input + " latent=" + latent + " classes=" + classes);
        }
        hidden = hidden.clone();
        for (int h : hidden) {
            if (h <= 0) {
                throw new IllegalArgumentException("VAE hidden widths must be positive, got " + Arrays.toString(hidden));
            }
        }
    }

    public VaeSpec conditional(int numClasses) {
        return new VaeSpec(input, hidden, latent, numClasses);
    }

    /** Weights and biases: encoder, the mean and log-variance heads, decoder and output layer. */
    public long parameters() {
        long n = 0;
        int in = input + classes;
        for (int h : hidden) {
            n += (long) in * h + h;
            in = h;
        }
        n += 2 * ((long) in * latent + latent);
        in = latent + classes;
        for (int i = hidden.length - 1; i >= 0; i--) {
            n += (long) in * hidden[i] + hidden[i];
            in = hidden[i];
        }
        return n + (long) in * input + input;
    }

    /** The same VAE with every hidden width scaled so that the first is {@code first} (each at least 1). */
    public VaeSpec withFirstWidth(int first) {
        int[] h = hidden.clone();
        for (int i = 0; i < h.length; i++) {
            h[i] = Math.max(1, (int) Math.round((double) hidden[i] * first / hidden[0]));
        }
        return new VaeSpec(input, h, latent, classes);
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
        return s.append("-z").append(latent).append(classes > 0 ? " (conditional on " + classes + " classes)" : "")
                .toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof VaeSpec v && v.input == input && Arrays.equals(v.hidden, hidden) && v.latent == latent
                && v.classes == classes;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(hidden) + input * 7 + latent * 3 + classes;
    }
}
