package dev.rehearsal.metrics;

import java.util.EnumMap;
import java.util.Map;

/**
 * Wall time, multiply-accumulates and samples per {@link Phase}. MACs are counted from the models' tables:
 * a forward pass of n rows costs n x forward MACs per sample, a backward pass twice that (the input and
 * the weight gradients), so a training step costs 3 x forward MACs per row.
 */
public final class Ledger {
    private final Map<Phase, Long> nanos = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> macs = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> samples = new EnumMap<>(Phase.class);

    /** Starts timing a phase; close the returned handle to stop (phases may nest, e.g. generation in training). */
    public Timing time(Phase phase) {
        return new Timing(this, phase, System.nanoTime());
    }

    /** A running timer. */
    public static final class Timing implements AutoCloseable {
        private final Ledger ledger;
        private final Phase phase;
        private final long start;

        private Timing(Ledger ledger, Phase phase, long start) {
            this.ledger = ledger;
            this.phase = phase;
            this.start = start;
        }

        @Override
        public void close() {
            ledger.nanos.merge(phase, System.nanoTime() - start, Long::sum);
        }
    }

    public void forward(Phase phase, long rows, long macsPerSample) {
        macs.merge(phase, rows * macsPerSample, Long::sum);
    }

    /** A training step: forward and backward. */
    public void trainStep(Phase phase, long rows, long macsPerSample) {
        macs.merge(phase, 3 * rows * macsPerSample, Long::sum);
        samples.merge(phase, rows, Long::sum);
    }

    public void addSamples(Phase phase, long n) {
        samples.merge(phase, n, Long::sum);
    }

    public double seconds(Phase phase) {
        return nanos.getOrDefault(phase, 0L) / 1e9;
    }

    public long macs(Phase phase) {
        return macs.getOrDefault(phase, 0L);
    }

    public long samples(Phase phase) {
        return samples.getOrDefault(phase, 0L);
    }

    public long totalMacs() {
        return macs.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Adds another ledger's counts (e.g. a resumed run's earlier tasks). */
    public void add(Ledger other) {
        other.nanos.forEach((k, v) -> nanos.merge(k, v, Long::sum));
        other.macs.forEach((k, v) -> macs.merge(k, v, Long::sum));
        other.samples.forEach((k, v) -> samples.merge(k, v, Long::sum));
    }

    public void restore(Phase phase, long ns, long mac, long n) {
        nanos.put(phase, ns);
        macs.put(phase, mac);
        samples.put(phase, n);
    }

    public long nanos(Phase phase) {
        return nanos.getOrDefault(phase, 0L);
    }
}
