package dev.rehearsal.backend.jvm;

import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;

/** An arena of heap arrays: the same layout and byte accounting as native memory, on the Java heap. */
public final class HeapArena extends Arena {

    public HeapArena(String name) {
        super(name);
    }

    @Override
    protected Block newBlock(String qualifiedName, DType dtype, long length) {
        if (length > Integer.MAX_VALUE - 8) {
            throw new OutOfMemoryError("block " + qualifiedName + ": " + length + " elements exceed a Java array");
        }
        try {
            return new HeapBlock(qualifiedName, dtype, (int) length);
        } catch (OutOfMemoryError e) {
            throw new OutOfMemoryError("block " + qualifiedName + ": cannot allocate " + length * dtype.bytes()
                    + " bytes on the Java heap (raise -Xmx)");
        }
    }
}
