/**
 * Datasets on disk and in memory: {@link dev.rehearsal.data.Idx} reads LeCun's IDX files (raw or gzip)
 * strictly, {@link dev.rehearsal.data.Dataset} holds one split as uint8 images {@code [N, D]} in one block of
 * an arena it owns plus a heap array of labels, and {@link dev.rehearsal.data.DatasetSource} finds the four
 * files of MNIST or Fashion-MNIST, verifies their pinned SHA-256 sums ({@link dev.rehearsal.data.Corpus}) and
 * fetches MNIST when it is missing ({@link dev.rehearsal.data.MnistFetcher}).
 *
 * <p>Pixels stay uint8 here: training batches are built later by the backend's {@code gather}, which
 * scales them to floats. Every problem a user can fix (missing, truncated or corrupt files) is a
 * {@link dev.rehearsal.RehearsalException} with exit code {@code DATA} and a one-line message saying what
 * was expected, what was found and what to do.
 */
package dev.rehearsal.data;
