package dev.rehearsal;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.Random;

/** Allocates test operands in one arena of a backend; rows may be padded to test row strides. */
public final class Fixture implements AutoCloseable {
    private final Arena arena;
    private final Random random;
    private int count;

    public Fixture(Backend backend, long seed) {
        this.arena = backend.newArena("fixture");
        this.random = new Random(seed);
    }

    /** A [rows, cols] float view with row stride cols + pad, filled from {@code data} (row-major, dense). */
    public Tensor floats(int rows, int cols, int pad, float[] data) {
        Block b = arena.allocate("t" + count++, DType.F32, (long) rows * (cols + pad) + 1);
        // Start one element in, so views never sit at a block's base address.
        Tensor t = new Tensor(b, 1, rows, cols, cols + pad);
        if (data != null) {
            t.copyFrom(data);
        }
        return t;
    }

    public Tensor ints(int rows, int cols, int[] data) {
        Block b = arena.allocate("i" + count++, DType.I32, (long) rows * cols);
        Tensor t = Tensor.of(b, rows, cols);
        t.copyFrom(data);
        return t;
    }

    public Tensor bytes(int rows, int cols, byte[] data) {
        Block b = arena.allocate("u" + count++, DType.U8, (long) rows * cols);
        b.writeBytes(0, data, 0, data.length);
        return Tensor.of(b, rows, cols);
    }

    /** Uniform floats in [-scale, scale). */
    public float[] uniform(int n, double scale) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
        }
        return a;
    }

    public Random random() {
        return random;
    }

    public static double[] toDouble(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            d[i] = a[i];
        }
        return d;
    }

    @Override
    public void close() {
        arena.close();
    }
}
