package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.config.ScenarioType;
import dev.rehearsal.scenario.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A value one strategy cannot run with is refused for the strategies a command runs, and only those, and the
 * refusal names the strategy concerned: whichever strategies run beside it, in whichever order, through run,
 * compare, a config file and a sweep's grid. The README's own config (er and gr, soft targets from a pool, which
 * gr runs and er does not read) is not refused.
 */
class StrategyRefusalTest {
    @ParameterizedTest(name = "{0} beside cgr")
    @ValueSource(strings = {"naive", "er", "gr", "bir", "proto", "derpp"})
    void aPoolIsRefusedForCgrWhateverRunsBesideIt(String other) {
        for (String strategies : List.of(other + ",cgr", "cgr," + other)) {
            Cli r = Cli.run("compare", "--strategies", strategies, "--generation", "pool", "--dry-run");
            assertEquals(RehearsalException.USAGE, r.exitCode(), r.err());
            assertTrue(r.oneLineError(), r.err());
            assertEquals("rehearsal: invalid value for 'generation': pool (strategy cgr generates its replay from "
                    + "labels drawn every step: use on-the-fly)", r.err().strip());
        }
        Cli alone = Cli.run("compare", "--strategies", other, "--generation", "pool", "--dry-run");
        assertEquals(0, alone.exitCode(), "cgr does not run, so nothing refuses the pool: " + alone.err());
    }

    /** The README's experiment.yaml: gr reads soft targets and a pool, er reads neither; nothing to refuse. */
    @Test
    void softTargetsFromAPoolRunForGrBesideStrategiesThatDoNotReadThem(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("experiment.yaml"), """
                strategies: [er, gr]
                seeds: [1, 2, 3]
                preset: seed
                per-class: 200
                replay-targets: soft
                generation: pool
                """);
        Cli r = Cli.run("compare", "--config", config.toString(), "--dry-run");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("6 run(s)") && r.out().contains("dry run: the config is valid"), r.out());
        for (String strategy : List.of("er", "gr", "naive")) {
            Cli one = Cli.run("run", "--strategy", strategy, "--replay-targets", "soft", "--generation", "pool",
                    "--dry-run");
            assertEquals(0, one.exitCode(), strategy + ": " + one.err());
        }
    }

    /** A config file's single {@code strategy} is not what compare runs: it decides nothing there. */
    @Test
    void onlyTheStrategiesACommandRunsAreAsked(@TempDir Path dir) throws Exception {
        Path config = Files.writeString(dir.resolve("c.yaml"), "strategy: cgr\nstrategies: [gr]\ngeneration: pool\n");
        Cli compare = Cli.run("compare", "--config", config.toString(), "--dry-run");
        assertEquals(0, compare.exitCode(), compare.err());
        Cli run = Cli.run("run", "--config", config.toString(), "--dry-run");
        assertEquals(RehearsalException.USAGE, run.exitCode(), "run runs the file's strategy, cgr: " + run.err());
        assertTrue(run.err().contains("(strategy cgr "), run.err());
    }

    /** Checked before anything runs, naming proto, not after the strategies before it have trained. */
    @Test
    void protoInAPermutedScenarioIsRefusedUpFrontNamingIt() {
        ExperimentConfig c = new ExperimentConfig();
        c.scenario = ScenarioType.PERMUTED;
        c.setting = Setting.DOMAIN;
        c.tasks = 2;
        c.strategies = new ArrayList<>(List.of("naive", "er", "proto"));
        c.validate();
        RehearsalException e = assertThrows(RehearsalException.class, () -> c.refuseUnread(c.strategies));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertEquals("invalid value for 'proto-shift': 1 (strategy proto moves pixels with it, and a permuted "
                + "scenario's pixels have no geometry: use --proto-shift 0 --proto-rotate 0 --proto-scale 0)",
                e.getMessage());
        c.refuseUnread(List.of("naive", "er")); // proto does not run: nothing concerns the others

        Cli r = Cli.run("compare", "--strategies", "naive,proto", "--scenario", "permuted", "--setting", "domain",
                "--tasks", "2", "--proto-shift", "0", "--proto-rotate", "5", "--dry-run");
        assertEquals(RehearsalException.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().contains("'proto-rotate': 5.0 (strategy proto moves pixels with it"), r.err());
    }

    /** In a grid, each point is asked for its own strategy, and the refusal names the point and the strategy. */
    @Test
    void aGridPointIsRefusedForItsOwnStrategy(@TempDir Path dir) throws Exception {
        Path refused = Files.writeString(dir.resolve("refused.yaml"), """
                generation: pool
                grid:
                  strategy: [gr, er, cgr]
                  seed: [1]
                """);
        Cli r = Cli.run("sweep", "--config", refused.toString(), "--dry-run", "--threads", "1");
        assertEquals(RehearsalException.USAGE, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), r.err());
        assertTrue(r.err().contains("\"strategy\":\"cgr\"") && r.err().contains("(strategy cgr generates"), r.err());
        assertFalse(r.err().contains("strategy gr ") || r.err().contains("strategy er "), r.err());

        Path accepted = Files.writeString(dir.resolve("accepted.yaml"), """
                generation: pool
                replay-targets: soft
                grid:
                  strategy: [er, gr]
                  seed: [1]
                """);
        Cli ok = Cli.run("sweep", "--config", accepted.toString(), "--dry-run", "--threads", "1");
        assertEquals(0, ok.exitCode(), ok.err());
    }
}
