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
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.nn.Linear;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * EWC's Fisher diagonal against a double-precision computation written out here: every sample's forward pass,
 * its softmax over the task's classes, its label, and its gradient by the chain rule, one sample at a time,
 * squared and averaged. The seed preset's solver (784-50-50-50-10), 24 samples a task in batches of 10 (two
 * full batches and a partial one), after a few training steps, on both backends.
 */
class EwcTest {

    static ExperimentConfig config(String setting, String labels, double gamma) {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = "ewc";
        c.setting = Setting.of(setting);
        c.batch = 10;
        c.iterations = 6;
        c.threads = Backends.THREADS;
        c.set(Ewc.LABELS, labels);
        c.set(Ewc.GAMMA, gamma);
        c.validate();
        return c;
    }

    /** Parameters of the solver as doubles, by layer: w [OUT][IN] and b [OUT] of the active rows. */
    private record Layer(double[][] w, double[] b) {
    }

    private static Layer[] layers(Mlp m) {
        List<Linear> ls = m.layers();
        Layer[] out = new Layer[ls.size()];
        for (int l = 0; l < ls.size(); l++) {
            float[] w = ls.get(l).weight().toFloatArray();
            float[] b = ls.get(l).bias().toFloatArray();
            int o = ls.get(l).out();
            int in = ls.get(l).in();
            double[][] wd = new double[o][in];
            double[] bd = new double[o];
            for (int r = 0; r < o; r++) {
                for (int k = 0; k < in; k++) {
                    wd[r][k] = w[r * in + k];
                }
                bd[r] = b[r];
            }
            out[l] = new Layer(wd, bd);
        }
        return out;
    }

    /**
     * {@code 1/N sum_n g_n^2} in double, laid out as the parameter table ({@code [P]}, zero in inactive rows):
     * {@code g_n} the gradient of {@code -log softmax(z_n)[y_n]} over {@code [lo, hi)}, {@code y_n} the argmax
     * (first on ties) or the true label.
     */
    static double[] referenceFisher(Mlp m, Scenario sc, Task task, boolean trueLabels) {
        return referenceFisher(m, sc, task, trueLabels ? "true" : "pred");
    }

    /**
     * As above for {@code labels} true, pred or all: with all, every label k of the range contributes
     * {@code p(k | x_n) g_{n,k}^2}, the exact expectation.
     */
    static double[] referenceFisher(Mlp m, Scenario sc, Task task, String labels) {
        Layer[] p = layers(m);
        List<Linear> ls = m.layers();
        int[] range = sc.classRange(task, m.outputs());
        double[] f = new double[Math.toIntExact(m.parameterBlock().numel())];
        Tensor images = sc.train().images();
        int d = images.cols();
        byte[] px = new byte[d];
        int n = task.trainSize();
        for (int s = 0; s < n; s++) {
            images.block().readBytes(images.offset() + (long) task.trainIndices()[s] * d, px, 0, d);
            double[][] a = new double[p.length + 1][];
            a[0] = new double[d];
            for (int j = 0; j < d; j++) {
                a[0][j] = (px[j] & 0xff) / 255.0;
            }
            for (int l = 0; l < p.length; l++) {
                double[] z = new double[p[l].b().length];
                for (int r = 0; r < z.length; r++) {
                    double v = p[l].b()[r];
                    for (int k = 0; k < a[l].length; k++) {
                        v += p[l].w()[r][k] * a[l][k];
                    }
                    z[r] = l < p.length - 1 ? Math.max(0, v) : v;
                }
                a[l + 1] = z;
            }
            double[] z = a[p.length];
            int predicted = range[0];
            for (int k = range[0]; k < range[1]; k++) {
                if (z[k] > z[predicted]) {
                    predicted = k;
                }
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int k = range[0]; k < range[1]; k++) {
                max = Math.max(max, z[k]);
            }
            double sum = 0;
            for (int k = range[0]; k < range[1]; k++) {
                sum += Math.exp(z[k] - max);
            }
            int[] each = labels.equals("all") ? java.util.stream.IntStream.range(range[0], range[1]).toArray()
                    : new int[] {labels.equals("true") ? task.trainTargets()[s] : predicted};
            for (int label : each) {
                double weight = labels.equals("all") ? Math.exp(z[label] - max) / sum : 1;
                double[] delta = new double[z.length];
                for (int k = range[0]; k < range[1]; k++) {
                    delta[k] = Math.exp(z[k] - max) / sum - (k == label ? 1 : 0);
                }
                for (int l = p.length - 1; l >= 0; l--) {
                    long wOff = ls.get(l).weightEntry().offset();
                    long bOff = ls.get(l).biasEntry().offset();
                    int in = a[l].length;
                    for (int r = 0; r < delta.length; r++) {
                        for (int k = 0; k < in; k++) {
                            double g = delta[r] * a[l][k];
                            f[(int) (wOff + (long) r * in + k)] += weight * g * g / n;
                        }
                        f[(int) (bOff + r)] += weight * delta[r] * delta[r] / n;
                    }
                    if (l > 0) {
                        double[] prev = new double[in];
                        for (int k = 0; k < in; k++) {
                            double v = 0;
                            for (int r = 0; r < delta.length; r++) {
                                v += p[l].w()[r][k] * delta[r];
                            }
                            prev[k] = a[l][k] > 0 ? v : 0;
                        }
                        delta = prev;
                    }
                }
            }
        }
        return f;
    }

