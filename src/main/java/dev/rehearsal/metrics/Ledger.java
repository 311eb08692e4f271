package dev.rehearsal.metrics;

import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Wall time, multiply-accumulates and samples per {@link Phase}.
 *
 * <p>MACs are not estimated: the ledger reads the backend's GEMM counter ({@code Backend.macs()}, counted
 * where each GEMM is issued) and gives every MAC issued while a phase is open to the innermost open phase.
 * A MAC issued while no phase is open is kept as {@link #unattributedMacs()}, so a run can prove that its
 * per-phase counts add up to all the work its backend did. Time is inclusive: a phase opened inside another
 * (none is today) also counts in the outer one's seconds, but its MACs count only in its own.
 */
public final class Ledger {
    private final Map<Phase, Long> nanos = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> macs = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> samples = new EnumMap<>(Phase.class);
    private final Map<Phase, Step> largestStep = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> passMacs = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> steps = new EnumMap<>(Phase.class);
    /** What {@link #add} brought in (a resumed run's earlier tasks): counted in the totals, not this process's. */
    private final Map<Phase, Long> addedNanos = new EnumMap<>(Phase.class);
    private final Map<Phase, Long> addedMacs = new EnumMap<>(Phase.class);
    private final LongSupplier counter;
    private final ArrayDeque<Phase> open = new ArrayDeque<>();
    private long lastReading;
    private long unattributed;

    /** A ledger that attributes the MACs {@code counter} reports (a backend's {@code macs()}) to phases. */
    public Ledger(LongSupplier counter) {
        this.counter = counter;
        this.lastReading = counter.getAsLong();
    }

    /** A ledger of counts restored from a file: it counts no new work. */
    public Ledger() {
        this(() -> 0L);
    }

    /** Starts timing a phase; close the returned handle to stop (handles close in reverse order of opening). */
    public Timing time(Phase phase) {
        settle();
        open.push(phase);
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
            ledger.settle();
            Phase top = ledger.open.pop();
            if (top != phase) {
                throw new IllegalStateException("phase " + phase + " closed while " + top + " was open inside it");
            }
            ledger.nanos.merge(phase, System.nanoTime() - start, Long::sum);
        }
    }

    /** Gives the MACs counted since the last reading to the innermost open phase. */
    private void settle() {
        long now = counter.getAsLong();
        long delta = now - lastReading;
        lastReading = now;
        if (delta == 0) {
            return;
        }
        if (open.isEmpty()) {
            unattributed += delta;
        } else {
            macs.merge(open.peek(), delta, Long::sum);
        }
    }

    /** One training step as measured: its rows and the MACs its GEMMs issued. */
    public record Step(long rows, long macs) {
    }

    /**
     * Records a training step of {@code rows} rows whose GEMMs issued {@code macs} (a difference of two
     * counter readings around the step's forward, backward and optimiser step): adds the rows to the
     * phase's samples and keeps the step if it is the largest so far (the latest of equal ones).
     */
    public void step(Phase phase, long rows, long macs) {
        step(phase, rows, macs, macs);
    }

    /**
     * As {@link #step(Phase, long, long)}, where {@code pass} of the step's MACs are the model's own forward
     * and backward pass (the rest: a strategy's hooks, e.g. a teacher's forward pass or a reference gradient).
     */
    public void step(Phase phase, long rows, long macs, long pass) {
        passMacs.merge(phase, pass, Long::sum);
        steps.merge(phase, 1L, Long::sum);
        addSamples(phase, rows);
        Step s = largestStep.get(phase);
        if (s == null || rows >= s.rows()) {
            largestStep.put(phase, new Step(rows, macs));
        }
    }

    /** Training steps of the phase recorded in this process ({@link #step}). */
    public long steps(Phase phase) {
        return steps.getOrDefault(phase, 0L);
    }

    /** MACs of the trained model's own forward and backward passes in the phase, in this process. */
    public long passMacs(Phase phase) {
        return passMacs.getOrDefault(phase, 0L);
    }

    /** The largest training step of the phase in this process (the latest of equal ones); null if none. */
    public Step largestStep(Phase phase) {
        return largestStep.get(phase);
    }

    /** Records {@code n} samples processed in a phase (rows trained, images generated, samples tested). */
    public void addSamples(Phase phase, long n) {
        samples.merge(phase, n, Long::sum);
    }

    public double seconds(Phase phase) {
        return nanos.getOrDefault(phase, 0L) / 1e9;
    }

    public long macs(Phase phase) {
        settle();
        return macs.getOrDefault(phase, 0L);
    }

    public long samples(Phase phase) {
        return samples.getOrDefault(phase, 0L);
    }

    public long totalMacs() {
        settle();
        return macs.values().stream().mapToLong(Long::longValue).sum();
    }

    /** MACs the backend issued while no phase was open (0 in a run: every GEMM belongs to a phase). */
    public long unattributedMacs() {
        settle();
        return unattributed;
    }

    /** Adds another ledger's counts (e.g. a resumed run's earlier tasks). */
    public void add(Ledger other) {
        other.nanos.forEach((k, v) -> nanos.merge(k, v, Long::sum));
        other.macs.forEach((k, v) -> macs.merge(k, v, Long::sum));
        other.nanos.forEach((k, v) -> addedNanos.merge(k, v, Long::sum));
        other.macs.forEach((k, v) -> addedMacs.merge(k, v, Long::sum));
        other.samples.forEach((k, v) -> samples.merge(k, v, Long::sum));
        unattributed += other.unattributed;
    }

    public void restore(Phase phase, long ns, long mac, long n) {
        nanos.put(phase, ns);
        macs.put(phase, mac);
        samples.put(phase, n);
    }

    public long nanos(Phase phase) {
        return nanos.getOrDefault(phase, 0L);
    }

    /** The MACs of the phase this process counted: all of them less what {@link #add} brought in. */
    public long macsThisProcess(Phase phase) {
        return macs(phase) - addedMacs.getOrDefault(phase, 0L);
    }

    /** The seconds of the phase this process timed: all of them less what {@link #add} brought in. */
    public double secondsThisProcess(Phase phase) {
        return (nanos(phase) - addedNanos.getOrDefault(phase, 0L)) / 1e9;
    }
}
