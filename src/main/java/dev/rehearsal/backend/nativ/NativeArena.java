package dev.rehearsal.backend.nativ;

import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;

/** An arena of off-heap blocks allocated through JavaCPP, so {@code Pointer.totalBytes()} sees every byte. */
public final class NativeArena extends Arena {

    public NativeArena(String name) {
        super(name);
    }

    @Override
    protected Block newBlock(String qualifiedName, DType dtype, long length) {
        return new NativeBlock(qualifiedName, dtype, length);
    }
}