    /** Max |a - b| over max |b|, printed per layer on failure. */
    static void assertClose(double[] expected, float[] actual, double relative, String what) {
        assertEquals(expected.length, actual.length, what + " length");
        double maxRef = 0;
        double maxDiff = 0;
        int at = -1;
        for (int i = 0; i < expected.length; i++) {
            maxRef = Math.max(maxRef, Math.abs(expected[i]));
            double diff = Math.abs(expected[i] - actual[i]);
            if (diff > maxDiff) {
                maxDiff = diff;
                at = i;
            }
        }
        assertTrue(maxRef > 0, what + ": the reference is all zero");
        assertTrue(maxDiff <= relative * maxRef, what + ": max difference " + maxDiff + " at " + at + " (expected "
                + (at < 0 ? 0 : expected[at]) + ", got " + (at < 0 ? 0 : actual[at]) + "), max |reference| " + maxRef);
    }

    /** {@link #assertClose} tensor by tensor of the parameter table, so small tensors are held to their own scale. */
    static void assertCloseByTensor(Mlp m, double[] expected, float[] actual, double relative, String what) {
        for (dev.rehearsal.tensor.Layout.Entry e : m.parameterTable().entries()) {
            int from = Math.toIntExact(e.offset());
            int to = Math.toIntExact(e.offset() + e.numel());
            assertClose(java.util.Arrays.copyOfRange(expected, from, to),
                    java.util.Arrays.copyOfRange(actual, from, to), relative, what + " " + e.name());
        }
    }

