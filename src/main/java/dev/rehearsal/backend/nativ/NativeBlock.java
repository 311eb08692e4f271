package dev.rehearsal.backend.nativ;

import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * One JavaCPP allocation. Native code receives its raw address; Java reads and writes it through direct
 * buffers over the same memory (set-up, checkpoints and tests only).
 */
final class NativeBlock extends Block {
    private Pointer pointer;
    private final long address;
    private ByteBuffer buffer;
    private FloatBuffer floats;
    private IntBuffer ints;

    NativeBlock(String name, DType dtype, long length) {
        super(name, dtype, length);
        if (length == 0) {
            pointer = null;
            address = 0;
            return;
        }
        try {
            pointer = switch (dtype) {
                case F32 -> new FloatPointer(length);
                case U8 -> new BytePointer(length);
                case I32 -> new IntPointer(length);
            };
        } catch (OutOfMemoryError e) {
            throw new OutOfMemoryError("block " + name + ": cannot allocate " + bytes() + " bytes off-heap ("
                    + Pointer.totalBytes() + " already allocated, limit " + Pointer.maxBytes()
                    + "; raise -Dorg.bytedeco.javacpp.maxBytes or use a smaller configuration)");
        }
        Pointer.memset(pointer, 0, bytes());
        address = pointer.address();
    }

    /** The base address; throws if the block was freed. */
    long address() {
        checkLive();
        return address;
    }

    /** The address of a view's first element. */
    static long address(Tensor t) {
        if (!(t.block() instanceof NativeBlock b)) {
            throw new IllegalArgumentException(t + " does not live in a native arena");
        }
        return b.address() + t.offset() * t.dtype().bytes();
    }

    @Override
    protected void release() {
        if (pointer != null) {
            pointer.deallocate();
            pointer = null;
        }
        buffer = null;
        floats = null;
        ints = null;
    }

    private ByteBuffer buffer() {
        checkLive();
        if (buffer == null) {
            if (bytes() > Integer.MAX_VALUE) {
                throw new UnsupportedOperationException(name() + ": Java-side access to blocks over 2 GiB");
            }
            buffer = pointer == null ? ByteBuffer.allocateDirect(0)
                    : new BytePointer(pointer).capacity(bytes()).asByteBuffer().order(ByteOrder.nativeOrder());
        }
        return buffer;
    }

    private FloatBuffer floats() {
        if (floats == null) {
            floats = buffer().asFloatBuffer();
        }
        return floats;
    }

    private IntBuffer ints() {
        if (ints == null) {
            ints = buffer().asIntBuffer();
        }
        return ints;
    }

    @Override
    public float getFloat(long i) {
        return floats().get(Math.toIntExact(i));
    }

    @Override
    public void putFloat(long i, float v) {
        floats().put(Math.toIntExact(i), v);
    }

    @Override
    public int getInt(long i) {
        return ints().get(Math.toIntExact(i));
    }

    @Override
    public void putInt(long i, int v) {
        ints().put(Math.toIntExact(i), v);
    }

    @Override
    public int getByte(long i) {
        return buffer().get(Math.toIntExact(i)) & 0xff;
    }

    @Override
    public void putByte(long i, int v) {
        buffer().put(Math.toIntExact(i), (byte) v);
    }

    @Override
    public void readFloats(long offset, float[] dst, int dstOffset, int n) {
        floats().get(Math.toIntExact(offset), dst, dstOffset, n);
    }

    @Override
    public void writeFloats(long offset, float[] src, int srcOffset, int n) {
        floats().put(Math.toIntExact(offset), src, srcOffset, n);
    }

    @Override
    public void readBytes(long offset, byte[] dst, int dstOffset, int n) {
        buffer().get(Math.toIntExact(offset), dst, dstOffset, n);
    }

    @Override
    public void writeBytes(long offset, byte[] src, int srcOffset, int n) {
        buffer().put(Math.toIntExact(offset), src, srcOffset, n);
    }

    @Override
    public void readInts(long offset, int[] dst, int dstOffset, int n) {
        ints().get(Math.toIntExact(offset), dst, dstOffset, n);
    }

    @Override
    public void writeInts(long offset, int[] src, int srcOffset, int n) {
        ints().put(Math.toIntExact(offset), src, srcOffset, n);
    }

    @Override
    public void zero() {
        checkLive();
        if (pointer != null) {
            Pointer.memset(pointer, 0, bytes());
        }
    }
}
