package dev.rehearsal.tensor;

/**
 * A 2-D strided view into a block: element (r, c) lives at {@code offset + r * ld + c}. Views are cheap
 * Java objects; they own nothing and are never closed.
 */
public final class Tensor {
    private final Block block;
    private final long offset;
    private final int rows;
    private final int cols;
    private final long ld;

    public Tensor(Block block, long offset, int rows, int cols, long ld) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException("negative shape [" + rows + ", " + cols + "] in " + block.name());
        }
        if (ld < cols) {
            throw new IllegalArgumentException("row stride " + ld + " < cols " + cols + " in " + block.name());
        }
        long last = rows == 0 || cols == 0 ? offset : offset + (rows - 1) * ld + cols;
        if (offset < 0 || last > block.length()) {
            throw new IndexOutOfBoundsException("view [" + rows + ", " + cols + "] (ld " + ld + ") at " + offset
                    + " exceeds block " + block.name() + " of " + block.length() + " elements");
        }
        this.block = block;
        this.offset = offset;
        this.rows = rows;
        this.cols = cols;
        this.ld = ld;
    }

    /** A dense [rows, cols] view over a whole block (or its first rows*cols elements). */
    public static Tensor of(Block block, int rows, int cols) {
        return new Tensor(block, 0, rows, cols, cols);
    }

    public Block block() {
        return block;
    }

    public DType dtype() {
        return block.dtype();
    }

    public long offset() {
        return offset;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    /** Row stride in elements. */
    public long ld() {
        return ld;
    }

    public long numel() {
        return (long) rows * cols;
    }

    public boolean isDense() {
        return ld == cols || rows <= 1;
    }

    /** Rows [from, to). */
    public Tensor rows(int from, int to) {
        checkRange(from, to, rows, "rows");
        return new Tensor(block, offset + from * ld, to - from, cols, ld);
    }

    /** The first {@code n} rows: the view for a batch smaller than the planned maximum. */
    public Tensor firstRows(int n) {
        return n == rows ? this : rows(0, n);
    }

    /** Columns [from, to), keeping the row stride. */
    public Tensor cols(int from, int to) {
        checkRange(from, to, cols, "cols");
        return new Tensor(block, offset + from, rows, to - from, ld);
    }

    /** The same elements seen as a dense [newRows, newCols] matrix (needs a dense view). */
    public Tensor reshape(int newRows, int newCols) {
        if (!isDense() || (long) newRows * newCols != numel()) {
            throw new IllegalArgumentException("cannot reshape " + this + " to [" + newRows + ", " + newCols + "]");
        }
        return new Tensor(block, offset, newRows, newCols, newCols);
    }

    public float get(int r, int c) {
        return block.getFloat(index(r, c));
    }

    public void set(int r, int c, float v) {
        block.putFloat(index(r, c), v);
    }

    public int getInt(int r, int c) {
        return block.getInt(index(r, c));
    }

    public void setInt(int r, int c, int v) {
        block.putInt(index(r, c), v);
    }

    /** Element index in the block. */
    public long index(int r, int c) {
        if (r < 0 || r >= rows || c < 0 || c >= cols) {
            throw new IndexOutOfBoundsException("(" + r + ", " + c + ") outside " + this);
        }
        return offset + r * ld + c;
    }

    /** Copies the view into a dense row-major float array. */
    public float[] toFloatArray() {
        float[] out = new float[Math.toIntExact(numel())];
        for (int r = 0; r < rows; r++) {
            block.readFloats(offset + r * ld, out, r * cols, cols);
        }
        return out;
    }

    /** Fills the view from a dense row-major float array of exactly {@link #numel()} elements. */
    public void copyFrom(float[] src) {
        if (src.length != numel()) {
            throw new IllegalArgumentException("expected " + numel() + " floats for " + this + ", got " + src.length);
        }
        copyFrom(src, 0);
    }

    /** Fills the view from {@code src[srcOffset ..]}, row-major. */
    public void copyFrom(float[] src, int srcOffset) {
        if (srcOffset < 0 || srcOffset + numel() > src.length) {
            throw new IllegalArgumentException("need " + numel() + " floats from offset " + srcOffset + " for " + this
                    + ", array has " + src.length);
        }
        for (int r = 0; r < rows; r++) {
            block.writeFloats(offset + r * ld, src, srcOffset + r * cols, cols);
        }
    }

    public int[] toIntArray() {
        int[] out = new int[Math.toIntExact(numel())];
        for (int r = 0; r < rows; r++) {
            block.readInts(offset + r * ld, out, r * cols, cols);
        }
        return out;
    }

    public void copyFrom(int[] src) {
        if (src.length != numel()) {
            throw new IllegalArgumentException("expected " + numel() + " ints for " + this + ", got " + src.length);
        }
        copyFrom(src, 0);
    }

    /** Fills the view from {@code src[srcOffset ..]}, row-major. */
    public void copyFrom(int[] src, int srcOffset) {
        if (srcOffset < 0 || srcOffset + numel() > src.length) {
            throw new IllegalArgumentException("need " + numel() + " ints from offset " + srcOffset + " for " + this
                    + ", array has " + src.length);
        }
        for (int r = 0; r < rows; r++) {
            block.writeInts(offset + r * ld, src, srcOffset + r * cols, cols);
        }
    }

    private static void checkRange(int from, int to, int size, String what) {
        if (from < 0 || to > size || from > to) {
            throw new IndexOutOfBoundsException(what + " [" + from + ", " + to + ") outside [0, " + size + ")");
        }
    }

    @Override
    public String toString() {
        return block.name() + "@" + offset + "[" + rows + ", " + cols + "]" + (isDense() ? "" : " ld " + ld);
    }
}
