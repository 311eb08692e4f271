/**
 * Rehearsal: continual-learning replay experiments on CPU servers.
 *
 * <p>Read the packages in this order: {@code tensor} (arenas, blocks, views), {@code backend} (the op
 * interface) with {@code backend.jvm} (the executable specification) and {@code backend.nativ}
 * (OpenBLAS, oneDNN and our fused kernels through JavaCPP), {@code nn} (layers, MLP, VAE),
 * {@code optim}, {@code checkpoint}, then {@code cli}. This package holds what every layer shares: the
 * errors users see ({@link dev.rehearsal.RehearsalException}), files written whole or not at all
 * ({@link dev.rehearsal.AtomicFiles}), the results folder that owns them ({@link dev.rehearsal.ResultsFolder}),
 * and the folders of runs given no {@code --out} ({@link dev.rehearsal.RunFolders}).
 */
package dev.rehearsal;
