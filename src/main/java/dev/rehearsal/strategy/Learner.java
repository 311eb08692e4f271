package dev.rehearsal.strategy;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.metrics.ConfusionMatrix;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.LossCurves;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.replay.Batch;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.replay.Segment;
import dev.rehearsal.scenario.Held;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;

/**
 * The one training loop every strategy uses. A step: take the next {@code batch} current samples (grouped
 * by task), gather them into the model's input, let the scheduler append replayed rows, run forward, the
 * loss of each segment (cross-entropy, distillation or logit matching: {@link Segment.Loss}), backward and one
 * optimiser step, with the strategy's {@link StepHooks} in between
 * (their order is documented there). Loss values are checked every step: a non-finite
 * loss stops the run with the task, epoch and step where it happened.
 */
final class Learner {
    private final Context ctx;
    private final Batch batch;
    private final StepHooks hooks;
    private final int[] entries;
    private final int[] indices;
    private final int[] targets;

    Learner(Context ctx, Batch batch, StepHooks hooks) {
        this.ctx = ctx;
        this.batch = batch;
        this.hooks = hooks;
        this.entries = new int[batch.maxRows()];
        this.indices = new int[batch.maxRows()];
        this.targets = new int[batch.maxRows()];
    }

    /** Steps for a task of {@code samples} training samples: iterations, or epochs over the samples. */
    static long steps(int samples, int batchSize, int epochs, int iterations) {
        return iterations > 0 ? iterations : ((long) epochs * samples + batchSize - 1) / batchSize;
    }

    /**
     * Trains the solver on {@code current} (one task, or all tasks so far for joint training) as the
     * {@code taskNumber}-th task (1-based). {@code observer} sees each current sample's position in the
     * last task once (reservoir selection); null for none.
     */
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void trainSolver(Mlp solver, List<Task> current, int taskNumber, ReplayScheduler scheduler,
            IntConsumer observer) {
        Ledger ledger = ctx.ledger();
        Backend be = ctx.backend();
        SampleStream stream = new SampleStream(current, ctx.rng());
        int bc = Math.min(ctx.config().batch, stream.size());
        long steps = steps(stream.size(), bc, ctx.config().epochs, ctx.config().iterations);
        long perEpoch = Math.max(1, (stream.size() + bc - 1) / bc);
        Task last = current.get(current.size() - 1);
        // Every step of this task has the same rows: create what they need now, not inside a step.
        solver.prepare(scheduler.plan(taskNumber, bc).rows());
        scheduler.prepare(taskNumber, bc);
        ctx.progress().begin("task " + taskNumber + " solver", steps);
        ctx.losses().begin(LossCurves.Model.SOLVER, taskNumber - 1);
        Divergence divergence = new Divergence("solver", taskNumber, perEpoch);
        for (long s = 0; s < steps; s++) {
            ReplayScheduler.Step step = scheduler.plan(taskNumber, bc);
            int rows = step.rows();
            Tensor input = solver.input(rows);
            List<Segment> segments = new ArrayList<>();
            try (var t = ledger.time(Phase.SOLVER_TRAINING)) {
                long before = stream.consumed();
                stream.next(bc, entries);
                gatherCurrent(input, current, bc, solver.outputs(), step.currentWeight() / bc, segments);
                if (observer != null) {
                    for (int i = 0; i < bc && before + i < stream.size(); i++) {
                        if (SampleStream.task(entries[i]) == last.index()) {
                            observer.accept(SampleStream.position(entries[i]));
                        }
                    }
                }
            }
            try (var t = ledger.time(Phase.GENERATION)) {
                segments.addAll(scheduler.fillReplay(step, input, batch, solver.outputs(), ctx.rng(), ledger));
            }
            double loss = 0;
            long macs;
            long pass;
            try (var t = ledger.time(Phase.SOLVER_TRAINING)) {
                long macsBefore = be.macs();
                solver.zeroGrad();
                solver.forward(rows);
                pass = be.macs() - macsBefore;
                Tensor logits = solver.logits(rows);
                Tensor dlogits = solver.logitsGrad(rows);
                for (Segment g : segments) {
                    loss += segmentLoss(be, g, dlogits.rows(g.from(), g.to()), logits.rows(g.from(), g.to()));
                }
                loss += hooks.logitLoss(solver, rows, bc, taskNumber);
                divergence.check(s, loss); // before a regulariser's penalty, which may legitimately be large
                long beforeBackward = be.macs();
                solver.backward(rows, hooks.featureGradient(solver, rows));
                pass += be.macs() - beforeBackward;
                loss += hooks.parameterPenalty(solver, taskNumber);
                checkFinite(loss, "solver", taskNumber, s, perEpoch);
                hooks.beforeOptimizerStep(solver, taskNumber);
                solver.optimizer().step();
                hooks.afterOptimizerStep(solver, taskNumber);
                macs = be.macs() - macsBefore;
            }
            ledger.step(Phase.SOLVER_TRAINING, rows, macs, pass);
            ctx.losses().step(loss);
            ctx.progress().advance(s + 1, s / perEpoch + 1, loss);
        }
        ctx.losses().end();
        ctx.progress().end();
    }

