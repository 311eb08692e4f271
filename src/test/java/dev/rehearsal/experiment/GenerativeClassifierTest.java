package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.cli.Cli;
import dev.rehearsal.config.BackendType;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.ConfusionMatrix;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.metrics.TaskRecord;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Held;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.strategy.Context;
import dev.rehearsal.strategy.GenerativeClassifier;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.State;
import dev.rehearsal.strategy.Strategies;
import dev.rehearsal.strategy.Strategy;
import dev.rehearsal.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The generative classifier ({@code genc}) on small synthetic Split data (10 classes in 5 tasks, 120 training and
 * 30 test images a class), with small class VAEs (784-16-z2) so that a run takes a second: it learns in the class
 * and task settings, refuses the domain setting in one line, counts its training and evaluation MACs exactly as
 * derived here from the layer shapes, holds exactly its class VAEs, evaluates without allocating native memory or
 * creating a primitive, and resumes from a checkpoint to the same results.
 */
class GenerativeClassifierTest {
    private static final int HIDDEN = 16;
    private static final int LATENT = 2;
    private static final int SAMPLES = 7;
    private static final int ITERATIONS = 100;
    private static final int BATCH = 32;
    private static final int TEST_PER_TASK = 60;
    /** One class VAE's parameters: enc1 784 -> 16, heads 16 -> 2 + 2, dec1 2 -> 16, out 16 -> 784, with biases. */
    private static final long PARAMETERS = (784 * HIDDEN + HIDDEN) + (HIDDEN * 2 * LATENT + 2 * LATENT)
            + (LATENT * HIDDEN + HIDDEN) + (HIDDEN * 784 + 784);
    private static final long ENCODER = 784 * HIDDEN + HIDDEN * 2 * LATENT;
    private static final long DECODER = LATENT * HIDDEN + HIDDEN * 784;
    private static Dataset train;
    private static Dataset test;
    private static Dataset jvmTrain;
    private static Dataset jvmTest;

    @BeforeAll
    static void load() {
        train = Synthetic.dataset(Backends.nativ(), "syn-train", 10, 120, 61);
        test = Synthetic.dataset(Backends.nativ(), "syn-test", 10, 30, 62);
        jvmTrain = Synthetic.dataset(Backends.jvm(), "syn-train", 10, 120, 61);
        jvmTest = Synthetic.dataset(Backends.jvm(), "syn-test", 10, 30, 62);
    }

    @AfterAll
    static void close() {
        train.close();
        test.close();
        jvmTrain.close();
        jvmTest.close();
    }

    static ExperimentConfig config(String backend, Setting setting) {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = "genc";
        c.strategies = List.of("genc");
        c.backend = BackendType.of(backend);
        c.setting = setting;
        c.batch = BATCH;
        c.iterations = ITERATIONS;
        c.threads = Backends.THREADS;
        c.set(GenerativeClassifier.HIDDEN, HIDDEN);
        c.set(GenerativeClassifier.LAYERS, 1);
        c.set(GenerativeClassifier.LATENT, LATENT);
        c.set(GenerativeClassifier.SAMPLES, SAMPLES);
        return c.validate();
    }

    private static Dataset trainOf(Backend be) {
        return be.name().equals("jvm") ? jvmTrain : train;
    }

    private static Dataset testOf(Backend be) {
        return be.name().equals("jvm") ? jvmTest : test;
    }

    private static RunResult run(ExperimentConfig c, Backend be, RunCheckpoint checkpoint,
            Experiment.Listener listener) {
        try (Scenario sc = Experiment.scenario(c, be, trainOf(be), testOf(be))) {
            return Experiment.run(c, be, sc, Progress.NONE, checkpoint, listener);
        }
    }

    /**
     * Class-incremental: every class's VAE sees its own class only, and the likelihoods' argmax over the ten
     * classes finds nearly every test image's class (chance is 0.1; fine-tuning keeps only the last task's).
     * Task-incremental: the argmax over the task's two classes.
     */
    @ParameterizedTest
    @CsvSource({"native, class, 0.95", "jvm, class, 0.95", "native, task, 0.98"})
    void itLearnsEveryClassWithoutForgettingOne(String backend, String setting, double least) {
        Backend be = Backends.named(backend);
        RunResult r = run(config(backend, Setting.of(setting)), be, null, null);
        assertTrue(r.accuracy().complete());
        System.out.printf(java.util.Locale.ROOT, "genc %s %s: ACC %.4f, final row %s%n", backend, setting, r.acc(),
                java.util.Arrays.toString(r.accuracy().r()[4]));
        assertTrue(r.acc() > least, setting + " ACC " + r.acc() + ": " + r.accuracy());
        for (int t = 0; t < 5; t++) {
            assertTrue(r.accuracy().r()[4][t] > least - 0.1, "task " + (t + 1) + " at the end: " + r.accuracy());
        }
        assertEquals(0, r.ledger().macs(Phase.GENERATOR_TRAINING), "its VAEs are the classifier");
        assertEquals(0, r.ledger().macs(Phase.GENERATION), "nothing replayed");
    }

