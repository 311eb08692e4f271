/**
 * A short, self-contained throughput comparison for users who do not run JMH ({@code rehearsal bench}):
 * training steps of both presets on both backends, timed in this process. The JMH project in
 * {@code benchmarks/} is the rigorous version (forks, warm-up, the machine's peak).
 */
package dev.rehearsal.bench;
