package dev.rehearsal.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The only owner of memory: allocates named blocks, counts their exact bytes, frees them all in
 * {@link #close()}. One arena per owner (a model, a dataset, a replay buffer); views never free anything.
 */
public abstract class Arena implements AutoCloseable {
    private final String name;
    private final List<Block> blocks = new ArrayList<>();
    private long bytes;
    private boolean closed;

    protected Arena(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** Allocates a zero-initialised block; its name is prefixed with the arena's name. */
    public final Block allocate(String blockName, DType dtype, long length) {
        if (closed) {
            throw new IllegalStateException("arena '" + name + "' is closed");
        }
        if (length < 0) {
            throw new IllegalArgumentException("block '" + blockName + "': negative length " + length);
        }
        Block block = newBlock(name + "." + blockName, dtype, length);
        blocks.add(block);
        bytes += block.bytes();
        return block;
    }

    /** Creates and zeroes the backing memory; throws {@link OutOfMemoryError} naming the block if it can't. */
    protected abstract Block newBlock(String qualifiedName, DType dtype, long length);

    /** The exact bytes of all blocks allocated by this arena and not yet freed. */
    public final long bytes() {
        return bytes;
    }

    public final List<Block> blocks() {
        return Collections.unmodifiableList(blocks);
    }

    public final boolean isClosed() {
        return closed;
    }

    @Override
    public final void close() {
        if (closed) {
            return;
        }
        for (int i = blocks.size() - 1; i >= 0; i--) {
            blocks.get(i).free();
        }
        bytes = 0;
        closed = true;
    }
}
