package dev.rehearsal.cli;

import dev.rehearsal.config.ExperimentConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code rehearsal run}: one strategy with one seed, every option. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run one strategy through a scenario.",
        footerHeading = "%nExample:%n", footer = "  rehearsal run --strategy gr --quick --replay-targets soft")
final class RunCommand extends StudyCommand {
    @Option(names = "--strategy", paramLabel = "S", completionCandidates = ExperimentOptions.StrategyIds.class,
            description = "One of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default ${DEFAULT-VALUE}).")
    Long seed;

    @Override
    void applyOwnFlags(ExperimentConfig c) {
        if (strategy != null) {
            c.strategy = strategy;
        }
        if (seed != null) {
            c.seed = seed;
        }
        c.strategies = new ArrayList<>(List.of(c.strategy));
        c.seeds = new ArrayList<>(List.of(c.seed));
    }
}
