package dev.rehearsal.replay;

import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Decides, for every training step, how the batch is composed: {@code current} rows of the task being
 * learned followed by {@code replay} rows from the configured source (none before the first task ends),
 * and the loss weight of each part. With the default {@link Weighting#TASKS}, on the t-th task (1-based)
 * current data weighs 1/t and replay 1 - 1/t, so that every task seen so far counts equally (van de Ven
 * et al. 2020). {@link Mode#POOL} draws replay from a pool generated once per task instead of generating
 * per batch.
 */
public final class ReplayScheduler {
    /** How current and replayed losses are weighted. */
    public enum Weighting {
        /** Current 1/t, replay 1 - 1/t on the t-th task. */
        TASKS,
        /** Half and half once there is replay. */
        EQUAL,
        /**
         * Every segment weighs 0: the strategy writes the whole loss itself through its logit-loss hook (iCaRL's
         * binary cross-entropy over current and exemplar rows alike). Chosen by a strategy, not on the command line.
         */
        NONE,
        /**
         * Current rows weigh 1 and each replayed segment keeps the weight per row its source gave it: for
         * strategies whose replay terms carry their own published weights (DER++'s alpha and beta). Chosen
         * by a strategy, not by the {@code weighting} option.
         */
        SOURCE;

        public static Weighting parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "tasks", "1/t" -> TASKS;
                case "equal" -> EQUAL;
                default -> throw new IllegalArgumentException("unknown weighting '" + s + "': use tasks or equal");
            };
        }
    }

    /** When generated replay is produced. */
    public enum Mode {
        /** A fresh generated batch every step. */
        ON_THE_FLY,
        /** A pool generated once at the start of each task, sampled like a buffer. */
        POOL;

        public static Mode parse(String s) {
            return switch (s.trim().toLowerCase(Locale.ROOT)) {
                case "on-the-fly", "onthefly", "batch" -> ON_THE_FLY;
                case "pool" -> POOL;
                default -> throw new IllegalArgumentException("unknown generation mode '" + s
                        + "': use on-the-fly or pool");
            };
        }
    }

    /** One step's composition. */
    public record Step(int current, int replay, float currentWeight, float replayWeight) {
        public int rows() {
            return current + replay;
        }
    }

    private final ReplaySource source;
    private final double ratio;
    private final Weighting weighting;
    private final Mode mode;
    private final ReplayPool pool;

    /**
     * @param source the replay source, or null for none
     * @param ratio  replayed rows per current row
     * @param pool   the pool to fill from a generative source in {@link Mode#POOL}; null otherwise
     */
    public ReplayScheduler(ReplaySource source, double ratio, Weighting weighting, Mode mode, ReplayPool pool) {
        if (!(ratio >= 0) || Double.isInfinite(ratio)) {
            throw new IllegalArgumentException("replay ratio must be >= 0, got " + ratio);
        }
        if (mode == Mode.POOL && pool == null) {
            throw new IllegalArgumentException("pool mode needs a pool");
        }
        this.source = source;
        this.ratio = ratio;
        this.weighting = weighting;
        this.mode = mode;
        this.pool = pool;
    }

    /** No replay at all (fine-tuning, joint training). */
    public static ReplayScheduler none() {
        return new ReplayScheduler(null, 0, Weighting.TASKS, Mode.ON_THE_FLY, null);
    }

    public Mode mode() {
        return mode;
    }

    public Weighting weighting() {
        return weighting;
    }

    public double ratio() {
        return ratio;
    }

    /** Whether replay happens on this task. */
    public boolean replaying() {
        return source != null && ratio > 0 && !source.isEmpty();
    }

    /** Replayed rows per step for {@code current} current rows. */
    public int replayRows(int current) {
        return replaying() ? Math.max(1, (int) Math.round(ratio * current)) : 0;
    }

    /** Called before a task's training: fills the pool in pool mode. */
    public void beginTask(int taskNumber, int poolSize, int outputs, Rng rng, Ledger ledger) {
        if (mode == Mode.POOL && replaying()) {
            if (!(source instanceof GenerativeReplay g)) {
                throw new IllegalStateException("pool mode needs a generative source");
            }
            pool.refill(g, poolSize, outputs, rng, ledger);
        }
    }

    /**
     * Prepares the source for the replay rows of a step of the {@code taskNumber}-th task with
     * {@code current} rows (a pool is drawn from by copying: nothing to prepare).
     */
    public void prepare(int taskNumber, int current) {
        int replay = plan(taskNumber, current).replay();
        if (replay > 0 && mode != Mode.POOL) {
            source.prepare(replay);
        }
    }

    /** The composition of a step of the {@code taskNumber}-th task (1-based) with {@code current} rows. */
    public Step plan(int taskNumber, int current) {
        int replay = replayRows(current);
        if (weighting == Weighting.NONE) {
            return new Step(current, replay, 0f, 0f);
        }
        if (replay == 0) {
            return new Step(current, 0, 1f, 0f);
        }
        if (weighting == Weighting.SOURCE) {
            return new Step(current, replay, 1f, 0f);
        }
        float wr = switch (weighting) {
            case TASKS -> 1f - 1f / taskNumber;
            case EQUAL -> 0.5f;
            case NONE, SOURCE -> throw new AssertionError("handled above");
        };
        return new Step(current, replay, 1f - wr, wr);
    }

    /**
     * Fills the replay rows [current, current + replay) of {@code input} and the batch, and returns their
     * loss segments with the per-row weight of the step (with {@link Weighting#SOURCE}, the source's own).
     */
    public List<Segment> fillReplay(Step step, Tensor input, Batch batch, int outputs, Rng rng, Ledger ledger) {
        if (step.replay() == 0) {
            return List.of();
        }
        ReplaySource from = mode == Mode.POOL ? pool : source;
        List<Segment> raw = from.draw(input, batch, step.current(), step.replay(), outputs, rng, ledger);
        if (weighting == Weighting.SOURCE) {
            return raw;
        }
        float perRow = step.replayWeight() / step.replay() * from.lossScale();
        List<Segment> out = new ArrayList<>(raw.size());
        for (Segment s : raw) {
            out.add(s.withWeight(perRow));
        }
        return out;
    }

    /**
     * Fills replay rows with images, for training a generator on its own replay; a conditional source also
     * writes the labels it generated them from into the batch's targets of those rows (the generator's
     * condition).
     */
    public void fillReplayImages(Step step, Tensor input, Batch batch, Rng rng, Ledger ledger) {
        if (step.replay() == 0) {
            return;
        }
        if (mode == Mode.POOL) {
            pool.drawImages(input, step.current(), step.replay(), rng);
        } else if (source instanceof GenerativeReplay g) {
            g.drawImages(input, step.current(), step.replay(), rng, ledger);
        } else if (source instanceof ConditionalReplay g) {
            g.drawImages(input, batch, step.current(), step.replay(), rng, ledger);
        } else {
            throw new IllegalStateException("only generative replay trains a generator");
        }
    }
}
