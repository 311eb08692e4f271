package dev.rehearsal.metrics;

/**
 * One exactly counted allocation: which component holds it, the block's name, its bytes, and whether it is the
 * backend's workspace (the oneDNN scratchpad and bfloat16 operand copies a model's matmuls use), whose size the
 * library chooses for the machine, thread count and wait policy. A strategy's memory is the sum of its other
 * items, so it depends on the config alone; workspace items are listed and reported apart.
 */
public record MemoryItem(String component, String block, long bytes, boolean workspace) {

    /** An item of memory the config determines (not workspace). */
    public MemoryItem(String component, String block, long bytes) {
        this(component, block, bytes, false);
    }
}
