package dev.rehearsal.experiment;

import dev.rehearsal.config.Generation;
import dev.rehearsal.config.ReplayTargets;
import dev.rehearsal.config.Selection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.strategy.ReplayBudget;
import dev.rehearsal.strategy.Strategies;
import dev.rehearsal.strategy.Strategy;
import dev.rehearsal.strategy.StrategyType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The profile's footprint and the results' memory are one list of components: after a short synthetic run of
 * every registered strategy (and of the variants that add optional components: herding scratch, a generated
 * pool, cgr's frozen solver with soft targets), the footprint's items but the backend's workspace sum to the
 * memory's values, and its workspace items to the run's {@code workspace_bytes}, so a block listed in one and not
 * the other fails.
 */
class FootprintMemoryTest {
    static Stream<Arguments> strategies() {
        List<Arguments> out = new ArrayList<>();
        for (StrategyType t : Strategies.ALL) {
            out.add(Arguments.of(t.id(), "defaults", (Consumer<ExperimentConfig>) c -> {
            }));
        }
        out.add(Arguments.of("er", "herding", (Consumer<ExperimentConfig>) c -> c.selection = Selection.HERDING));
        out.add(Arguments.of("agem", "herding", (Consumer<ExperimentConfig>) c -> c.selection = Selection.HERDING));
        out.add(Arguments.of("gr", "pool", (Consumer<ExperimentConfig>) c -> c.generation = Generation.POOL));
        out.add(Arguments.of("cgr", "soft", (Consumer<ExperimentConfig>) c -> c.replayTargets = ReplayTargets.SOFT));
        out.add(Arguments.of("derpp", "u4", (Consumer<ExperimentConfig>) c -> c.set(ReplayBudget.STORAGE, "u4")));
        out.add(Arguments.of("er", "binary, budget", (Consumer<ExperimentConfig>) c -> c.set(ReplayBudget.STORAGE,
                "binary").set(ReplayBudget.BYTES, 50_000)));
        out.add(Arguments.of("gr", "budget", (Consumer<ExperimentConfig>) c -> c.set(ReplayBudget.BYTES, 400_000)));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("strategies")
    void footprintSumsToMemory(String id, String variant, Consumer<ExperimentConfig> tweak) {
        ExperimentConfig c = StrategyRunTest.config(id);
        c.epochs = 1;
        c.vaeEpochs = 1;
        tweak.accept(c);
        long[] sums = new long[4];
        List<String> listed = new ArrayList<>();
        ReferenceMethodsTest.run(c, Backends.nativ(), new Experiment.Listener() {
            @Override
            public void taskFinished(RunResult soFar) {
            }

            @Override
            public void finished(Strategy strategy, RunResult result) {
                for (MemoryItem i : strategy.footprint()) {
                    sums[i.workspace() ? 2 : 0] += i.bytes();
                    listed.add(i.component() + ": " + i.block() + (i.workspace() ? " (workspace)" : ""));
                }
                sums[1] = strategy.memory().values().stream().mapToLong(Long::longValue).sum();
                sums[3] = result.workspaceBytes();
                assertEquals(result.memory(), strategy.memory(), id + ": results.json's memory is memory()");
            }
        });
        assertFalse(listed.isEmpty(), id + ": no footprint");
        assertEquals(sums[1], sums[0], id + " (" + variant + "): footprint " + listed + " vs memory");
        assertEquals(sums[3], sums[2], id + " (" + variant + "): footprint " + listed + " vs workspace_bytes");
        assertTrue(sums[2] > 0, id + " (" + variant + "): the solver alone has a workspace on the native backend");
    }
}
