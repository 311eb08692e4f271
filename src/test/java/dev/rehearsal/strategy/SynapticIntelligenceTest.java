package dev.rehearsal.strategy;

import dev.rehearsal.scenario.Setting;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SI's bookkeeping against a hand computation: steps are played by hand (a known gradient in the gradient
 * block, then known new parameters, then the strategy's after-step hook), so the path integral
 * {@code omega = sum_s -g_s (theta_s - theta_{s-1})}, the importance
 * {@code Omega = omega / ((theta_end - theta_start)^2 + xi)} summed over tasks, and the surrogate loss
 * {@code c sum Omega (theta - theta*)^2} with its gradient {@code 2 c Omega (theta - theta*)} are all computed
 * in double here, on both backends.
 */
class SynapticIntelligenceTest {
    private static final double C = 3.0;
    private static final double XI = 0.1;

    /** One task of {@code steps} hand-played steps; returns omega / ((end - start)^2 + xi) in double. */
    private static double[] playTask(SynapticIntelligence si, Task task, int steps, Random r) {
        Mlp m = si.solver();
        si.beforeTask(task);
        float[] start = m.parameterBlock().toFloatArray();
        float[] theta = start.clone();
        double[] omega = new double[theta.length];
        for (int s = 0; s < steps; s++) {
            float[] g = new float[theta.length];
            float[] next = new float[theta.length];
            for (int i = 0; i < theta.length; i++) {
                g[i] = (float) r.nextGaussian();
                next[i] = theta[i] + (float) (0.05 * r.nextGaussian());
            }
            m.gradientBlock().copyFrom(g);
            m.parameterBlock().copyFrom(next);
            si.afterOptimizerStep(m, task.index() + 1);
            for (int i = 0; i < theta.length; i++) {
                omega[i] += -(double) g[i] * ((double) next[i] - theta[i]);
            }
            theta = next;
        }
        si.afterTask(task);
        double[] add = new double[theta.length];
        for (int i = 0; i < theta.length; i++) {
            double d = (double) theta[i] - start[i];
            add[i] = omega[i] / (d * d + XI);
        }
        return add;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void importanceAndPenaltyMatchAHandComputation(String backendName) {
        Backend be = Backends.named(backendName);
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = "si";
        c.setting = Setting.TASK;
        c.batch = 10;
        c.threads = Backends.THREADS;
        c.set(SynapticIntelligence.C, C);
        c.set(SynapticIntelligence.EPSILON, XI);
        c.validate();
        Random r = new Random(5);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 6, 51);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 3, 52);
                Scenario sc = Experiment.scenario(c, be, train, test);
                SynapticIntelligence si = new SynapticIntelligence(new Context(be, sc, c, new Rng(9),
                        new Ledger(be::macs), Progress.NONE))) {
            Mlp m = si.solver();
            assertEquals(0.0, si.parameterPenalty(m, 1), "no penalty before a task has been consolidated");
            double[] omega1 = playTask(si, sc.tasks().get(0), 3, r);
            EwcTest.assertClose(omega1, si.importance().toFloatArray(), 1e-5, backendName + " importance, task 1");
            assertArrayEquals(m.parameterBlock().toFloatArray(), si.anchor().toFloatArray(), "anchor = end of task 1");

            // The surrogate loss at perturbed parameters: its value and the gradient it adds, by hand.
            float[] anchor = si.anchor().toFloatArray();
            float[] theta = anchor.clone();
            for (int i = 0; i < theta.length; i++) {
                theta[i] += (float) (0.01 * r.nextGaussian());
            }
            m.parameterBlock().copyFrom(theta);
            be.fill(m.gradientBlock(), 0f);
            float[] importance = si.importance().toFloatArray();
            double expected = 0;
            double[] grad = new double[theta.length];
            for (int i = 0; i < theta.length; i++) {
                double d = (double) theta[i] - anchor[i];
                expected += C * importance[i] * d * d;
                grad[i] = 2 * C * importance[i] * d;
            }
            double penalty = si.parameterPenalty(m, 2);
            assertEquals(expected, penalty, 1e-4 * Math.abs(expected), "c sum Omega (theta - theta*)^2, no 1/2");
            EwcTest.assertClose(grad, m.gradientBlock().toFloatArray(), 1e-5, backendName + " penalty gradient");
            // The value the hook returns has the slope of the gradient it adds (central difference, one coordinate
            // of large importance: the penalty is quadratic, so the difference is exact up to rounding).
            int i = 0;
            for (int k = 0; k < importance.length; k++) {
                if (Math.abs(importance[k]) > Math.abs(importance[i])) {
                    i = k;
                }
            }
            float analytic = m.gradientBlock().get(0, i);
            float h = 1e-2f;
            double[] at = new double[2];
            for (int side = 0; side < 2; side++) {
                float[] moved = theta.clone();
                moved[i] += side == 0 ? h : -h;
                m.parameterBlock().copyFrom(moved);
                at[side] = si.parameterPenalty(m, 2);
            }
            double slope = (at[0] - at[1]) / (2 * h);
            assertEquals(slope, analytic, 1e-3 * Math.abs(slope), "slope of the returned value at coordinate " + i);

            // Task 2 starts its path where task 1 ended.
            m.parameterBlock().copyFrom(anchor);
            double[] omega2 = playTask(si, sc.tasks().get(1), 2, r);
            for (int k = 0; k < omega2.length; k++) {
                omega2[k] += importance[k];
            }
            EwcTest.assertClose(omega2, si.importance().toFloatArray(), 1e-5, backendName + " importance, tasks 1-2");
            long p = m.parameterBlock().numel();
            assertEquals(2 * 4 * p, si.replayMemoryBytes(), "importance and anchor, f32 [P] each");
            assertEquals(4 * 4 * p, si.memory().get("si"), "importance, anchor, omega, previous");
        }
    }
}
