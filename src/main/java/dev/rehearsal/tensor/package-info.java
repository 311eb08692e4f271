/**
 * Memory, llm.c style: an {@link dev.rehearsal.tensor.Arena} allocates a few named contiguous
 * {@link dev.rehearsal.tensor.Block}s once; a {@link dev.rehearsal.tensor.Layout} is the table of named
 * slices of one block; a {@link dev.rehearsal.tensor.Tensor} is a 2-D strided view (offset, rows, cols,
 * row stride) into a block. Sizes, offsets and byte counts are {@code long}.
 */
package dev.rehearsal.tensor;
