package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.Eta;
import dev.rehearsal.metrics.Phase;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategies;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The work the estimate of the time left counts: what a strategy plans when its run starts is what its ledger
 * then counts (solver and generator steps, samples evaluated), for every strategy (joint's growing training set,
 * gr's generator steps, bir's generator inside the solver's steps); and the estimate from a config alone, by hand.
 */
class PlannedWorkTest {
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void data() {
        train = Synthetic.dataset(Backends.nativ(), "syn-train", 10, 60, 31);
        test = Synthetic.dataset(Backends.nativ(), "syn-test", 10, 20, 32);
    }

    @AfterAll
    static void close() {
        train.close();
        test.close();
    }

    static Stream<String> strategies() {
        return Strategies.idList().stream();
    }

    @ParameterizedTest
    @MethodSource("strategies")
    void whatAStrategyPlansIsWhatItsLedgerCounts(String strategy) {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = strategy;
        c.strategies = new ArrayList<>(List.of(strategy));
        c.batch = 32;
        c.epochs = 1;
        c.vaeEpochs = 2;
        c.perClass = 10;
        c.validation = 0.1;
        c.threads = Backends.THREADS;
        c.validate();
        Eta.Work[] planned = new Eta.Work[1];
        Progress listen = new Progress() {
            @Override
            public void begin(String label, long total) {
            }

            @Override
            public void advance(long done, long epoch, double loss) {
            }

            @Override
            public void end() {
            }

            @Override
            public void log(String line) {
            }

            @Override
            public void planned(Eta.Work work) {
                planned[0] = work;
            }
        };
        try (Scenario sc = Experiment.scenario(c, Backends.nativ(), train, test)) {
            RunResult r = Experiment.run(c, Backends.nativ(), sc, listen, null);
            Eta.Work counted = new Eta.Work(r.ledger().steps(Phase.SOLVER_TRAINING),
                    r.ledger().steps(Phase.GENERATOR_TRAINING), Eta.Work.evaluation(
                            r.ledger().samples(Phase.EVALUATION), c.batch));
            assertEquals(counted, planned[0]);
        }
    }

    /**
     * compare on the seed preset, from the config: a Split-MNIST task is 60,000 x 2 / 10 = 12,000 training and
     * 2,000 test samples; 2 epochs of batch 128 are ceil(24,000 / 128) = 188 steps a task, 940 in all; gr's
     * generator 5 epochs, ceil(60,000 / 128) = 469 a task, 2,345; every task's test set before training and after
     * each task, 6 x 5 x 2,000 = 60,000 samples, 60,000 / 384 = 156.25 steps.
     */
    @Test
    void theEstimateFromAConfigByHand() {
        ExperimentConfig naive = Experiment.single(new ExperimentConfig(), "naive", 1);
        assertEquals(new Eta.Work(940, 0, 156.25), Experiment.plannedWork(naive, 60_000, 10_000));
        ExperimentConfig gr = Experiment.single(new ExperimentConfig(), "gr", 1);
        assertEquals(new Eta.Work(940, 2_345, 156.25), Experiment.plannedWork(gr, 60_000, 10_000));
        ExperimentConfig bir = Experiment.single(new ExperimentConfig(), "bir", 1);
        assertEquals(new Eta.Work(940, 0, 156.25), Experiment.plannedWork(bir, 60_000, 10_000),
                "bir's generator trains within the solver's steps");
        // 2000 iterations a task, 1,000 training samples kept of which 10% held out for validation (100 a task,
        // evaluated with the 2,000 test samples): 6 x 5 x 2,100 / 384 = 164.0625.
        ExperimentConfig limited = new ExperimentConfig();
        limited.iterations = 2000;
        limited.trainLimit = 1000;
        limited.validation = 0.1;
        limited = Experiment.single(limited, "er", 1);
        assertEquals(new Eta.Work(10_000, 0, 164.0625), Experiment.plannedWork(limited, 60_000, 10_000));
    }
}
