package dev.rehearsal.replay;

import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Tensor;
import java.util.List;

/** Where replayed samples come from. */
public interface ReplaySource extends AutoCloseable {

    /** True while there is nothing to replay (before the first task ends). */
    boolean isEmpty();

    /**
     * Writes {@code n} replayed images into rows [from, from + n) of {@code input} and their targets into
     * the same rows of {@code batch}; returns the loss segments of those rows (weights per row unset: 0,
     * the scheduler sets them; a source replayed with {@code ReplayScheduler.Weighting.SOURCE} sets its own).
     * {@code outputs} is the classifier's number of active units.
     */
    List<Segment> draw(Tensor input, Batch batch, int from, int n, int outputs, Rng rng, Ledger ledger);

    /**
     * Creates what drawing {@code n} rows will need from the backend (a generator's primitives), so that a
     * training step that draws them allocates nothing. Nothing by default: a buffer only copies.
     */
    default void prepare(int n) {
    }

    /**
     * A constant factor on the replayed rows' loss weight, for a source whose published loss differs from the
     * one the training loop applies (brain-inspired replay distils without the usual T^2): 1 by default.
     */
    default float lossScale() {
        return 1f;
    }

    /** Exact bytes this source holds (samples, frozen models). */
    long bytes();

    @Override
    void close();
}
