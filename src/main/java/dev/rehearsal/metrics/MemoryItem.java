package dev.rehearsal.metrics;

/** One exactly counted allocation: which component holds it, the block's name, its bytes. */
public record MemoryItem(String component, String block, long bytes) {
}