    /**
     * Trains a VAE on the current images plus its scheduler's replayed images. A conditional VAE gets each
     * row's label one-hot in its label columns: the current rows' own targets, and the labels the replayed
     * rows were generated from (both in the batch's targets).
     */
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void trainGenerator(Vae vae, List<Task> current, int taskNumber, ReplayScheduler scheduler) {
        Ledger ledger = ctx.ledger();
        SampleStream stream = new SampleStream(current, ctx.rng());
        int bc = Math.min(ctx.config().batch, stream.size());
        long steps = steps(stream.size(), bc, ctx.config().vaeEpochs, ctx.config().vaeIterations);
        long perEpoch = Math.max(1, (stream.size() + bc - 1) / bc);
        vae.prepare(scheduler.plan(taskNumber, bc).rows());
        scheduler.prepare(taskNumber, bc);
        ctx.progress().begin("task " + taskNumber + " generator", steps);
        ctx.losses().begin(LossCurves.Model.GENERATOR, taskNumber - 1);
        Divergence divergence = new Divergence("generator", taskNumber, perEpoch);
        List<Segment> ignored = new ArrayList<>();
        for (long s = 0; s < steps; s++) {
            ReplayScheduler.Step step = scheduler.plan(taskNumber, bc);
            int rows = step.rows();
            try (var t = ledger.time(Phase.GENERATOR_TRAINING)) {
                stream.next(bc, entries);
                ignored.clear();
                gatherCurrent(vae.image(rows), current, bc, 0, 0f, ignored);
            }
            try (var t = ledger.time(Phase.GENERATION)) {
                scheduler.fillReplayImages(step, vae.image(rows), batch, ctx.rng(), ledger);
            }
            double loss;
            long macs;
            try (var t = ledger.time(Phase.GENERATOR_TRAINING)) {
                if (vae.spec().classes() > 0) {
                    ctx.backend().oneHot(vae.labelInput(rows), batch.targets(0, rows), 0);
                }
                long macsBefore = ctx.backend().macs();
                vae.sampleNoise(rows, ctx.rng());
                vae.zeroGrad();
                vae.forward(rows);
                loss = vae.loss(0, step.current(), step.currentWeight() / step.current());
                if (step.replay() > 0) {
                    loss += vae.loss(step.current(), rows, step.replayWeight() / step.replay());
                }
                divergence.check(s, loss);
                vae.backward(rows);
                vae.optimizer().step();
                macs = ctx.backend().macs() - macsBefore;
            }
            ledger.step(Phase.GENERATOR_TRAINING, rows, macs);
            ctx.losses().step(loss);
            ctx.progress().advance(s + 1, s / perEpoch + 1, loss);
        }
        ctx.losses().end();
        ctx.progress().end();
    }

