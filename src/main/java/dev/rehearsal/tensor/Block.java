package dev.rehearsal.tensor;

/**
 * One contiguous allocation of {@link #length()} elements, owned and freed by exactly one {@link Arena}.
 *
 * <p>The element accessors are for set-up, checkpoints and tests; hot paths go through the backend's ops.
 * Using a block after its arena closed is an error, never undefined behaviour.
 */
public abstract class Block {
    private final String name;
    private final DType dtype;
    private final long length;
    private boolean freed;
    private boolean workspace;

    protected Block(String name, DType dtype, long length) {
        if (length < 0) {
            throw new IllegalArgumentException("block '" + name + "': negative length " + length);
        }
        this.name = name;
        this.dtype = dtype;
        this.length = length;
    }

    public final String name() {
        return name;
    }

    public final DType dtype() {
        return dtype;
    }

    /** Number of elements. */
    public final long length() {
        return length;
    }

    /** Exact size in bytes: {@code length * dtype.bytes}. */
    public final long bytes() {
        return length * dtype.bytes();
    }

    /**
     * Whether this block is the backend's working memory ({@link Arena#allocateWorkspace}): its size is the
     * library's choice for this machine, not a function of the config.
     */
    public final boolean isWorkspace() {
        return workspace;
    }

    final void markWorkspace() {
        workspace = true;
    }

    public final boolean isFreed() {
        return freed;
    }

    /** Throws if the block was freed: called by every accessor. */
    protected final void checkLive() {
        if (freed) {
            throw new IllegalStateException("block '" + name + "' was used after its arena was closed");
        }
    }

    final void free() {
        if (!freed) {
            release();
            freed = true;
        }
    }

    /** Returns the memory to its owner (off-heap: frees it; on-heap: drops the array). */
    protected abstract void release();

    public abstract float getFloat(long index);

    public abstract void putFloat(long index, float value);

    public abstract int getInt(long index);

    public abstract void putInt(long index, int value);

    /** Unsigned byte value in [0, 255]. */
    public abstract int getByte(long index);

    public abstract void putByte(long index, int value);

    /** Bulk copy of {@code n} floats starting at element {@code offset} into {@code dst[dstOffset..]}. */
    public abstract void readFloats(long offset, float[] dst, int dstOffset, int n);

    public abstract void writeFloats(long offset, float[] src, int srcOffset, int n);

    public abstract void readBytes(long offset, byte[] dst, int dstOffset, int n);

    public abstract void writeBytes(long offset, byte[] src, int srcOffset, int n);

    public abstract void readInts(long offset, int[] dst, int dstOffset, int n);

    public abstract void writeInts(long offset, int[] src, int srcOffset, int n);

    /** Sets every element to zero. */
    public abstract void zero();

    @Override
    public String toString() {
        return name + " " + dtype + "[" + length + "] (" + bytes() + " bytes)";
    }
}
