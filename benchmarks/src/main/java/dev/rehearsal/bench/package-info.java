/**
 * JMH benchmarks of Rehearsal. Sub-packages mirror the main code ({@code backend}, {@code backend.jvm},
 * {@code backend.nativ}, {@code nn}, {@code random}); this package holds what they share: {@link
 * dev.rehearsal.bench.Work} (what one benchmark operation computes), {@link dev.rehearsal.bench.Operands}
 * (deterministic test data), and the two entry points besides JMH's own main: {@link
 * dev.rehearsal.bench.SmokeSubset} (the {@code run.sh --quick} selection) and {@link
 * dev.rehearsal.bench.Report} (JMH JSON to a table of samples/s, GFLOP/s and fraction of peak).
 *
 * <p>Every benchmark builds its state in {@code @Setup(Level.Trial)}, frees it in {@code @TearDown}, returns
 * its result (JMH consumes it), and runs in a forked JVM: the native runtime fixes its thread count and
 * OpenMP wait policy once per process, and JMH forks every parameter combination separately.
 */
package dev.rehearsal.bench;
