/**
 * The native backend: OpenBLAS and oneDNN through their JavaCPP presets, plus our own fused kernels
 * ({@code native/rehearsal_kernels.h}, bound by {@link dev.rehearsal.backend.nativ.Kernels}), all on
 * off-heap memory owned by {@link dev.rehearsal.backend.nativ.NativeArena}s. This is the only package that
 * imports {@code org.bytedeco}: the seam between Java and native code.
 *
 * <p>Threads: OpenBLAS runs its own pthread pool, oneDNN runs on the OpenMP runtime its preset bundles.
 * {@link dev.rehearsal.backend.nativ.NativeRuntime} fixes both thread counts once, at start-up, before the
 * libraries load (OpenMP reads its settings when it is loaded).
 */
package dev.rehearsal.backend.nativ;
