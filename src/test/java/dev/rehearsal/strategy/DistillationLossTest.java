package dev.rehearsal.strategy;

import dev.rehearsal.config.BackendType;
import dev.rehearsal.scenario.Setting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.random.Rng;
import dev.rehearsal.replay.Segment;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The loss terms LwF and DER++ add, against formulas written here in double precision from the published
 * definitions (not from the code under test): each term's value, and its gradient on the logits against
 * central finite differences of that formula. Also: DER++'s reservoir keeps the logits the solver produced
 * when a sample was stored, checked by recomputing them.
 */
class DistillationLossTest {
    private static final int B = 8;
    private static final double H = 1e-4;

    private static ExperimentConfig config(String strategy, String setting, String backend) {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = strategy;
        c.setting = Setting.of(setting);
        c.backend = BackendType.of(backend);
        c.batch = B;
        c.iterations = 3;
        c.threads = Backends.THREADS;
        return c;
    }

    private static Context context(ExperimentConfig c, Backend be, Scenario sc) {
        c.validate();
        return new Context(be, sc, c, new Rng(c.seed), new Ledger(be::macs), Progress.NONE);
    }

    /** Trains tasks [0, n) the way a run does (no evaluation). */
    private static void trainTasks(Strategy s, Scenario sc, int n) {
        for (Task t : sc.tasks().subList(0, n)) {
            s.beforeTask(t);
            s.train(t);
            s.afterTask(t);
        }
    }

