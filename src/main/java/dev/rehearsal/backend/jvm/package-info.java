/**
 * The pure-JVM backend: every op in plain Java on heap arrays. It is the executable specification the
 * native backend is tested against, and a serious baseline (a cache-blocked GEMM whose inner loops HotSpot
 * vectorises, split over a fixed worker pool) that users compare the native backend with.
 */
package dev.rehearsal.backend.jvm;
