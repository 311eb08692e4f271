package dev.rehearsal.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The overall estimate of a command of many runs: the work left, run by run, at the pace measured so far. Work is
 * counted as the {@link Ledger} counts it: solver steps, generator steps, and evaluation, the last in steps of the
 * same rows (a test pass over N samples is N / (3 x batch) steps: a forward pass only, a third of a training
 * row's work). The pace is wall seconds per unit of work, so what a run does besides its steps (drawing replay,
 * consolidation, writing results and checkpoints) is in it: a strategy's own once one of its runs has made
 * progress, else that of every run so far (a strategy not seen yet is assumed as fast per step as those seen).
 * Pure functions of what they are given: no clock is read here.
 */
public final class Eta {
    private Eta() {
    }

    /** The work of a run, or of part of one. */
    public record Work(long solverSteps, long generatorSteps, double evaluationSteps) {
        /** No work. */
        public static final Work NONE = new Work(0, 0, 0);

        /** Evaluation of {@code samples} test (or validation) samples, as steps of {@code batch} rows. */
        public static double evaluation(long samples, int batch) {
            return samples / (3.0 * Math.max(1, batch));
        }

        /** Units of work: every step, and the evaluation in steps. */
        public double units() {
            return solverSteps + generatorSteps + evaluationSteps;
        }

        public Work plus(Work o) {
            return new Work(solverSteps + o.solverSteps, generatorSteps + o.generatorSteps,
                    evaluationSteps + o.evaluationSteps);
        }

        /** What is left of this work once {@code done} of it is (never below none). */
        public Work minus(Work done) {
            return new Work(Math.max(0, solverSteps - done.solverSteps), Math.max(0, generatorSteps
                    - done.generatorSteps), Math.max(0, evaluationSteps - done.evaluationSteps));
        }
    }

    /** A run still to come (or the rest of the current one): its strategy and its work. */
    public record Run(String strategy, Work work) {
    }

    /** The pace measured so far: units of work and wall seconds, per strategy. */
    public static final class Pace {
        private final Map<String, double[]> byStrategy = new LinkedHashMap<>();

        /** Runs of {@code strategy} did {@code work} in {@code seconds} of wall time. */
        public Pace add(String strategy, Work work, double seconds) {
            double[] s = byStrategy.computeIfAbsent(strategy, k -> new double[2]);
            s[0] += work.units();
            s[1] += seconds;
            return this;
        }

        /** A copy (to add the current run's progress to without keeping it). */
        public Pace copy() {
            Pace p = new Pace();
            byStrategy.forEach((k, v) -> p.byStrategy.put(k, v.clone()));
            return p;
        }

        /** Seconds per unit of work of {@code strategy}: its own, else every strategy's; NaN before any work. */
        public double secondsPerUnit(String strategy) {
            double[] own = byStrategy.get(strategy);
            if (own != null && own[0] > 0) {
                return own[1] / own[0];
            }
            double units = 0;
            double seconds = 0;
            for (double[] s : byStrategy.values()) {
                units += s[0];
                seconds += s[1];
            }
            return units > 0 ? seconds / units : Double.NaN;
        }

        /** Every second measured. */
        public double seconds() {
            return byStrategy.values().stream().mapToDouble(s -> s[1]).sum();
        }
    }

    /** Seconds the runs {@code left} take at {@code pace}; NaN before any work was measured. */
    public static double secondsLeft(Pace pace, List<Run> left) {
        double total = 0;
        for (Run r : left) {
            total += r.work().units() * pace.secondsPerUnit(r.strategy());
        }
        return left.isEmpty() ? 0 : total;
    }

    /**
     * Wall seconds left when several runs go at once (a sweep): the seconds of work left, shared among the runs
     * going at once as the wall time so far shared the work done ({@code wallSeconds} of wall time for
     * {@link Pace#seconds} of work). NaN before any work was measured.
     */
    public static double wallSecondsLeft(Pace pace, List<Run> left, double wallSeconds) {
        double work = pace.seconds();
        return work > 0 ? secondsLeft(pace, left) * wallSeconds / work : Double.NaN;
    }
}