    /**
     * Compute by hand. Training: each task's 40 iterations are shared by its two classes, 20 steps of 32 rows
     * each; a step is a forward pass, every weight gradient and every input gradient but the first layer's.
     * Evaluation: after task i, every test image is scored by every trained VAE in its range (the classes seen so
     * far in the class setting, the task's own once trained in the task setting), each an encoder pass and S
     * decoder passes; before any training nothing is scored.
     */
    @ParameterizedTest
    @CsvSource({"native, class", "jvm, class", "native, task"})
    void trainingAndEvaluationMacsAreThoseOfTheLayers(String backend, String setting) {
        Backend be = Backends.named(backend);
        RunResult r = run(config(backend, Setting.of(setting)), be, null, null);
        long forward = ENCODER + DECODER;
        long step = BATCH * (3 * forward - 784L * HIDDEN);
        assertEquals(10 * (ITERATIONS / 2) * step, r.ledger().macs(Phase.SOLVER_TRAINING), "training");
        long perImage = ENCODER + SAMPLES * DECODER;
        long scored = 0;
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                int units = setting.equals("class") ? 2 * (i + 1) : j <= i ? 2 : 0;
                scored += (long) TEST_PER_TASK * units;
            }
        }
        assertEquals(scored * perImage, r.ledger().macs(Phase.EVALUATION), "evaluation");
        assertEquals(6 * 5 * TEST_PER_TASK, r.ledger().samples(Phase.EVALUATION), "samples tested");
    }

    /**
     * The classifier is a VAE per class and grows by one per class: after task t its parameters are 2t VAEs',
     * nothing is kept for replay, and the strategy's memory grows by two VAEs' parameters a task; the footprint
     * lists exactly the trained VAEs under "class VAEs".
     */
    @Test
    void itHoldsOneVaePerTrainedClassAndNoData() {
        Backend be = Backends.nativ();
        List<MemoryItem> footprint = new java.util.ArrayList<>();
        RunResult r = run(config("native", Setting.CLASS), be, null, new Experiment.Listener() {
            @Override
            public void taskFinished(RunResult soFar) {
            }

            @Override
            public void finished(Strategy s, RunResult result) {
                footprint.addAll(s.footprint());
            }
        });
        long vae = 4 * PARAMETERS;
        for (TaskRecord t : r.tasks()) {
            assertEquals(2 * t.task() * vae, t.solverParameterBytes(), "task " + t.task());
            assertEquals(0, t.replayBytes(), "task " + t.task());
            if (t.task() > 1) {
                assertEquals(2 * vae, t.strategyBytes() - r.tasks().get(t.task() - 2).strategyBytes());
            }
        }
        List<MemoryItem> vaes = footprint.stream().filter(i -> i.component().equals("class VAEs")).toList();
        assertEquals(10, vaes.size(), vaes.toString());
        for (MemoryItem i : vaes) {
            assertEquals(vae, i.bytes(), i.toString());
        }
        assertEquals(10 * vae, r.memory().get("class_vaes"));
        assertEquals(1.0, r.efficiency().sss(), "no samples stored");
    }

    /**
     * The domain setting is refused where the config is read, in one line saying why, for {@code run} and for a
     * comparison that includes genc (exit code 2).
     */
    @Test
    void theDomainSettingIsRefusedInOneLine() {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = "genc";
        c.setting = Setting.DOMAIN;
        RehearsalException e = assertThrows(RehearsalException.class, c::validate);
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("genc does not apply to the domain setting: a domain task brings new "
                + "images of classes already learned"), e.getMessage());
        for (String[] args : new String[][] {{"run", "--strategy", "genc", "--setting", "domain"},
            {"compare", "--strategies", "er,genc", "--setting", "domain"}}) {
            Cli r = Cli.run(args);
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.oneLineError() && r.err().contains("genc does not apply to the domain setting"), r.err());
        }
    }

    /**
     * An evaluation allocates no native memory and creates no oneDNN primitive, the first one included: after
     * each task is trained, every task's test and validation samples are classified (with and without a confusion
     * matrix), in chunks of 10 images (S = 100: 1000 decoder rows) with partial last chunks (47 test and 48
     * validation samples a task), and JavaCPP's byte counter and the primitive count stay where training left them.
     */
    @Test
    void evaluatingAllocatesNothing() {
        NativeBackend be = Backends.nativ();
        ExperimentConfig c = config("native", Setting.CLASS);
        c.set(GenerativeClassifier.SAMPLES, 100);
        c.testLimit = 47;
        c.validation = 0.2;
        c.validate();
        try (Scenario sc = Experiment.scenario(c, be, train, test);
                Strategy s = Strategies.create("genc", new Context(be, sc, c, new Rng(c.seed), new Ledger(be::macs),
                        Progress.NONE))) {
            assertEquals(47, sc.tasks().get(0).testSize());
            assertEquals(48, sc.tasks().get(0).validationSize());
            ConfusionMatrix confusion = new ConfusionMatrix(sc.outputCapacity());
            for (Task task : sc.tasks()) {
                s.beforeTask(task);
                s.train(task);
                s.afterTask(task);
                long bytes = Pointer.totalBytes();
                int primitives = be.primitiveCount();
                long macs = be.macs();
                for (Task t : sc.tasks()) {
                    for (Held on : Held.values()) {
                        s.accuracy(t, on, null);
                        s.accuracy(t, on, confusion);
                    }
                }
                assertTrue(be.macs() > macs, "the evaluation ran");
                assertEquals(bytes, Pointer.totalBytes(), "native bytes after evaluating task " + (task.index() + 1));
                assertEquals(primitives, be.primitiveCount(), "primitives after evaluating task " + (task.index() + 1));
            }
        }
    }

    /**
     * The S samples of every image go through the decoder together: evaluating a task's 60 test images against the
     * two trained VAEs issues, per VAE, each encoder layer once on 60 rows and each decoder layer once on 60 x 7
     * rows, never a pass per sample (the GEMMs as a proxy of the backend sees them).
     */
    @Test
    void theSamplesOfEveryImageRunAsOneDecoderPass() {
        List<Integer> rows = new java.util.ArrayList<>();
        boolean[] watching = {false};
        Backend inner = Backends.jvm();
        Backend be = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
                new Class<?>[] {Backend.class}, (proxy, method, args) -> {
                    if (watching[0] && method.getName().equals("linearForward")) {
                        rows.add(((Tensor) args[1]).rows());
                    }
                    return method.getName().equals("close") ? null : method.invoke(inner, args);
                });
        ExperimentConfig c = config("jvm", Setting.CLASS);
        try (Scenario sc = Experiment.scenario(c, be, jvmTrain, jvmTest);
                Strategy s = Strategies.create("genc", new Context(be, sc, c, new Rng(c.seed), new Ledger(be::macs),
                        Progress.NONE))) {
            Task first = sc.tasks().get(0);
            s.beforeTask(first);
            s.train(first);
            watching[0] = true;
            s.accuracy(first);
            watching[0] = false;
        }
        // Per VAE: enc1 and the heads on the images, dec1 and out on their samples.
        int n = TEST_PER_TASK;
        assertEquals(List.of(n, n, n * SAMPLES, n * SAMPLES, n, n, n * SAMPLES, n * SAMPLES), rows);
    }

    /**
     * Evaluating draws its importance samples from a stream of its own: a run evaluated after every task trains
     * exactly the class VAEs of a run never evaluated, and the same evaluation repeated gives the same accuracy.
     */
    @Test
    void evaluatingChangesNothingOfTheRun() {
        Backend be = Backends.nativ();
        ExperimentConfig c = config("native", Setting.CLASS);
        float[][] vaes = new float[2][];
        try (Scenario sc = Experiment.scenario(c, be, train, test)) {
            for (int k = 0; k < 2; k++) {
                try (Strategy s = Strategies.create("genc", new Context(be, sc, c, new Rng(c.seed),
                        new Ledger(be::macs), Progress.NONE))) {
                    for (Task task : sc.tasks()) {
                        s.beforeTask(task);
                        s.train(task);
                        s.afterTask(task);
                        if (k == 1) {
                            double once = s.accuracy(task);
                            assertEquals(once, s.accuracy(task), "the same evaluation twice");
                        }
                    }
                    Map<String, Tensor> tensors = new LinkedHashMap<>();
                    s.saveState(new State(tensors, Json.MAPPER.createObjectNode()));
                    vaes[k] = tensors.values().stream().map(Tensor::toFloatArray).reduce(new float[0], (a, b) -> {
                        float[] all = java.util.Arrays.copyOf(a, a.length + b.length);
                        System.arraycopy(b, 0, all, a.length, b.length);
                        return all;
                    });
                }
            }
        }
        assertEquals(10 * PARAMETERS, vaes[0].length);
        assertArrayEquals(vaes[0], vaes[1], "class VAEs trained with and without evaluations");
    }

    /**
     * A run stopped after its third task and continued from its checkpoint (the class VAEs of tasks 1 and 2) ends
     * with the same accuracy matrix, loss curves, confusion matrix and class VAEs, bit for bit, as a run that never
     * stopped.
     */
    @ParameterizedTest
    @ValueSource(strings = {"native", "jvm"})
    void aResumedRunEndsTheSame(String backend, @TempDir Path dir) {
        Backend be = Backends.named(backend);
        ExperimentConfig c = config(backend, Setting.CLASS);
        Map<String, float[]> straightVaes = new LinkedHashMap<>();
        RunResult straight = run(c, be, null, classVaes(straightVaes));
        RunCheckpoint checkpoint = new RunCheckpoint(dir);
        Experiment.Listener stopAfterThird = soFar -> {
            if (soFar.accuracy().rowsDone() == 3) {
                throw new IllegalStateException("stopped on purpose");
            }
        };
        assertThrows(IllegalStateException.class, () -> run(c, be, checkpoint, stopAfterThird));
        assertTrue(Files.exists(dir.resolve(RunCheckpoint.STATE)), "the second task's checkpoint");
        Map<String, float[]> resumedVaes = new LinkedHashMap<>();
        RunResult resumed = run(c, be, checkpoint, classVaes(resumedVaes));
        for (int i = 0; i < 5; i++) {
            assertArrayEquals(straight.accuracy().r()[i], resumed.accuracy().r()[i], "row " + (i + 1));
        }
        for (int t = 0; t < 5; t++) {
            assertArrayEquals(straight.losses().solver().get(t), resumed.losses().solver().get(t), "task " + (t + 1));
        }
        assertArrayEquals(straight.confusion(), resumed.confusion());
        assertEquals(straight.ledger().macs(Phase.EVALUATION), resumed.ledger().macs(Phase.EVALUATION));
        assertEquals(straightVaes.keySet(), resumedVaes.keySet());
        assertEquals(10, straightVaes.size(), straightVaes.keySet().toString());
        straightVaes.forEach((k, v) -> assertArrayEquals(v, resumedVaes.get(k), k));
    }

    /**
     * A checkpoint's list of trained units must be what training writes, whole tasks from the first, each task's
     * units in order: a list with half a task, another order, a unit twice or a later task's units is refused as
     * not fitting the run (the resumed run would otherwise train a class twice, or never).
     */
    @Test
    void aCheckpointWhoseTrainedUnitsTrainingNeverWritesIsRefused(@TempDir Path dir) throws Exception {
        Backend be = Backends.jvm();
        ExperimentConfig c = config("jvm", Setting.CLASS);
        try (Scenario sc = Experiment.scenario(c, be, jvmTrain, jvmTest)) {
            java.util.function.Supplier<Strategy> fresh = () -> Strategies.create("genc", new Context(be, sc, c,
                    new Rng(c.seed), new Ledger(be::macs), Progress.NONE));
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            com.fasterxml.jackson.databind.node.ObjectNode values = Json.MAPPER.createObjectNode();
            try (Strategy s = fresh.get()) {
                Task first = sc.tasks().get(0);
                s.beforeTask(first);
                s.train(first);
                s.saveState(new State(tensors, values));
                Path file = dir.resolve("state.safetensors");
                dev.rehearsal.checkpoint.Safetensors.write(file, tensors, Map.of());
                var loaded = dev.rehearsal.checkpoint.Safetensors.read(file);
                assertEquals("[0,1]", values.get("genc.trained").toString());
                try (Strategy again = fresh.get()) {
                    again.restoreState(loaded, values);
                    assertEquals(2 * 4 * PARAMETERS, again.solverParameterBytes(), "two class VAEs restored");
                }
                for (String forged : new String[] {"[0]", "[1,0]", "[0,0]", "[2,3]", "[0,1,2]"}) {
                    values.set("genc.trained", Json.MAPPER.readTree(forged));
                    try (Strategy again = fresh.get()) {
                        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                () -> again.restoreState(loaded, values), forged);
                        assertTrue(e.getMessage().startsWith("genc.trained is " + forged + ", not the units"),
                                e.getMessage());
                    }
                }
            }
        }
    }

    /** Keeps the class VAEs' parameters at the end of a run, as its checkpoint would save them. */
    private static Experiment.Listener classVaes(Map<String, float[]> into) {
        return new Experiment.Listener() {
            @Override
            public void taskFinished(RunResult soFar) {
            }

            @Override
            public void finished(Strategy s, RunResult result) {
                Map<String, Tensor> tensors = new LinkedHashMap<>();
                s.saveState(new State(tensors, Json.MAPPER.createObjectNode()));
                tensors.forEach((k, t) -> into.put(k, t.toFloatArray()));
            }
        };
    }
}
