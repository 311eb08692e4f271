package dev.rehearsal.experiment;

import dev.rehearsal.nn.Preset;

import dev.rehearsal.config.BackendType;

import dev.rehearsal.config.ExperimentConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.metrics.TaskRecord;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Progress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A whole run's compute per phase against counts derived by hand from the layer shapes, the steps and the
 * rows of each step: class-incremental Split (5 tasks of 2 classes, the head grows 2, 4, ..., 10 outputs), the
 * seed and wide presets, 4 steps of 32 current rows per task, 60 test samples per task, on the jvm backend and
 * the native one with either GEMM engine; EWC's end-of-task Fisher is counted in the consolidation phase.
 */
class RunMacsTest {
    private static final int STEPS = 4;
    private static final int BATCH = 32;
    private static final int TEST_PER_TASK = 60;
    private static final int TASKS = 5;
    /** The VAE's decoder per generated sample: seed 8 -> 128 -> 784, wide 100 -> 400 -> 400 -> 784. */
    private static long decoder(boolean wide) {
        return wide ? 100 * 400 + 400 * 400 + 400 * 784 : 8 * 128 + 128 * 784;
    }

    /**
     * cgr's VAE, conditional on the 10 classes, decoding one sample: the one-hot label widens the decoder's first
     * layer, seed (8 + 10) -> 128 -> 784, wide (100 + 10) -> 400 -> 400 -> 784.
     */
    private static long conditionalDecoder(boolean wide) {
        return wide ? 110 * 400 + 400 * 400 + 400 * 784 : 18 * 128 + 128 * 784;
    }

    /** A cgr VAE training step per row: its encoder's first layer reads 784 + 10 columns, its decoder's 18 or 110. */
    private static long conditionalVaeTrainRow(boolean wide) {
        return wide
                ? 2L * (794 * 400 + 400 * 400 + 400 * 200 + 110 * 400 + 400 * 400 + 400 * 784)
                        + (400 * 400 + 400 * 200 + 110 * 400 + 400 * 400 + 400 * 784)
                : 2L * (794 * 128 + 128 * 16 + 18 * 128 + 128 * 784) + (128 * 16 + 18 * 128 + 128 * 784);
    }

    /** A VAE training step per row: forward, weight gradients, input gradients of all but the first layer. */
    private static long vaeTrainRow(boolean wide) {
        return wide
                ? 2L * (784 * 400 + 400 * 400 + 400 * 200 + 100 * 400 + 400 * 400 + 400 * 784)
                        + (400 * 400 + 400 * 200 + 100 * 400 + 400 * 400 + 400 * 784)
                : 2L * (784 * 128 + 128 * 16 + 8 * 128 + 128 * 784) + (128 * 16 + 8 * 128 + 128 * 784);
    }

    /** MLP forward per sample with o outputs: seed 784-50-50-50-o, wide 784-400-400-o. */
    private static long forward(boolean wide, int outputs) {
        return wide ? 784 * 400 + 400 * 400 + 400L * outputs : 784 * 50 + 50 * 50 + 50 * 50 + 50L * outputs;
    }

    /** MLP training step per row with o outputs: forward, weight gradients, input gradients of all but layer 1. */
    private static long trainRow(boolean wide, int outputs) {
        long inputGrads = wide ? 400 * 400 + 400L * outputs : 50 * 50 + 50 * 50 + 50L * outputs;
        return 2 * forward(wide, outputs) + inputGrads;
    }