    /**
     * Trains {@code vae} alone for {@code steps} steps on the training samples of {@code task} (the
     * {@code taskNumber}-th, 1-based) whose output unit is {@code unit}: genc's VAE of one class, which sees its
     * class's data and nothing else. A step's loss is the negative ELBO averaged over the step's rows and the
     * image's pixels (van de Ven et al.'s average). These VAEs are genc's classifier, so their steps, MACs and
     * losses are the run's solver training.
     */
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    void trainClassVae(Vae vae, Task task, int unit, int taskNumber, long steps) {
        Ledger ledger = ctx.ledger();
        Backend be = ctx.backend();
        SampleStream stream = SampleStream.ofUnit(task, unit, ctx.rng());
        int bc = Math.min(ctx.config().batch, stream.size());
        long perEpoch = Math.max(1, (stream.size() + bc - 1) / bc);
        float weight = 1f / ((float) bc * vae.spec().input());
        List<Task> current = List.of(task);
        List<Segment> ignored = new ArrayList<>();
        vae.prepare(bc);
        ctx.progress().begin("task " + taskNumber + " class VAE " + unit, steps);
        ctx.losses().begin(LossCurves.Model.SOLVER, taskNumber - 1);
        Divergence divergence = new Divergence("VAE of unit " + unit, taskNumber, perEpoch);
        for (long s = 0; s < steps; s++) {
            double loss;
            long macs;
            try (var t = ledger.time(Phase.SOLVER_TRAINING)) {
                stream.next(bc, entries);
                ignored.clear();
                gatherCurrent(vae.image(bc), current, bc, 0, 0f, ignored);
                long macsBefore = be.macs();
                vae.sampleNoise(bc, ctx.rng());
                vae.zeroGrad();
                vae.forward(bc);
                loss = vae.loss(0, bc, weight);
                divergence.check(s, loss);
                vae.backward(bc);
                vae.optimizer().step();
                macs = be.macs() - macsBefore;
            }
            ledger.step(Phase.SOLVER_TRAINING, bc, macs);
            ctx.losses().step(loss);
            ctx.progress().advance(s + 1, s / perEpoch + 1, loss);
        }
        ctx.losses().end();
        ctx.progress().end();
    }

