package dev.rehearsal.metrics;

import java.util.List;

/**
 * The efficiency metrics of Díaz-Rodríguez, Lomonaco, Filliat and Maltoni (2018), "Don't forget, there is
 * more than forgetting: new metrics for Continual Learning", over N tasks:
 * <ul>
 *   <li>model size efficiency {@code MS = min(1, 1/N sum_i Mem(θ_1) / Mem(θ_i))}, with Mem(θ_i) the solver's
 *       parameter bytes after task i (a growing head or network lowers it);</li>
 *   <li>samples storage size efficiency {@code SSS = 1 - min(1, 1/N sum_i Mem(M_i) / Mem(D))}, with Mem(M_i)
 *       the bytes kept to remember earlier tasks after task i (stored samples for replay, generator and frozen
 *       models for generative replay, every sample so far for joint training) and Mem(D) the bytes of the
 *       whole training stream (uint8 images of every task);</li>
 *   <li>computational efficiency {@code CE = min(1, 1/N sum_i Ops↑↓(Tr_i) ε / (1 + Ops(Tr_i)))} with ε = 1,
 *       Ops↑↓(Tr_i) the MACs of one forward and backward pass of the solver over task i's data and
 *       Ops(Tr_i) all MACs spent learning task i (every epoch, replay, generator training and generation).</li>
 * </ul>
 * All three lie in [0, 1]; higher is better.
 */
public record Efficiency(double ms, double sss, double ce) {

    public static Efficiency of(List<TaskRecord> tasks, long trainingStreamBytes) {
        int n = tasks.size();
        if (n == 0) {
            return new Efficiency(Double.NaN, Double.NaN, Double.NaN);
        }
        double ms = 0;
        double sss = 0;
        double ce = 0;
        long first = tasks.get(0).solverParameterBytes();
        for (TaskRecord t : tasks) {
            ms += (double) first / t.solverParameterBytes();
            sss += (double) t.replayBytes() / trainingStreamBytes;
            ce += (double) t.onePassMacs() / (1.0 + t.trainingMacs());
        }
        return new Efficiency(Math.min(1, ms / n), 1 - Math.min(1, sss / n), Math.min(1, ce / n));
    }
}