    @ParameterizedTest
    @CsvSource({"naive, jvm, seed", "er, jvm, seed", "gr, jvm, seed", "joint, jvm, seed", "naive, native, seed",
        "er, native, seed", "gr, native, seed", "er, native, wide", "gr, native, wide", "gr, native-openblas, seed",
        "ewc, jvm, seed", "si, jvm, seed", "ewc, native, wide", "si, native, seed", "ewc, native-openblas, seed",
        "lwf, jvm, seed", "lwf, native, seed", "lwf, native, wide", "derpp, jvm, seed", "derpp, native, wide",
        "bir, jvm, seed", "bir, native, wide",
        "cgr, jvm, seed", "cgr, native, seed", "cgr, native, wide"})
    void everyPhaseCountsTheGemmsItIssued(String strategy, String backendName, String preset) {
        boolean wide = preset.equals("wide");
        Backend be = Backends.named(backendName);
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = strategy;
        c.backend = BackendType.of(backendName.startsWith("native") ? "native" : "jvm");
        c.preset = Preset.of(preset);
        c.batch = BATCH;
        c.iterations = STEPS;
        c.vaeIterations = STEPS;
        c.perClass = 5;
        c.threads = Backends.THREADS;
        c.validate();
        RunResult r;
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 120, 11);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 30, 12);
                Scenario sc = Experiment.scenario(c, be, train, test)) {
            r = Experiment.run(c, be, sc, Progress.NONE, null);
        }
        boolean replays = strategy.equals("er") || strategy.equals("gr") || strategy.equals("cgr")
                || strategy.equals("bir");
        long solver = 0;
        long generator = 0;
        long generation = 0;
        long consolidation = 0;
        long[] perTask = new long[TASKS];
        for (int t = 1; t <= TASKS; t++) {
            int outputs = 2 * t;
            int rows = BATCH + (replays && t > 1 ? BATCH : 0); // one replayed row per current row after task 1
            long s = (long) STEPS * rows * trainRow(wide, outputs);
            if (strategy.equals("lwf") && t > 1) {
                // The frozen teacher (the solver after task t - 1, 2(t-1) outputs) runs on every step's current rows.
                s += (long) STEPS * BATCH * forward(wide, 2 * (t - 1));
            }
            if (strategy.equals("derpp")) {
                // Two buffer batches of 32 rows each from the second step of the first task on (the reservoir
                // holds the first step's rows by then); no GEMM stores or draws them.
                long replaySteps = t == 1 ? STEPS - 1 : STEPS;
                s += replaySteps * 2 * BATCH * trainRow(wide, outputs);
            }
            if (strategy.equals("bir")) {
                // The VAE half trains in the same step on every row: latent heads H -> 2Z, decoder Z -> ... -> 784
                // (forward, weight and input gradients: three GEMMs each), plus the forward gate products
                // [row, 10 classes] x [10, H_i] of each gated decoder layer. Seed: H = 50, Z = 8, decoder
                // 8-50-50-50-784; wide: H = 400, Z = 100, decoder 100-400-400-784.
                long vaeRow = wide
                        ? 3L * (400 * 200 + 100 * 400 + 400 * 400 + 400 * 784) + 10 * (400 + 400)
                        : 3L * (50 * 16 + 8 * 50 + 50 * 50 + 50 * 50 + 50 * 784) + 10 * (50 + 50 + 50);
                s += (long) STEPS * rows * vaeRow;
            }
            long g = 0;
            long gen = 0;
            if (strategy.equals("bir") && t > 1) {
                // Each step's 32 replayed rows: the frozen decoder with its gates, then the frozen classifier.
                long draw = wide ? 100 * 400 + 400 * 400 + 400 * 784 + 10 * (400 + 400)
                        : 8 * 50 + 50 * 50 + 50 * 50 + 50 * 784 + 10 * (50 + 50 + 50);
                gen = (long) STEPS * BATCH * (draw + forward(wide, 2 * (t - 1)));
            }
            if (strategy.equals("gr")) {
                g = (long) STEPS * rows * vaeTrainRow(wide);
                if (t > 1) {
                    // Each solver step draws 32 images and labels them with the previous solver (2(t-1) outputs);
                    // each generator step draws 32 images for itself.
                    gen = (long) STEPS * BATCH * (decoder(wide) + forward(wide, 2 * (t - 1))) + (long) STEPS * BATCH * decoder(wide);
                }
            }
            if (strategy.equals("cgr")) {
                g = (long) STEPS * rows * conditionalVaeTrainRow(wide);
                if (t > 1) {
                    // Each solver step draws 32 images from drawn labels, which are their targets: no solver labels
                    // them; each generator step draws 32 images for itself.
                    gen = 2L * STEPS * BATCH * conditionalDecoder(wide);
                }
            }
            // EWC's Fisher at the task's end over its 240 samples, a batch at a time, with the exact expectation over
            // the labels (fisher-labels all, the default): one forward, then for each of the 2t classes of the class
            // setting's range a backward (weight gradients, input gradients of all but layer 1: trainRow minus the
            // forward) and one GEMM per layer over squared operands, the size of the forward pass; so per sample
            // forward + 2t x trainRow. SI's consolidation is elementwise: no GEMM.
            long f = strategy.equals("ewc") ? 240L * (forward(wide, outputs) + (long) outputs * trainRow(wide, outputs))
                    : 0;
            solver += s;
            generator += g;
            generation += gen;
            consolidation += f;
            perTask[t - 1] = s + g + gen + f;
        }
        // Evaluation: the untrained model (2 outputs), then after each task, on the 5 x 60 test samples.
        long evaluation = (long) TASKS * TEST_PER_TASK * forward(wide, 2);
        for (int t = 1; t <= TASKS; t++) {
            evaluation += (long) TASKS * TEST_PER_TASK * forward(wide, 2 * t);
        }
        assertEquals(solver, r.ledger().macs(Phase.SOLVER_TRAINING), "solver training");
        assertEquals(generator, r.ledger().macs(Phase.GENERATOR_TRAINING), "generator training");
        assertEquals(generation, r.ledger().macs(Phase.GENERATION), "generation");
        assertEquals(evaluation, r.ledger().macs(Phase.EVALUATION), "evaluation");
        assertEquals(consolidation, r.ledger().macs(Phase.CONSOLIDATION), "consolidation");
        assertEquals(solver + generator + generation + consolidation, r.trainingMacs());
        for (TaskRecord t : r.tasks()) {
            assertEquals(perTask[t.task() - 1], t.trainingMacs(), "task " + t.task());
            // The computational-efficiency baseline: one training pass of the solver over the task's own 240
            // samples (joint included: it trains on more, the baseline is the task's own data), the solver's own
            // forward and backward GEMMs only: LwF's teacher and DER++'s extra rows are what the method costs.
            assertEquals(240 * trainRow(wide, 2 * t.task()), t.onePassMacs(), "task " + t.task());
        }
    }
}
