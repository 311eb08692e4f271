package dev.rehearsal.cli;

import dev.rehearsal.config.ExperimentConfig;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rehearsal compare}: the main job. naive, joint, er and gr on the seed preset in class-incremental
 * Split-MNIST, one table (ACC, BWT, FWT, forgetting, exact memory, MACs, time), results written to
 * {@code --out} after every task.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare strategies side by side on one scenario: the main job.",
        footerHeading = "%nExample:%n", footer = "  rehearsal compare --quick --strategies er,gr --seeds 1,2,3")
final class CompareCommand extends StudyCommand {
    @Option(names = "--strategies", paramLabel = "S", split = ",",
            completionCandidates = ExperimentOptions.StrategyIds.class,
            description = "Strategies to compare, of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    List<String> strategies;

    @Option(names = "--seeds", paramLabel = "N", split = ",", description = "Seeds; several give mean ± std "
            + "(default ${DEFAULT-VALUE}).")
    List<Long> seeds;

    @Override
    void applyOwnFlags(ExperimentConfig c) {
        if (strategies != null) {
            c.strategies = new ArrayList<>(strategies);
        }
        if (seeds != null) {
            c.seeds = new ArrayList<>(seeds);
        }
    }
}
