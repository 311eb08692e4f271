package dev.rehearsal.tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The table of named slices of one block (llm.c's parameter table): each entry is a [rows, cols] matrix
 * at an offset. Entries are packed back to back without padding, so the block's exact size is the sum
 * of the entries' sizes, and entries added one after another are contiguous (a model can fuse them).
 */
public final class Layout {
    /** One named slice: {@code rows x cols} elements starting at {@code offset}. */
    public record Entry(String name, long offset, int rows, int cols) {
        public long numel() {
            return (long) rows * cols;
        }
    }

    private final String name;
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long length;

    public Layout(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Entry add(String entryName, int rows, int cols) {
        if (rows < 0 || cols < 0) {
            throw new IllegalArgumentException(name + "." + entryName + ": negative shape [" + rows + ", " + cols + "]");
        }
        if (entries.containsKey(entryName)) {
            throw new IllegalArgumentException(name + ": duplicate entry '" + entryName + "'");
        }
        Entry e = new Entry(entryName, length, rows, cols);
        entries.put(entryName, e);
        length += e.numel();
        return e;
    }

    public Entry get(String entryName) {
        Entry e = entries.get(entryName);
        if (e == null) {
            throw new IllegalArgumentException(name + ": no entry '" + entryName + "' (have " + entries.keySet() + ")");
        }
        return e;
    }

    public List<Entry> entries() {
        return Collections.unmodifiableList(new ArrayList<>(entries.values()));
    }

    /** Total elements: the exact length of the block that holds this layout. */
    public long length() {
        return length;
    }

    /** A dense view of {@code e} in {@code block}, which must hold this layout. */
    public Tensor view(Block block, Entry e) {
        if (block.length() < length) {
            throw new IllegalArgumentException("block " + block.name() + " has " + block.length()
                    + " elements, layout " + name + " needs " + length);
        }
        return new Tensor(block, e.offset(), e.rows(), e.cols(), e.cols());
    }

    public Tensor view(Block block, String entryName) {
        return view(block, get(entryName));
    }
}
