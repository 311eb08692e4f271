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
    private long workspaceBytes;
    private boolean closed;

    protected Arena(String name) {
        this.name = name;
    }

    public final String name() {
        return name;
    }

    /** Allocates a zero-initialised block; its name is prefixed with the arena's name. */
    public final Block allocate(String blockName, DType dtype, long length) {
        return allocate(blockName, dtype, length, false);
    }

    /**
     * Allocates a float32 block of {@code floats} floats for the backend's working memory (the oneDNN scratchpad
     * its matmuls ask for, bfloat16 copies of operands): sized by what {@code Backend.linearWorkspace} returns,
     * which the library decides for this machine, thread count and wait policy, not the config alone. Such a
     * block is counted in {@link #bytes()} (it is allocated like any other) and is marked
     * ({@link Block#isWorkspace()}) so that footprints list it apart from the memory the config determines.
     * Every block sized by the backend's workspace query is allocated here, never by {@link #allocate}.
     */
    public final Block allocateWorkspace(String blockName, long floats) {
        return allocate(blockName, DType.F32, floats, true);
    }

    private Block allocate(String blockName, DType dtype, long length, boolean workspace) {
        if (closed) {
            throw new IllegalStateException("arena '" + name + "' is closed");
        }
        if (length < 0) {
            throw new IllegalArgumentException("block '" + blockName + "': negative length " + length);
        }
        Block block = newBlock(name + "." + blockName, dtype, length);
        if (workspace) {
            block.markWorkspace();
            workspaceBytes += block.bytes();
        }
        blocks.add(block);
        bytes += block.bytes();
        return block;
    }

    /** Creates and zeroes the backing memory; throws {@link OutOfMemoryError} naming the block if it can't. */
    protected abstract Block newBlock(String qualifiedName, DType dtype, long length);

    /** The exact bytes of all blocks allocated by this arena and not yet freed (workspace blocks included). */
    public final long bytes() {
        return bytes;
    }

    /** The exact bytes of the workspace blocks among them ({@link #allocateWorkspace}). */
    public final long workspaceBytes() {
        return workspaceBytes;
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
        workspaceBytes = 0;
        closed = true;
    }
}
