package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.Synthetic;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.metrics.Eta;
import dev.rehearsal.strategy.Progress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What compare tells its progress for the estimate of the time left, and after training: each run starts with
 * the runs still to come (their work estimated from their configs), plans its own work, reports each task with
 * the work done so far, and once the last run is over the files being written are named.
 */
class ComparisonProgressTest {
    /** Every call, as text. */
    private static final class Recorder implements Progress {
        final List<String> calls = new ArrayList<>();

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
            calls.add("log " + line);
        }

        @Override
        public void run(String name, int number, int of, String strategy, List<Eta.Run> after) {
            calls.add("run " + number + "/" + of + " " + strategy + " then " + after.stream().map(Eta.Run::strategy)
                    .toList());
        }

        @Override
        public void planned(Eta.Work work) {
            calls.add(String.format(java.util.Locale.ROOT, "planned %.4f", work.units()));
        }

        @Override
        public void taskDone(String line, Eta.Work soFar) {
            calls.add(String.format(java.util.Locale.ROOT, "task %.4f", soFar.units()));
        }
    }

    @Test
    void eachRunSaysWhatIsToComeAndTheEndSaysWhatIsWritten(@TempDir Path out) {
        ExperimentConfig c = Synthetic.shortConfig("native", List.of("naive", "gr"), 4, 60, 20);
        c.classesPerTask = 5;
        c.seeds = new ArrayList<>(List.of(1L, 2L));
        c.validate();
        Recorder progress = new Recorder();
        try (Dataset train = Synthetic.dataset(Backends.nativ(), "syn-train", 10, 30, 41);
                Dataset test = Synthetic.dataset(Backends.nativ(), "syn-test", 10, 10, 42)) {
            Comparison.run(c, out, Backends.nativ(), train, test, progress, (png, s) -> { }, s -> List.of(), false);
        }
        List<String> runs = progress.calls.stream().filter(l -> l.startsWith("run ")).toList();
        assertEquals(List.of("run 1/4 naive then [gr, naive, gr]", "run 2/4 gr then [naive, gr]",
                "run 3/4 naive then [gr]", "run 4/4 gr then []"), runs);
        // Two tasks of 4 solver steps (and gr's 4 generator steps); both tasks' test sets, 20 samples each, before
        // training and after each task: 3 x 40 / (3 x 16) = 2.5 steps of evaluation. After naive's first task, 4
        // steps and 2 x 40 samples tested: 4 + 80 / 48.
        assertEquals(List.of("planned 10.5000", "planned 18.5000", "planned 10.5000", "planned 18.5000"),
                progress.calls.stream().filter(l -> l.startsWith("planned ")).toList());
        assertEquals(List.of("task 5.6667", "task 10.5000"), progress.calls.subList(2, 4), "naive's two tasks");
        assertTrue(progress.calls.get(progress.calls.size() - 1).startsWith("log writing results.json, results.csv "
                + "and results.md in "), progress.calls.toString());
    }
}
