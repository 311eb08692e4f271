package dev.rehearsal.backend.nativ;

import org.bytedeco.javacpp.BytePointer;

/**
 * The bfloat16 counterpart of {@link PeakGemm}, what {@code bench} sets a bf16 step against: the same square
 * product {@code C [n, n] = A [n, n] · B [n, n]} as a oneDNN matmul whose A and B are bfloat16 (rounded once, at
 * construction, from the float32 operands of the {@link PeakGemm} it is made from) and whose C is float32, as a
 * {@code --precision bf16} layer's matmuls are. Its rate over the float32 peak's is the most a bf16 step's GEMMs can
 * gain on this CPU; the rounding a step does before each matmul is not in it. Owns its primitive, its bfloat16
 * operands and its scratchpad until {@link #close}; needs a CPU on which oneDNN multiplies bfloat16 natively.
 */
public final class PeakBf16Gemm implements AutoCloseable {
    private final int n;
    private final Dnnl dnnl;
    private final Dnnl.Primitive matmul;
    private final BytePointer operands;
    private final long c;

    /** Rounds {@code f32}'s operands to bfloat16 and runs {@code warmUp} products. */
    public PeakBf16Gemm(PeakGemm f32, int warmUp) {
        NativeRuntime.requireInit();
        if (!NativeRuntime.hasBf16()) {
            throw new IllegalStateException("this CPU has no native bfloat16 matmul (oneDNN ISA " + NativeRuntime.isa()
                    + ")");
        }
        this.n = f32.side();
        this.c = f32.c().address();
        Dnnl d = new Dnnl(NativeRuntime.threads(), 0);
        BytePointer held = null;
        try {
            matmul = d.matmul(false, false, n, n, n, n, n, n, false, false, false, true);
            long half = 2L * n * n;
            // A, then B, then the scratchpad, each on a 64-byte boundary.
            long halfAligned = (half + 63) / 64 * 64;
            held = new BytePointer(2 * halfAligned + matmul.scratchpadBytes + 64);
            long base = (held.address() + 63) & ~63L;
            long a = base;
            long b = base + halfAligned;
            Kernels.rh_to_bf16(a, f32.a().address(), n, n, n);
            Kernels.rh_to_bf16(b, f32.b().address(), n, n, n);
            d.bind(matmul, Dnnl.SRC, a);
            d.bind(matmul, Dnnl.WEIGHTS, b);
            d.bind(matmul, Dnnl.DST, c);
            d.bind(matmul, Dnnl.SCRATCHPAD, base + 2 * halfAligned);
        } catch (RuntimeException e) {
            d.close();
            if (held != null) {
                held.deallocate();
            }
            throw e;
        }
        dnnl = d;
        operands = held;
        for (int i = 0; i < warmUp; i++) {
            product();
        }
    }

    /** GFLOP/s (2 n^3 FLOPs per product) of {@code reps} products in a row, timed on {@code clock} (nanoseconds). */
    public double round(int reps, java.util.function.LongSupplier clock) {
        return PeakGemm.rate(n, reps, clock, this::product);
    }

    /** One product, written into the float32 C of the {@link PeakGemm} this was made from. */
    public void product() {
        dnnl.execute(matmul);
    }

    @Override
    public void close() {
        dnnl.close();
        operands.deallocate();
    }
}