    private static double[] toDouble(float[] x) {
        double[] out = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = x[i];
        }
        return out;
    }

    @ParameterizedTest
    @CsvSource({"jvm, task, pred", "jvm, class, true", "native, task, true", "native, class, pred",
        "native, domain, pred", "jvm, task, all", "native, task, all", "native, class, all", "jvm, domain, all"})
    void fisherMatchesAPerSampleDoubleComputation(String backendName, String setting, String labels) {
        Backend be = Backends.named(backendName);
        ExperimentConfig c = config(setting, labels, 1);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 12, 31);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 3, 32);
                Scenario sc = Experiment.scenario(c, be, train, test);
                Ewc ewc = new Ewc(new Context(be, sc, c, new Rng(7), new Ledger(be::macs), Progress.NONE))) {
            Task first = sc.tasks().get(0);
            assertEquals(24, first.trainSize());
            ewc.beforeTask(first);
            ewc.train(first);
            ewc.afterTask(first);
            double[] expected = referenceFisher(ewc.solver(), sc, first, labels);
            float[] batched = ewc.fisher().toFloatArray();
            assertCloseByTensor(ewc.solver(), expected, batched, 1e-4, backendName + " batched Fisher vs double");
            assertArrayEquals(ewc.solver().parameterBlock().toFloatArray(), ewc.anchor().toFloatArray(),
                    "the anchor is the parameters the task ended with");

            // The one-sample-at-a-time path agrees with the batched identity.
            be.fill(ewc.fisher(), 0f);
            ewc.addTaskFisherOneByOne(first, ewc.fisherPositions(first), ewc.fisher());
            assertClose(toDouble(batched), ewc.fisher().toFloatArray(), 1e-5, backendName + " one by one vs batched");
        }
    }

    /**
     * Labels drawn from the model's predictive distribution: the batched path and the one-by-one path draw the
     * same labels from the same random numbers and agree; the draw is not always the predicted label.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void sampledLabelsGiveTheSameFisherBatchedOrOneByOne(String backendName) {
        Backend be = Backends.named(backendName);
        ExperimentConfig c = config("class", "sample", 1);
        Rng rng = new Rng(11);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 12, 61);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 3, 62);
                Scenario sc = Experiment.scenario(c, be, train, test);
                Ewc ewc = new Ewc(new Context(be, sc, c, rng, new Ledger(be::macs), Progress.NONE))) {
            Task first = sc.tasks().get(0);
            ewc.beforeTask(first);
            long[] before = rng.saveState();
            ewc.addTaskFisher(first, ewc.fisherPositions(first), ewc.fisher());
            float[] batched = ewc.fisher().toFloatArray();
            be.fill(ewc.fisher(), 0f);
            rng.restoreState(before);
            ewc.addTaskFisherOneByOne(first, ewc.fisherPositions(first), ewc.fisher());
            assertClose(toDouble(batched), ewc.fisher().toFloatArray(), 1e-5, backendName + " sampled, one by one");
            double[] predicted = referenceFisher(ewc.solver(), sc, first, false);
            double diff = 0;
            for (int i = 0; i < predicted.length; i++) {
                diff = Math.max(diff, Math.abs(predicted[i] - batched[i]));
            }
            assertTrue(diff > 1e-6, "an untrained model's draws differ from its predictions somewhere");
        }
    }

    /** Online EWC: F = gamma F_1 + F_2, F_2 estimated at the parameters task 2 ended with. */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void onlineFisherDecaysTheEarlierTasks(String backendName) {
        Backend be = Backends.named(backendName);
        ExperimentConfig c = config("class", "pred", 0.25);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 12, 41);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 3, 42);
                Scenario sc = Experiment.scenario(c, be, train, test);
                Ewc ewc = new Ewc(new Context(be, sc, c, new Rng(8), new Ledger(be::macs), Progress.NONE))) {
            Task t1 = sc.tasks().get(0);
            Task t2 = sc.tasks().get(1);
            assertEquals(0, ewc.replayMemoryBytes(), "nothing remembered before the first task ends");
            ewc.beforeTask(t1);
            ewc.train(t1);
            ewc.afterTask(t1);
            float[] f1 = ewc.fisher().toFloatArray();
            ewc.beforeTask(t2);
            ewc.train(t2);
            double penalty = ewc.parameterPenalty(ewc.solver(), 2);
            assertTrue(penalty > 0, "task 2 is penalised for moving away from task 1's parameters: " + penalty);
            ewc.afterTask(t2);
            double[] expected = referenceFisher(ewc.solver(), sc, t2, false);
            for (int i = 0; i < expected.length; i++) {
                expected[i] += 0.25 * f1[i];
            }
            assertCloseByTensor(ewc.solver(), expected, ewc.fisher().toFloatArray(), 1e-4,
                    backendName + " online Fisher");
            long p = ewc.solver().parameterBlock().numel();
            assertEquals(2 * 4 * p, ewc.replayMemoryBytes(), "the Fisher and the anchor, f32 [P] each");
            List<MemoryItem> items = ewc.footprint();
            long listed = items.stream().filter(m -> m.component().equals("ewc state") && !m.workspace())
                    .mapToLong(MemoryItem::bytes).sum();
            assertTrue(items.stream().anyMatch(m -> m.block().startsWith("ewc.workspace") && m.workspace()),
                    "the Fisher GEMMs' workspace is listed, as the backend's: " + items);
            assertEquals(ewc.memory().get("ewc"), listed, "every block of the arena is listed: " + items);
        }
    }

    /**
     * Offline EWC: task k keeps its own Fisher (estimated at the parameters it ended with, the same as the online
     * form's F_k for gamma 0) and anchor; with two earlier tasks the penalty is lambda/2 sum_k sum_i F_k,i
     * (theta_i - theta*_k,i)^2 and its gradient lambda sum_k F_k (theta - theta*_k), both checked in double
     * against the blocks; the memory is 2 P floats per earlier task (the last task keeps none), the scenario's
     * five tasks giving four pairs allocated up front.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void offlineKeepsAFisherAndAnAnchorPerTask(String backendName) {
        Backend be = Backends.named(backendName);
        ExperimentConfig c = config("class", "pred", 1);
        c.set(Ewc.MODE, "offline");
        c.set(Ewc.LAMBDA, 1000.0);
        c.validate();
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 12, 41);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 3, 42);
                Scenario sc = Experiment.scenario(c, be, train, test);
                Ewc ewc = new Ewc(new Context(be, sc, c, new Rng(8), new Ledger(be::macs), Progress.NONE))) {
            long p = ewc.solver().parameterBlock().numel();
            for (int t = 0; t < 3; t++) {
                Task task = sc.tasks().get(t);
                ewc.beforeTask(task);
                ewc.train(task);
                if (t < 2) {
                    ewc.afterTask(task);
                    double[] expected = referenceFisher(ewc.solver(), sc, task, false);
                    assertCloseByTensor(ewc.solver(), expected, ewc.fisher(t + 1).toFloatArray(), 1e-4,
                            backendName + " task " + (t + 1) + "'s own Fisher");
                    assertArrayEquals(ewc.solver().parameterBlock().toFloatArray(), ewc.anchor(t + 1).toFloatArray());
                    assertEquals(2L * 4 * p * (t + 1), ewc.replayMemoryBytes(), (t + 1) + " pairs of f32 [P]");
                }
            }
            float[] theta = ewc.solver().parameterBlock().toFloatArray();
            double value = 0;
            double[] grad = new double[theta.length];
            for (int k = 1; k <= 2; k++) {
                float[] f = ewc.fisher(k).toFloatArray();
                float[] a = ewc.anchor(k).toFloatArray();
                for (int i = 0; i < theta.length; i++) {
                    double d = (double) theta[i] - a[i];
                    value += 0.5 * 1000.0 * f[i] * d * d;
                    grad[i] += 1000.0 * f[i] * d;
                }
            }
            ewc.solver().zeroGrad();
            double penalty = ewc.parameterPenalty(ewc.solver(), 3);
            assertTrue(value > 0, "the third task moved away from both anchors");
            assertEquals(value, penalty, 1e-6 * value, backendName + " the two terms' sum");
            float[] g = ewc.solver().gradientBlock().toFloatArray();
            double scale = 0;
            for (double x : grad) {
                scale = Math.max(scale, Math.abs(x));
            }
            for (int i = 0; i < g.length; i++) {
                assertEquals(grad[i], g[i], 1e-5 * scale, backendName + " gradient " + i);
            }
            long pairs = ewc.footprint().stream().filter(m -> m.block().contains("fisher_task")).count();
            assertEquals(4, pairs, "five tasks: a Fisher for each of the first four, allocated up front");
        }
    }

    /**
     * With one earlier task the two forms are one: on a two-task scenario (classes 3, 1, 4, 0) an offline run and
     * an online run (gamma 1) end with the same accuracy matrix and the same parameters, bit for bit.
     */
    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void offlineAndOnlineAreTheSameWithOneEarlierTask(String backendName) {
        Backend be = Backends.named(backendName);
        float[][] params = new float[2][];
        dev.rehearsal.experiment.RunResult[] results = new dev.rehearsal.experiment.RunResult[2];
        String[] modes = {"online", "offline"};
        for (int m = 0; m < 2; m++) {
            ExperimentConfig c = config("class", "all", 1);
            c.classOrder = dev.rehearsal.config.ClassOrder.of(List.of(3, 1, 4, 0));
            c.set(Ewc.MODE, modes[m]);
            c.set(Ewc.LAMBDA, 1e4);
            c.validate();
            int run = m;
            try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 12, 51);
                    Dataset test = Synthetic.dataset(be, "syn-test", 10, 3, 52);
                    Scenario sc = Experiment.scenario(c, be, train, test)) {
                assertEquals(2, sc.taskCount());
                results[m] = Experiment.run(c, be, sc, Progress.NONE,
                        new Experiment.Listener() {
                            @Override
                            public void taskFinished(dev.rehearsal.experiment.RunResult soFar) {
                            }

                            @Override
                            public void finished(Strategy s, dev.rehearsal.experiment.RunResult r) {
                                params[run] = s.solver().parameterBlock().toFloatArray();
                            }
                        });
            }
        }
        for (int t = 0; t < 2; t++) {
            assertArrayEquals(results[0].accuracy().r()[t], results[1].accuracy().r()[t], "row " + (t + 1));
        }
        assertArrayEquals(params[0], params[1], backendName + ": the same parameters");
        assertEquals(results[0].tasks().get(1).replayBytes(), results[1].tasks().get(1).replayBytes(),
                "one Fisher and one anchor either way");
    }

    /**
     * A one-task scenario gives offline EWC no earlier task to keep: no Fisher and anchor pair is allocated, the
     * run ends (it failed with an index error when its replay memory was asked for), and it remembers 0 bytes.
     */
    @Test
    void offlineWithOneTaskKeepsNothing() {
        Backend be = Backends.named("native");
        ExperimentConfig c = config("class", "all", 1);
        c.classOrder = dev.rehearsal.config.ClassOrder.of(List.of(3, 1));
        c.set(Ewc.MODE, "offline");
        c.validate();
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 12, 53);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 3, 54);
                Scenario sc = Experiment.scenario(c, be, train, test)) {
            assertEquals(1, sc.taskCount());
            dev.rehearsal.experiment.RunResult r = Experiment.run(c, be, sc, Progress.NONE, soFar -> { });
            assertEquals(0, r.tasks().get(0).replayBytes(), "nothing kept for a later task");
        }
    }
}
