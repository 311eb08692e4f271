package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.Synthetic;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.TaskRecord;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.ReplayBudget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code --replay-budget} and {@code --storage} through whole runs (synthetic Split data, seed preset, 10
 * classes of 120 samples): the replay memory after every task never exceeds the budget, and after the last
 * task it is what the budget buys, derived by hand here.
 */
class ReplayBudgetTest {
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void data() {
        train = Synthetic.dataset(Backends.nativ(), "syn-train", 10, 120, 21);
        test = Synthetic.dataset(Backends.nativ(), "syn-test", 10, 30, 22);
    }

    @AfterAll
    static void close() {
        train.close();
        test.close();
    }

    static RunResult run(String strategy, String storage, int budget) {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = strategy;
        c.batch = 32;
        c.epochs = 1;
        c.threads = Backends.THREADS;
        c.set(ReplayBudget.BYTES, budget);
        if (!strategy.equals("gr") && !strategy.equals("cgr")) {
            c.set(ReplayBudget.STORAGE, storage);
        }
        c.validate();
        try (Scenario sc = Experiment.scenario(c, Backends.nativ(), train, test)) {
            return Experiment.run(c, Backends.nativ(), sc, Progress.NONE, null);
        }
    }

    /**
     * The last task's replay memory by hand. A pixel row is 784 bytes in uint8, 392 in u4, 98 in binary.
     * <ul>
     * <li>er, agem: per class floor(budget / (10 classes x row)), labels implied by the slots;
     * <li>derpp: slots floor(budget / (row + 4 label + 10 x 4 logits + 8 task and width));
     * <li>icarl: beside the frozen solver (784-50-50-50-10: 44,860 floats) and the class means and biases
     * (10 x 50 + 10 floats), 4 x 45,370 = 181,480 bytes;
     * <li>proto (rank 2 by default): per class 2 x (784 int8 codes + 1 float scale) = 1,576 bytes of
     * directions, then per class floor((budget - 15,760) / (10 x row)) prototypes;
     * <li>gr: the VAE 784-h-z8 has 784h + h (encoder) + 2 (8h + 8) (heads) + 8h + h + 784h + 784 (decoder)
     * = 1594 h + 800 floats; two copies (trained, frozen) beside the frozen solver (179,440 bytes);
     * <li>cgr (hard targets): conditional on 10 classes, 1614 h + 800 floats, two copies, no solver.
     * </ul>
     */
    @ParameterizedTest
    @CsvSource({
        // strategy, storage, budget, bytes after the last task
        "er, binary, 100000, 99960", // 102 per class x 10 x 98
        "er, u4, 100000, 98000", // 25 x 10 x 392
        "er, uint8, 100000, 94080", // 12 x 10 x 784
        "agem, binary, 50000, 49980", // 51 x 10 x 98
        "derpp, binary, 100000, 99900", // 666 slots x 150
        "derpp, u4, 100000, 99900", // 225 slots x 444
        "derpp, uint8, 20000, 19228", // 23 slots x 836
        "icarl, uint8, 300000, 299080", // 15 x 10 x 784 + 181,480
        "icarl, binary, 300000, 299080", // 120 x 10 x 98 + 181,480 (all 120 samples of each class)
        "proto, binary, 64000, 63780", // 15,760 + 49 x 10 x 98
        "proto, u4, 100000, 98080", // 15,760 + 21 x 10 x 392
        "gr, uint8, 1000000, 989216", // h = 63: 8 x (1594 x 63 + 800) + 179,440
        "cgr, uint8, 500000, 497056"}) // h = 38: 8 x (1614 x 38 + 800)
    void budgetsAreNeverExceeded(String strategy, String storage, int budget, long last) {
        RunResult r = run(strategy, storage, budget);
        for (TaskRecord t : r.tasks()) {
            assertTrue(t.replayBytes() <= budget, strategy + " after task " + t.task() + " keeps "
                    + t.replayBytes() + " bytes, over " + budget);
        }
        assertEquals(last, r.tasks().get(r.tasks().size() - 1).replayBytes());
        assertTrue(r.accuracy().r()[0][0] > 0.9, "the first task is learned: " + r.accuracy());
    }

    /**
     * An option none of the strategies run reads is refused when it is given a value of its own (a budget for
     * bir would otherwise be silently ignored); at its default it is harmless, as in every saved config.json.
     */
    @Test
    void optionsNoRunningStrategyReadsAreRefused() {
        ExperimentConfig c = new ExperimentConfig();
        c.strategies = new java.util.ArrayList<>(java.util.List.of("bir"));
        c.set(ReplayBudget.BYTES, 1000);
        c.validate();
        RehearsalException e = assertThrows(RehearsalException.class, () -> c.refuseUnread(c.strategies));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertEquals("option 'replay-budget' (1000) is not read by bir: it is read by er, gr, cgr, agem, icarl, derpp, "
                + "proto", e.getMessage());
        c.refuseUnread(java.util.List.of("bir", "er"));
        ExperimentConfig atDefault = new ExperimentConfig();
        atDefault.strategies = new java.util.ArrayList<>(java.util.List.of("naive"));
        atDefault.set(ReplayBudget.STORAGE, "uint8");
        atDefault.validate();
        atDefault.refuseUnread(atDefault.strategies);
        dev.rehearsal.cli.Cli r = dev.rehearsal.cli.Cli.run("run", "--strategy", "naive", "--storage", "binary",
                "--quiet");
        assertEquals(2, r.exitCode());
        assertEquals("rehearsal: option 'storage' (binary) is not read by naive: it is read by er, agem, icarl, derpp, "
                + "proto", r.err().strip());
    }

    @Test
    void generatorsTooLargeForTheBudgetAreRefused() {
        // The frozen solver alone is 179,440 bytes; the smallest VAE (h = 1) 2 x 4 x 2394 = 19,152.
        RehearsalException e = assertThrows(RehearsalException.class, () -> run("gr", "uint8", 179_440 + 19_151));
        assertEquals("invalid value for 'replay-budget': 198591 bytes cannot hold the frozen solver (179440 bytes) "
                + "and 2 copies of the smallest generator (19152 bytes)", e.getMessage());
    }

    @Test
    void budgetsTooSmallAreRefusedWithTheirFigures() {
        RehearsalException e = assertThrows(RehearsalException.class, () -> run("er", "binary", 979));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertEquals("invalid value for 'replay-budget': 979 bytes cannot hold one sample of each of 10 classes "
                + "(98 bytes each in binary)", e.getMessage());
        e = assertThrows(RehearsalException.class, () -> run("icarl", "uint8", 181_480 + 7_839));
        assertTrue(e.getMessage().contains("the frozen solver and the class means (181480 bytes)"), e.getMessage());
        e = assertThrows(RehearsalException.class, () -> run("derpp", "u4", 443));
        assertTrue(e.getMessage().endsWith("cannot hold one sample of 444 bytes"), e.getMessage());
    }
}
