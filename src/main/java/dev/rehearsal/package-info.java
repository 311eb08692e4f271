/**
 * Rehearsal: continual-learning replay experiments on CPU servers.
 *
 * <p>Read the packages in this order: {@code tensor} (arenas, blocks, views), {@code backend} (the op
 * interface) with {@code backend.jvm} (the executable specification) and {@code backend.nativ}
 * (OpenBLAS, oneDNN and our fused kernels through JavaCPP), {@code nn} (layers, MLP, VAE),
 * {@code optim}, {@code checkpoint}, then {@code cli}.
 */
package dev.rehearsal;
