package dev.rehearsal.backend.nativ;

/**
 * Which bfloat16 copies of a linear layer's operands are still intact in workspace memory, so that a layer's
 * backward can use the copies of {@code x} and {@code w} its forward made instead of rounding them again (about a
 * third of the rounding a bf16 step does).
 *
 * <p>A copy is described by where it lies, {@code [start, end)} (x's copy, then w's, dense), and by what it was
 * made from: x's and w's addresses, leading dimensions and shapes. Every bf16 call first {@link #invalidate}s
 * every copy that the bytes it is about to write overlap (its scratchpad as well as its own copies), so a
 * description never outlives its bytes, whoever shares the workspace. What a description cannot see is a change of
 * the operands' contents at the same addresses: it is only consulted by a backward, which reads x and w anyway and
 * is only right when they still hold what its forward read, and so then the copies are exactly their rounding.
 *
 * <p>A fixed number of slots, taken round robin: losing a description costs a rounding, never a wrong result. Not
 * thread-safe (one per backend, which is not either). Allocates nothing after construction.
 */
final class OperandCopies {
    private static final int FIELDS = 9;
    private static final int START = 0;
    private static final int END = 1;
    private static final int X = 2;
    private static final int X_LD = 3;
    private static final int X_SHAPE = 4;
    private static final int W = 5;
    private static final int W_LD = 6;
    private static final int W_SHAPE = 7;
    private static final int VALID = 8;

    private final long[] slots;
    private final int capacity;
    private int next;
    private long reuses;

    OperandCopies(int capacity) {
        this.capacity = capacity;
        this.slots = new long[capacity * FIELDS];
    }

    private static long shape(long rows, long cols) {
        return rows << 32 | cols;
    }

    /** Forgets every copy that overlaps the bytes {@code [from, to)}. */
    void invalidate(long from, long to) {
        for (int s = 0; s < capacity; s++) {
            int o = s * FIELDS;
            if (slots[o + VALID] != 0 && slots[o + START] < to && from < slots[o + END]) {
                slots[o + VALID] = 0;
            }
        }
    }

    /**
     * Records that {@code [start, end)} now holds x's rounding (x at {@code x}, leading dimension {@code xLd},
     * {@code rows x in}) followed by w's ({@code out x in}), after the caller invalidated what it wrote.
     */
    void record(long start, long end, long x, long xLd, int rows, int in, long w, long wLd, int out) {
        int o = next * FIELDS;
        next = (next + 1) % capacity;
        slots[o + START] = start;
        slots[o + END] = end;
        slots[o + X] = x;
        slots[o + X_LD] = xLd;
        slots[o + X_SHAPE] = shape(rows, in);
        slots[o + W] = w;
        slots[o + W_LD] = wLd;
        slots[o + W_SHAPE] = shape(out, in);
        slots[o + VALID] = 1;
    }

    /** Whether {@code start} holds intact copies of exactly these operands (the arguments as in {@link #record}). */
    boolean holds(long start, long end, long x, long xLd, int rows, int in, long w, long wLd, int out) {
        for (int s = 0; s < capacity; s++) {
            int o = s * FIELDS;
            if (slots[o + VALID] != 0 && slots[o + START] == start && slots[o + END] == end && slots[o + X] == x
                    && slots[o + X_LD] == xLd && slots[o + X_SHAPE] == shape(rows, in) && slots[o + W] == w
                    && slots[o + W_LD] == wLd && slots[o + W_SHAPE] == shape(out, in)) {
                reuses++;
                return true;
            }
        }
        return false;
    }

    /** How many times {@link #holds} answered yes: the roundings of x and w a backward did not repeat. */
    long reuses() {
        return reuses;
    }

    /** How many copies are described now (for tests). */
    int held() {
        int n = 0;
        for (int s = 0; s < capacity; s++) {
            n += slots[s * FIELDS + VALID] != 0 ? 1 : 0;
        }
        return n;
    }
}