    private static double[] read(Tensor t) {
        float[] f = t.toFloatArray();
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** log softmax of z[r, lo:hi) / T at column j. */
    private static double logSoftmax(double[] z, int cols, int r, int lo, int hi, double t, int j) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = lo; k < hi; k++) {
            max = Math.max(max, z[r * cols + k] / t);
        }
        double sum = 0;
        for (int k = lo; k < hi; k++) {
            sum += Math.exp(z[r * cols + k] / t - max);
        }
        return z[r * cols + j] / t - max - Math.log(sum);
    }

    /** van de Ven's loss_fn_kd (no T^2): mean over rows of -sum_k q_k log softmax(z/T)_k over [lo, hi). */
    private static double kd(double[] z, int cols, double[] teacher, int tcols, int lo, int hi, int tlo, int thi,
            double t) {
        double total = 0;
        for (int r = 0; r < B; r++) {
            for (int j = tlo; j < thi; j++) {
                double q = Math.exp(logSoftmax(teacher, tcols, r, tlo, thi, t, j));
                total -= q * logSoftmax(z, cols, r, lo, hi, t, j);
            }
        }
        return total / B;
    }

    /** An MLP's forward pass in double from its named parameters (ReLU on all but the last layer). */
    private static double[] forward(Mlp m, double[] x, int rows) {
        Map<String, Tensor> p = m.namedParameters();
        int layers = p.size() / 2;
        double[] h = x;
        int in = m.spec().input();
        for (int l = 1; l <= layers; l++) {
            Tensor w = p.get("fc" + l + ".weight");
            double[] wd = read(w);
            double[] bd = read(p.get("fc" + l + ".bias"));
            int out = w.rows();
            double[] y = new double[rows * out];
            for (int r = 0; r < rows; r++) {
                for (int o = 0; o < out; o++) {
                    double s = bd[o];
                    for (int i = 0; i < in; i++) {
                        s += h[r * in + i] * wd[o * in + i];
                    }
                    y[r * out + o] = l < layers ? Math.max(0, s) : s;
                }
            }
            h = y;
            in = out;
        }
        return h;
    }

    /** Central differences of {@code f} at {@code z} against {@code grad}, every element. */
    private static void checkGradient(String what, double[] z, double[] grad, ToDoubleFunction<double[]> f) {
        double worst = 0;
        for (int i = 0; i < z.length; i++) {
            double keep = z[i];
            z[i] = keep + H;
            double up = f.applyAsDouble(z);
            z[i] = keep - H;
            double down = f.applyAsDouble(z);
            z[i] = keep;
            double fd = (up - down) / (2 * H);
            double err = Math.abs(fd - grad[i]);
            worst = Math.max(worst, err);
            if (err > 2e-6 + 1e-4 * Math.abs(fd)) {
                fail(what + ": element " + i + " has gradient " + grad[i] + ", finite differences " + fd
                        + " (max difference so far " + worst + ")");
            }
        }
        System.out.println(what + ": max |gradient - finite difference| = " + worst);
    }

    /**
     * On the third task, after two trained ones: the hook's distillation term and the gradient it adds to
     * dlogits. Class: one KD over all outputs against the teacher's softmax over the 4 classes it was taught,
     * zero on the rest (with a fixed head, 6 units it has but was not taught; GMvandeVen/continual-learning
     * slices the previous model's scores to classes_per_context * (context - 1)); task: one KD per previous
     * task in its head; domain: 2 x KD over both outputs. Weights 1/B, no T^2 (van de Ven's lwf_weighting,
     * loss_fn_kd).
     */
    @ParameterizedTest
    @CsvSource({"class, grow, jvm", "class, fixed, jvm", "task, grow, jvm", "domain, grow, jvm",
            "class, grow, native", "class, fixed, native", "task, grow, native", "domain, grow, native"})
    void lwfAddsVanDeVensDistillationAndItsGradient(String setting, String head, String backend) {
        Backend be = Backends.named(backend);
        ExperimentConfig c = config("lwf", setting, backend);
        c.head = dev.rehearsal.config.Head.of(head);
        boolean fixedClass = setting.equals("class") && head.equals("fixed");
        c.temperature = 3; // not 2: a T^2 or T mistake cannot hide behind 2 = 2^2 / 2
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 40, 31);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 10, 32);
                Scenario sc = Experiment.scenario(c, be, train, test);
                LearningWithoutForgetting s = new LearningWithoutForgetting(context(c, be, sc))) {
            trainTasks(s, sc, 2);
            s.beforeTask(sc.tasks().get(2));
            Mlp solver = s.solver();
            int cols = solver.outputs();
            Random r = new Random(5);
            float[] x = new float[B * 784];
            for (int i = 0; i < x.length; i++) {
                x[i] = r.nextFloat();
            }
            solver.input(B).copyFrom(x);
            solver.forward(B);
            float[] before = new float[B * cols];
            for (int i = 0; i < before.length; i++) {
                before[i] = (float) r.nextGaussian();
            }
            solver.logitsGrad(B).copyFrom(before);
            double loss = s.logitLoss(solver, B, B, 3);
            double[] dz = read(solver.logitsGrad(B));
            for (int i = 0; i < dz.length; i++) {
                dz[i] -= before[i]; // the hook adds to what the segment losses wrote
            }
            double[] xd = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                xd[i] = x[i];
            }
            Mlp teacher = s.teacher();
            int tcols = teacher.outputs();
            double[] tz = forward(teacher, xd, B);
            double t = c.temperature;
            ToDoubleFunction<double[]> reference = switch (setting) {
                case "class" -> z -> kd(z, cols, tz, tcols, 0, cols, 0, 4, t);
                case "task" -> z -> kd(z, cols, tz, tcols, 0, 2, 0, 2, t) + kd(z, cols, tz, tcols, 2, 4, 2, 4, t);
                default -> z -> 2 * kd(z, cols, tz, tcols, 0, 2, 0, 2, t);
            };
            assertEquals(fixedClass ? 10 : setting.equals("class") ? 6 : setting.equals("task") ? 10 : 2, cols,
                    "outputs");
            assertEquals(setting.equals("class") && !fixedClass ? 4 : cols, tcols, "the teacher's outputs");
            double[] z = read(solver.logits(B));
            double expected = reference.applyAsDouble(z);
            assertTrue(expected > 0.01, "a real distillation term: " + expected);
            assertEquals(expected, loss, 1e-5 * expected, "the distillation loss");
            checkGradient("lwf " + setting + " " + head + " " + backend, z, dz, reference);
        }
    }

    /**
     * DER++'s two buffer terms as the training loop applies them to a draw: alpha times the mean squared
     * error over rows and matched units (mammoth's F.mse_loss) on the first half, beta times the mean
     * cross-entropy on the second; the targets are the logits the buffer stored.
     */
    @ParameterizedTest
    @CsvSource({"class, jvm", "task, jvm", "class, native", "domain, native"})
    void derppMatchesStoredLogitsWithAlphaAndLabelsWithBeta(String setting, String backend) {
        Backend be = Backends.named(backend);
        ExperimentConfig c = config("derpp", setting, backend);
        c.set(DarkExperienceReplay.ALPHA, 0.7).set(DarkExperienceReplay.BETA, 0.3).set(DarkExperienceReplay.BUFFER, 30);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 40, 31);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 10, 32);
                Scenario sc = Experiment.scenario(c, be, train, test)) {
            Context ctx = context(c, be, sc);
            try (DarkExperienceReplay s = new DarkExperienceReplay(ctx)) {
                trainTasks(s, sc, 2);
                s.beforeTask(sc.tasks().get(2));
                Mlp solver = s.solver();
                int cols = solver.outputs();
                int rows = 3 * B;
                Random r = new Random(6);
                float[] x = new float[B * 784];
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextFloat();
                }
                solver.input(B).copyFrom(x);
                List<Segment> segs = s.buffer().draw(solver.input(rows), s.batch, B, 2 * B, cols, ctx.rng(),
                        ctx.ledger());
                solver.forward(rows);
                int[] slot = s.batch.indices(B, rows).toIntArray();
                int[] label = s.batch.targets(B, rows).toIntArray();
                double[] stored = read(s.buffer().logits());
                int capacity = s.buffer().logits().cols();
                List<Segment> logitSegs = new ArrayList<>();
                int hardRows = 0;
                for (Segment g : segs) {
                    if (g.loss() == Segment.Loss.LOGITS) {
                        logitSegs.add(g);
                        assertTrue(g.to() <= 2 * B, "the first buffer batch is matched to logits: " + g);
                        int units = g.hi() - g.lo();
                        assertEquals(0.7 / (B * units), g.weightPerRow(), 1e-7, "alpha over rows x units: " + g);
                    } else {
                        assertEquals(Segment.Loss.HARD, g.loss());
                        assertTrue(g.from() >= 2 * B);
                        assertEquals(0.3 / B, g.weightPerRow(), 1e-7, "beta over rows: " + g);
                        hardRows += g.rows();
                    }
                    for (int row = g.from(); row < g.to(); row++) {
                        int k = slot[row - B];
                        assertEquals(label[row - B], s.buffer().labels().getInt(k, 0), "targets are stored labels");
                        Task t = sc.tasks().get(s.buffer().taskOf(k));
                        // Matched over the units it had logits for; classified over the units there are now.
                        int classHi = g.loss() == Segment.Loss.LOGITS ? s.buffer().width(k) : cols;
                        int[] range = setting.equals("class") ? new int[] {0, classHi} : new int[] {t.lo(), t.hi()};
                        assertEquals(range[0], g.lo(), "units of slot " + k);
                        assertEquals(range[1], g.hi(), "units of slot " + k);
                    }
                }
                assertEquals(B, hardRows);
                // Each logit segment's loss and gradient through the loop's own dispatch.
                Tensor logits = solver.logits(rows);
                Tensor dlogits = solver.logitsGrad(rows);
                double loss = 0;
                for (Segment g : logitSegs) {
                    loss += s.learner.segmentLoss(be, g, dlogits.rows(g.from(), g.to()), logits.rows(g.from(), g.to()));
                }
                double[] z = read(logits);
                double[] dz = read(dlogits);
                ToDoubleFunction<double[]> reference = zz -> {
                    double total = 0;
                    for (Segment g : logitSegs) {
                        for (int row = g.from(); row < g.to(); row++) {
                            int k = slot[row - B];
                            for (int j = g.lo(); j < g.hi(); j++) {
                                double d = zz[row * cols + j] - stored[k * capacity + j];
                                total += 0.7 / (B * (g.hi() - g.lo())) * d * d;
                            }
                        }
                    }
                    return total;
                };
                double expected = reference.applyAsDouble(z);
                assertTrue(expected > 1e-3, "a real matching term: " + expected);
                assertEquals(expected, loss, 1e-5 * expected, "alpha x MSE");
                // Only the matched rows' gradient: rows outside them are not this term's.
                int matchedTo = logitSegs.get(logitSegs.size() - 1).to();
                double[] zm = java.util.Arrays.copyOfRange(z, B * cols, matchedTo * cols);
                double[] gm = java.util.Arrays.copyOfRange(dz, B * cols, matchedTo * cols);
                checkGradient("derpp mse " + setting + " " + backend, zm, gm, zz -> {
                    double[] full = z.clone();
                    System.arraycopy(zz, 0, full, B * cols, zz.length);
                    return reference.applyAsDouble(full);
                });
            }
        }
    }

    /**
     * With a learning rate too small to change any float32 parameter, the solver of every step is the solver
     * at the end: every stored row of logits must equal the solver's logits recomputed on the stored image,
     * over the units it had when storing (2 on task 1, 4 on task 2 of class-incremental Split), and every
     * stored image is a training image of its label's task.
     */
    @ParameterizedTest
    @CsvSource({"jvm", "native"})
    void theReservoirKeepsTheLogitsOfItsInsertionStep(String backend) {
        Backend be = Backends.named(backend);
        ExperimentConfig c = config("derpp", "class", backend);
        c.lr = 1e-30;
        c.iterations = 10;
        c.set(DarkExperienceReplay.BUFFER, 50);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 40, 31);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 10, 32);
                Scenario sc = Experiment.scenario(c, be, train, test)) {
            Context ctx = context(c, be, sc);
            try (DarkExperienceReplay s = new DarkExperienceReplay(ctx)) {
                trainTasks(s, sc, 2);
                var buf = s.buffer();
                assertEquals(2L * 10 * B, buf.seen(), "every step offers its current rows");
                assertEquals(50, buf.size());
                Map<String, Integer> labelOf = new HashMap<>();
                byte[] img = new byte[784];
                for (int i = 0; i < train.size(); i++) {
                    train.images().block().readBytes((long) i * 784, img, 0, 784);
                    labelOf.put(java.util.Base64.getEncoder().encodeToString(img), train.label(i));
                }
                Mlp solver = s.solver();
                int[] widths = new int[2];
                for (int k = 0; k < buf.size(); k++) {
                    buf.samples().block().readBytes((long) k * 784, img, 0, 784);
                    Integer label = labelOf.get(java.util.Base64.getEncoder().encodeToString(img));
                    assertTrue(label != null, "slot " + k + " holds a training image");
                    assertEquals(label.intValue(), buf.labels().getInt(k, 0), "slot " + k + "'s label");
                    int task = buf.taskOf(k);
                    assertTrue(label / 2 == task, "slot " + k + " of task " + task + " holds class " + label);
                    assertEquals(2 * (task + 1), buf.width(k), "units when stored");
                    widths[task]++;
                    float[] x = new float[784];
                    for (int j = 0; j < 784; j++) {
                        x[j] = (img[j] & 0xff) / 255f;
                    }
                    solver.input(1).copyFrom(x);
                    solver.forward(1);
                    float[] now = solver.logits(1).toFloatArray();
                    for (int j = 0; j < buf.width(k); j++) {
                        float was = buf.logits().get(k, j);
                        assertEquals(now[j], was, 1e-4 * (1 + Math.abs(now[j])), "slot " + k + " logit " + j);
                    }
                }
                assertTrue(widths[0] > 0 && widths[1] > 0, "both tasks are in the reservoir: " + widths[0] + ", "
                        + widths[1]);
            }
        }
    }
}
