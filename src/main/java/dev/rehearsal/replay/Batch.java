package dev.rehearsal.replay;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;

/**
 * The per-step buffers of batch assembly, allocated once for the largest batch: sample indices and integer
 * targets ({@code I32 [B, 1]}), and soft targets ({@code F32 [B, C]}) for distillation. Rows line up with
 * the rows of the model's input.
 */
public final class Batch implements AutoCloseable {
    private final Arena arena;
    private final Tensor indices;
    private final Tensor targets;
    private final Tensor soft;
    private final int maxRows;
    private final int classes;
    /** Heap staging for indices and targets written from Java (maxRows ints each). */
    private final int[] stage;

    public Batch(Backend backend, String name, int maxRows, int softClasses) {
        this.maxRows = maxRows;
        this.classes = softClasses;
        this.arena = backend.newArena(name);
        try {
            Block i = arena.allocate("indices", DType.I32, maxRows);
            Block t = arena.allocate("targets", DType.I32, maxRows);
            this.indices = Tensor.of(i, maxRows, 1);
            this.targets = Tensor.of(t, maxRows, 1);
            this.soft = softClasses > 0
                    ? Tensor.of(arena.allocate("soft_targets", DType.F32, (long) maxRows * softClasses), maxRows,
                            softClasses)
                    : null;
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.stage = new int[maxRows];
    }

    public int maxRows() {
        return maxRows;
    }

    /** Indices rows [from, to). */
    public Tensor indices(int from, int to) {
        return indices.rows(from, to);
    }

    public Tensor targets(int from, int to) {
        return targets.rows(from, to);
    }

    /** Soft targets of rows [from, to) over {@code classes} units. */
    public Tensor softTargets(int from, int to, int classCount) {
        if (soft == null || classCount > classes) {
            throw new IllegalStateException("this batch holds soft targets for " + classes + " classes, asked for "
                    + classCount);
        }
        return soft.rows(from, to).cols(0, classCount);
    }

    /** Writes {@code src[srcOffset .. + (to-from))} as the indices of rows [from, to). */
    public void setIndices(int from, int to, int[] src, int srcOffset) {
        indices.rows(from, to).copyFrom(src, srcOffset);
    }

    public void setTargets(int from, int to, int[] src, int srcOffset) {
        targets.rows(from, to).copyFrom(src, srcOffset);
    }

    /** A heap scratch array of maxRows ints, for assembling indices or targets before writing them. */
    int[] stage() {
        return stage;
    }

    /** The arena's blocks. */
    public java.util.List<dev.rehearsal.tensor.Block> blocks() {
        return arena.blocks();
    }

    /** Exact bytes of the arena's blocks. */
    public long bytes() {
        return arena.bytes();
    }

    @Override
    public void close() {
        arena.close();
    }
}
