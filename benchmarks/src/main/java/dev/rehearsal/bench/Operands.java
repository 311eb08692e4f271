package dev.rehearsal.bench;

import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;

/** Deterministic benchmark data: the values never change the work done, only keep it finite and typical. */
public final class Operands {
    private Operands() {
    }

    /** {@code n} floats uniform in [lo, hi). */
    public static float[] uniform(Rng rng, int n, double lo, double hi) {
        float[] a = new float[n];
        rng.fillUniform(a, 0, n, lo, hi);
        return a;
    }

    /** A dense F32 {@code [rows, cols]} tensor in its own block of {@code arena}, uniform in [lo, hi). */
    public static Tensor uniform(Arena arena, String name, int rows, int cols, Rng rng, double lo, double hi) {
        Tensor t = zeros(arena, name, rows, cols);
        t.copyFrom(uniform(rng, rows * cols, lo, hi));
        return t;
    }

    /** A dense zeroed F32 {@code [rows, cols]} tensor in its own block of {@code arena}. */
    public static Tensor zeros(Arena arena, String name, int rows, int cols) {
        return Tensor.of(arena.allocate(name, DType.F32, (long) rows * cols), rows, cols);
    }

    }
