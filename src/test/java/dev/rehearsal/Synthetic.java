package dev.rehearsal;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import java.util.Random;

/**
 * Small learnable image datasets for fast tests: class c lights up its own band of pixels (plus noise), so
 * a classifier separates classes quickly and a VAE can model them.
 */
public final class Synthetic {
    private Synthetic() {
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
