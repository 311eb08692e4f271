package dev.rehearsal.backend.jvm;

import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import java.util.Arrays;

/** A block backed by one Java array of its element type. */
final class HeapBlock extends Block {
    private float[] floats;
    private byte[] bytes;
    private int[] ints;

    HeapBlock(String name, DType dtype, int length) {
        super(name, dtype, length);
        switch (dtype) {
            case F32 -> floats = new float[length];
            case U8 -> bytes = new byte[length];
            case I32 -> ints = new int[length];
        }
    }

    float[] floats() {
        checkLive();
        if (floats == null) {
            throw new IllegalArgumentException(name() + " holds " + dtype() + ", not F32");
        }
        return floats;
    }

    byte[] byteArray() {
        checkLive();
        if (bytes == null) {
            throw new IllegalArgumentException(name() + " holds " + dtype() + ", not U8");
        }
        return bytes;
    }

    int[] ints() {
        checkLive();
        if (ints == null) {
            throw new IllegalArgumentException(name() + " holds " + dtype() + ", not I32");
        }
        return ints;
    }

    @Override
    protected void release() {
        floats = null;
        bytes = null;
        ints = null;
    }

    @Override
    public float getFloat(long i) {
        return floats()[(int) i];
    }

    @Override
    public void putFloat(long i, float v) {
        floats()[(int) i] = v;
    }

    @Override
    public int getInt(long i) {
        return ints()[(int) i];
    }

    @Override
    public void putInt(long i, int v) {
        ints()[(int) i] = v;
    }

    @Override
    public int getByte(long i) {
        return byteArray()[(int) i] & 0xff;
    }

    @Override
    public void putByte(long i, int v) {
        byteArray()[(int) i] = (byte) v;
    }

    @Override
    public void readFloats(long offset, float[] dst, int dstOffset, int n) {
        System.arraycopy(floats(), (int) offset, dst, dstOffset, n);
    }

    @Override
    public void writeFloats(long offset, float[] src, int srcOffset, int n) {
        System.arraycopy(src, srcOffset, floats(), (int) offset, n);
    }

    @Override
    public void readBytes(long offset, byte[] dst, int dstOffset, int n) {
        System.arraycopy(byteArray(), (int) offset, dst, dstOffset, n);
    }

    @Override
    public void writeBytes(long offset, byte[] src, int srcOffset, int n) {
        System.arraycopy(src, srcOffset, byteArray(), (int) offset, n);
    }

    @Override
    public void readInts(long offset, int[] dst, int dstOffset, int n) {
        System.arraycopy(ints(), (int) offset, dst, dstOffset, n);
    }

    @Override
    public void writeInts(long offset, int[] src, int srcOffset, int n) {
        System.arraycopy(src, srcOffset, ints(), (int) offset, n);
    }

    @Override
    public void zero() {
        checkLive();
        if (floats != null) {
            Arrays.fill(floats, 0f);
        } else if (bytes != null) {
            Arrays.fill(bytes, (byte) 0);
        } else {
            Arrays.fill(ints, 0);
        }
    }
}
