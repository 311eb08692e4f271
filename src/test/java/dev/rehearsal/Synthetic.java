package dev.rehearsal;

import dev.rehearsal.config.BackendType;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import java.util.List;
import java.util.Random;

/**
 * Small learnable image datasets for fast tests: class c lights up its own band of pixels (plus noise), so
 * a classifier separates classes quickly and a VAE can model them; and the short configuration tests run
 * on them.
 */
public final class Synthetic {
    private Synthetic() {
    }

    /**
     * A comparison of {@code strategies} short enough for a test (seconds): batches of 16, {@code steps}
     * solver and generator iterations per task, 5 stored samples per class, {@code trainLimit} and
     * {@code testLimit} samples per task, the tests' thread count. Not validated: callers adjust it first.
     */
    public static ExperimentConfig shortConfig(String backend, List<String> strategies, int steps, int trainLimit,
            int testLimit) {
        ExperimentConfig c = new ExperimentConfig();
        c.backend = BackendType.of(backend);
        c.strategies = strategies;
        c.batch = 16;
        c.iterations = steps;
        c.vaeIterations = steps;
        c.perClass = 5;
        c.trainLimit = trainLimit;
        c.testLimit = testLimit;
        c.threads = Backends.THREADS;
        return c;
    }

    /** {@code perClass} 28x28 images of each of {@code classes} classes, labels in class order. */
    public static Dataset dataset(Backend backend, String name, int classes, int perClass, long seed) {
        Random r = new Random(seed);
        int n = classes * perClass;
        byte[] pixels = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            int c = i % classes;
            labels[i] = (byte) c;
            for (int j = 0; j < 784; j++) {
                boolean band = (j / 28) % classes == c;
                int v = band ? 160 + r.nextInt(96) : r.nextInt(40);
                pixels[i * 784 + j] = (byte) v;
            }
        }
        return Dataset.of(backend, name, 28, 28, pixels, labels);
    }
}