    /**
     * Writes the {@code n} current entries' indices and targets into the batch and their pixels into
     * {@code input}, one gather per task (each task has its own permutation); adds their segments.
     */
    private void gatherCurrent(Tensor input, List<Task> current, int n, int outputs, float weightPerRow,
            List<Segment> segments) {
        Scenario sc = ctx.scenario();
        for (int i = 0; i < n; i++) {
            Task task = sc.tasks().get(SampleStream.task(entries[i]));
            int pos = SampleStream.position(entries[i]);
            indices[i] = task.trainIndices()[pos];
            targets[i] = task.trainTargets()[pos];
        }
        batch.setIndices(0, n, indices, 0);
        batch.setTargets(0, n, targets, 0);
        int start = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || SampleStream.task(entries[i]) != SampleStream.task(entries[start])) {
                Task task = sc.tasks().get(SampleStream.task(entries[start]));
                ctx.backend().gather(input.rows(start, i), sc.train().images(), batch.indices(start, i),
                        sc.permutation(task), 1f / 255f);
                int[] range = sc.classRange(task, outputs);
                segments.add(new Segment(start, i, range[0], range[1], weightPerRow, false));
                start = i;
            }
        }
    }

    /** Writes the gradient of one segment's loss into its rows of {@code dlogits}; returns the loss. */
    double segmentLoss(Backend be, Segment g, Tensor dlogits, Tensor logits) {
        return switch (g.loss()) {
            case HARD -> be.crossEntropy(dlogits, logits, batch.targets(g.from(), g.to()), g.lo(), g.hi(),
                    g.weightPerRow());
            case SOFT -> be.softCrossEntropy(dlogits, logits, batch.softTargets(g.from(), g.to(), g.hi() - g.lo()),
                    g.lo(), g.hi(), (float) ctx.config().temperature, g.weightPerRow());
            // Target logits sit in the soft-target rows: column j is logit column lo + j.
            case LOGITS -> be.mseLoss(dlogits, logits, batch.softTargets(g.from(), g.to(), g.hi() - g.lo()), g.lo(),
                    g.hi(), g.weightPerRow());
        };
    }

    private static void checkFinite(double loss, String model, int taskNumber, long step, long perEpoch) {
        if (!Double.isFinite(loss)) {
            throw diverged(model + " loss is " + loss, taskNumber, step, perEpoch);
        }
    }

    private static RehearsalException diverged(String what, int taskNumber, long step, long perEpoch) {
        return new RehearsalException(RehearsalException.RUN, "training diverged: the " + what + " at task "
                + taskNumber + ", epoch " + (step / perEpoch + 1) + ", step " + (step % perEpoch + 1)
                + " (try a smaller --lr)");
    }

    /**
     * When one model's training in one task has diverged: a loss that is not finite, or a finite one that
     * explodes, that is the mean of the last {@link #WINDOW} steps above {@link #FACTOR} times the task's first
     * loss (taken as at least 1, so a near-zero start is no hair trigger) or above {@link #CEILING}. The solver's
     * loss is checked before a regulariser's parameter penalty (SI's can reach 10^5 in a healthy run; the total
     * must still be finite). Healthy losses (cross-entropies and distillation of a few units, a VAE's hundreds
     * per image) stay orders of magnitude below both limits; a too large learning rate crosses them within a
     * few steps (--lr 100: 0.69, then 5e12).
     */
    static final class Divergence {
        static final int WINDOW = 10;
        static final double FACTOR = 1e4;
        static final double CEILING = 1e10;
        private final String model;
        private final int taskNumber;
        private final long perEpoch;
        private final double[] last = new double[WINDOW];
        private long seen;
        private double first;

        Divergence(String model, int taskNumber, long perEpoch) {
            this.model = model;
            this.taskNumber = taskNumber;
            this.perEpoch = perEpoch;
        }

        /** Checks step {@code step}'s loss (0-based), throwing exit code 4 when the training diverged. */
        void check(long step, double loss) {
            checkFinite(loss, model, taskNumber, step, perEpoch);
            if (seen == 0) {
                first = loss;
            }
            last[(int) (seen++ % WINDOW)] = loss;
            int n = (int) Math.min(seen, WINDOW);
            double mean = 0;
            for (int i = 0; i < n; i++) {
                mean += last[i] / n;
            }
            double limit = Math.min(FACTOR * Math.max(first, 1), CEILING);
            if (mean > limit) {
                throw diverged(String.format(java.util.Locale.ROOT, "%s loss averaged %.3g over its last %d steps, "
                        + "above %s (10^4 times its first loss %.3g in this task, at least 1, and at most 10^10)",
                        model, mean, n, String.format(java.util.Locale.ROOT, "%.3g", limit), first), taskNumber, step,
                        perEpoch);
            }
        }
    }

    /**
     * Accuracy on one task's test or validation samples ({@code on}): batches of the solver's largest batch,
     * classified over the task's range; each prediction is also counted in {@code confusion} when it is not null.
     */
    @SuppressWarnings("try") // ledger.time(...) is a scope (closing it stops the clock): its variable is never read
    double accuracy(Mlp solver, Task task, Held on, ConfusionMatrix confusion) {
        Scenario sc = ctx.scenario();
        Ledger ledger = ctx.ledger();
        int chunk = Math.min(solver.maxBatch(), batch.maxRows());
        int[] range = sc.classRange(task, solver.outputs());
        int size = on.size(task);
        long correct = 0;
        try (var t = ledger.time(Phase.EVALUATION)) {
            for (int from = 0; from < size; from += chunk) {
                int n = Math.min(chunk, size - from);
                batch.setIndices(0, n, on.indices(task), from);
                batch.setTargets(0, n, on.targets(task), from);
                ctx.backend().gather(solver.input(n), on.images(sc).images(), batch.indices(0, n), sc.permutation(task),
                        1f / 255f);
                solver.forward(n);
                if (confusion == null) {
                    correct += ctx.backend().countCorrect(solver.logits(n), batch.targets(0, n), range[0], range[1]);
                } else {
                    ctx.backend().argmax(batch.indices(0, n), solver.logits(n), range[0], range[1]);
                    correct += tally(confusion, batch.indices(0, n), on.targets(task), from);
                }
            }
        }
        ledger.addSamples(Phase.EVALUATION, size);
        return (double) correct / size;
    }

    /**
     * Counts predictions ({@code I32 [n, 1]}, e.g. written over the batch's indices once the images are
     * gathered) against {@code targets[from .. from + n)}; returns how many are right (the same argmax as
     * {@code Backend.countCorrect}, so the accuracy is the same either way).
     */
    static long tally(ConfusionMatrix confusion, Tensor predicted, int[] targets, int from) {
        int[] p = predicted.toIntArray();
        long right = 0;
        for (int i = 0; i < p.length; i++) {
            confusion.add(targets[from + i], p[i]);
            right += p[i] == targets[from + i] ? 1 : 0;
        }
        return right;
    }
}
