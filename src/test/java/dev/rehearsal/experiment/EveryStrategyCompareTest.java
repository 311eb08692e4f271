package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.strategy.DarkExperienceReplay;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategies;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code compare} with every registered strategy ({@link Strategies#ALL}, so a new one is covered by its
 * registry line) in one comparison, on both backends, small synthetic data and a few steps a task (seconds).
 * Every run finishes with a complete accuracy matrix. Then the same comparison is interrupted once in every
 * run, after its third task is evaluated and before that task's checkpoint is written (the checkpoint holds the
 * state after task 2, as a crash there would leave it), and resumed with {@code --resume} until it completes:
 * each resume keeps the finished runs' records and continues the stopped run from its checkpoint. The resumed
 * comparison ends with exactly the uninterrupted one's accuracy matrices.
 */
class EveryStrategyCompareTest {
    private static final int TASKS = 5;

    /** Thrown by the progress to stop a comparison the way a crash would. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop(String line) {
            super("stopped on purpose at: " + line, null, false, false);
        }
    }

    private static ExperimentConfig config(String backend) {
        ExperimentConfig c = Synthetic.shortConfig(backend, Strategies.idList(), 12, 96, 40);
        c.set(DarkExperienceReplay.BUFFER, 50);
        return c.validate();
    }

    private static Summary compare(ExperimentConfig c, Path out, Backend be, Dataset train, Dataset test,
            Progress progress, boolean resume) {
        return Comparison.run(c, out, be, train, test, progress, (png, samples) -> { }, s -> List.of(), resume);
    }

    @ParameterizedTest
    @CsvSource({"native", "jvm"})
    void everyStrategyRunsAndResumesToTheSameMatrices(String backend, @TempDir Path dir) {
        Backend be = Backends.named(backend);
        ExperimentConfig c = config(backend);
        try (Dataset train = Synthetic.dataset(be, "syn-train", 10, 120, 81);
                Dataset test = Synthetic.dataset(be, "syn-test", 10, 30, 82)) {
            Summary straight = compare(c, dir.resolve("straight"), be, train, test, Progress.NONE, false);
            assertEquals(Strategies.idList(), List.copyOf(straight.runs().keySet()));
            for (String id : Strategies.idList()) {
                RunResult r = straight.runs().get(id).get(0);
                assertEquals(TASKS, r.accuracy().tasks(), id);
                assertTrue(r.accuracy().complete(), id + " finished every task: " + r.accuracy());
                for (double[] row : r.accuracy().r()) {
                    for (double v : row) {
                        assertTrue(v >= 0 && v <= 1, id + ": " + r.accuracy());
                    }
                }
                assertTrue(Files.exists(dir.resolve("straight").resolve("runs").resolve(id + "-seed1.json")), id);
            }

            Path out = dir.resolve("resumed");
            Set<String> stopped = new HashSet<>();
            Set<String> continued = new HashSet<>();
            Progress stopInEveryRun = new LinesOnly(line -> {
                // Experiment.run logs "<id> seed 1 task 3/5: ..." once task 3 is evaluated, before its checkpoint.
                int space = line.indexOf(' ');
                String id = space < 0 ? line : line.substring(0, space);
                if (line.contains("resumed after task 2/" + TASKS)) {
                    continued.add(id);
                }
                if (line.startsWith(id + " seed 1 task 3/" + TASKS + ":") && stopped.add(id)) {
                    throw new Stop(line);
                }
            });
            Summary resumed = null;
            boolean resume = false;
            for (int attempt = 0; attempt <= Strategies.ALL.size() && resumed == null; attempt++) {
                ExperimentConfig again = resume ? Comparison.savedConfig(out) : c;
                try {
                    resumed = compare(again, out, be, train, test, stopInEveryRun, resume);
                } catch (Stop expected) {
                    resume = true;
                }
            }
            assertTrue(resumed != null, "the comparison completes after one resume per strategy");
            assertEquals(Set.copyOf(Strategies.idList()), stopped, "every run was stopped once");
            assertEquals(stopped, continued, "every stopped run continued from its task-2 checkpoint");
            for (String id : Strategies.idList()) {
                double[][] a = straight.runs().get(id).get(0).accuracy().r();
                double[][] b = resumed.runs().get(id).get(0).accuracy().r();
                for (int t = 0; t < TASKS; t++) {
                    assertArrayEquals(a[t], b[t], id + " on " + backend + ", row " + (t + 1));
                }
            }
        }
    }

    /** A progress that only watches the lines worth keeping. */
    private record LinesOnly(java.util.function.Consumer<String> onLine) implements Progress {
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
            onLine.accept(line);
        }
    }
}
