package dev.rehearsal.backend.nativ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * The exact accounting, checked against JavaCPP's own counter: {@code Pointer.totalBytes()} rises by
 * exactly the bytes our arenas report (plus the oneDNN argument lists the backend reports) and returns to
 * its baseline when they are closed.
 */
class NativeMemoryTest {

    /**
     * Pointers dropped without being closed leave JavaCPP's count only once the collector has found them and
     * handed them over; the settled count waits for that, so a profile's baseline taken right after other work
     * (another test, a dropped preset object) is not counted as the profile's own memory.
     */
    @Test
    void settledCountWaitsForDroppedPointers() {
        Backends.nativ();
        long before = NativeRuntime.settledAllocatedBytes();
        Object[] held = new Object[64];
        for (int k = 0; k < held.length; k++) {
            held[k] = new org.bytedeco.javacpp.BytePointer(100_000L).put(0L, (byte) k);
        }
        assertEquals(before + 64 * 100_000L, Pointer.totalBytes(), "64 blocks of 100,000 bytes, held");
        java.util.Arrays.fill(held, null); // dropped, never closed
        assertEquals(before, NativeRuntime.settledAllocatedBytes(), "every dropped pointer has left the count");
    }

    @Test
    void arenaBytesAreJavaCppBytes() {
        long before = Pointer.totalBytes();
        Arena arena = new NativeArena("probe");
        Block f = arena.allocate("f", DType.F32, 1001);
        Block u = arena.allocate("u", DType.U8, 7);
        Block i = arena.allocate("i", DType.I32, 3);
        assertEquals(4 * 1001 + 7 + 4 * 3, arena.bytes());
        assertEquals(arena.bytes(), Pointer.totalBytes() - before);
        arena.close();
        assertEquals(before, Pointer.totalBytes());
        assertTrue(f.isFreed() && u.isFreed() && i.isFreed());
        assertThrows(IllegalStateException.class, () -> f.getFloat(0), "using a freed block is an error");
        assertThrows(IllegalStateException.class, () -> arena.allocate("late", DType.F32, 1));
    }

    @Test
    void modelsAccountForEveryByteAndLeakNone() {
        NativeBackend be = Backends.nativ();
        // Train once first, so that every oneDNN primitive at these shapes exists before we measure.
        trainOnce(be);
        long before = Pointer.totalBytes();
        long argsBefore = be.bookkeepingBytes();
        long ours;
        try (Mlp mlp = new Mlp(be, "mlp", Preset.SEED.mlp(), 64, OptimizerConfig.adam(1e-3), new Rng(1));
                Vae vae = new Vae(be, "vae", Preset.SEED.vae(), 64, OptimizerConfig.adam(1e-3), new Rng(2))) {
            ours = mlp.bytes() + vae.bytes();
            step(mlp, vae);
            assertEquals(ours + be.bookkeepingBytes() - argsBefore, Pointer.totalBytes() - before,
                    "JavaCPP's counter rose by exactly what the arenas and primitive caches report");
        }
        assertEquals(be.bookkeepingBytes() - argsBefore, Pointer.totalBytes() - before,
                "after close only the cached primitives' argument lists remain");
        assertTrue(ours > 0);
    }

    @Test
    void closingTheBackendReleasesItsPrimitiveCache() {
        long before = Pointer.totalBytes();
        try (NativeBackend be = new NativeBackend(Backends.THREADS, GemmEngine.DNNL, Backends.WAIT)) {
            trainOnce(be);
            assertTrue(be.bookkeepingBytes() > 0);
            assertTrue(be.primitiveCount() > 0);
        }
        assertEquals(before, Pointer.totalBytes());
    }

    private static void trainOnce(NativeBackend be) {
        try (Mlp mlp = new Mlp(be, "warm", Preset.SEED.mlp(), 64, OptimizerConfig.adam(1e-3), new Rng(1));
                Vae vae = new Vae(be, "warmv", Preset.SEED.vae(), 64, OptimizerConfig.adam(1e-3), new Rng(2))) {
            step(mlp, vae);
        }
    }

    private static void step(Mlp mlp, Vae vae) {
        int b = 64;
        mlp.forward(b);
        mlp.zeroGrad();
        mlp.backward(b);
        mlp.optimizer().step();
        vae.sampleNoise(b, new Rng(3));
        vae.forward(b);
        vae.zeroGrad();
        vae.loss(0, b, 1f / b);
        vae.backward(b);
        vae.optimizer().step();
    }
}
