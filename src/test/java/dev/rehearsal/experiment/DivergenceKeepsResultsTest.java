package dev.rehearsal.experiment;

import dev.rehearsal.config.BackendType;

import dev.rehearsal.config.ExperimentConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.Backends;
import dev.rehearsal.Diverging;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.Synthetic;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.strategy.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run that diverges stops with where it happened and keeps the results of the tasks it finished. */
class DivergenceKeepsResultsTest {

    @Test
    void finishedTasksSurviveADivergingOne(@TempDir Path out) throws Exception {
        ExperimentConfig c = StrategyRunTest.config("naive");
        c.backend = BackendType.JVM;
        c.strategies = List.of("naive");
        c.seeds = List.of(1L);
        // 240 samples per task, batches of 32, 3 epochs: 23 steps (one cross-entropy each) per task.
        try (Dataset train = Synthetic.dataset(Backends.jvm(), "syn-train", 10, 120, 11);
                Dataset test = Synthetic.dataset(Backends.jvm(), "syn-test", 10, 30, 12)) {
            RehearsalException e = assertThrows(RehearsalException.class, () -> Comparison.run(c.validate(), out,
                    Diverging.after(Backends.jvm(), 2 * 23 + 5), train, test, Progress.NONE, (png, s) -> { },
                    x -> List.of(), false));
            assertEquals(RehearsalException.RUN, e.exitCode());
            assertTrue(e.getMessage().contains("at task 3, epoch 1, step 5"), e.getMessage());
        }
        JsonNode results = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        JsonNode run = results.get("results").get(0).get("runs").get(0);
        assertEquals(2, run.get("tasks_done").asInt(), "the two finished tasks were kept");
        assertTrue(run.get("accuracy_matrix").get(1).get(1).asDouble() > 0.9, run.get("accuracy_matrix").toString());
        assertTrue(Files.exists(out.resolve("checkpoint").resolve("naive-seed1").resolve("state.json")),
                "and a checkpoint to resume from");
    }

    /**
     * A loss that stays finite but explodes is divergence too: with --lr 100 plain fine-tuning's loss goes from
     * 0.69 to about 5e12 in its second step. The rule (README, "Crash safety"): the mean of the last 10 steps
     * above 10^4 times the task's first loss (at least 1), or above 10^10.
     */
    @Test
    void aFiniteButExplodingLossIsDivergence(@TempDir Path out) throws Exception {
        dev.rehearsal.cli.Cli r = dev.rehearsal.cli.Cli.run("run", "--strategy", "naive", "--lr", "100",
                "--train-limit", "2000", "--test-limit", "200", "--quiet", "--out", out.toString());
        assertEquals(RehearsalException.RUN, r.exitCode(), r.err());
        assertTrue(r.err().contains("training diverged: the solver loss") && r.err().contains("at task 1"), r.err());
        assertTrue(r.err().contains("10^4 times"), r.err());
    }
}
