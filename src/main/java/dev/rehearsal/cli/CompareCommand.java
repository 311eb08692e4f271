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
        description = "Compare strategies (default naive, joint, er, gr) on one scenario: the main job.")
final class CompareCommand extends StudyCommand {
    @Option(names = "--strategies", paramLabel = "S,S,...", split = ",",
            completionCandidates = ExperimentOptions.StrategyIds.class,
            description = "Strategies to compare, of ${COMPLETION-CANDIDATES} (default naive,joint,er,gr).")
    List<String> strategies;

    @Option(names = "--seeds", paramLabel = "N,N,...", split = ",", description = "Seeds; several give mean ± std "
            + "(default 1).")
    List<Long> seeds;

    @Option(names = "--quick", description = "The short configuration for CI and smoke tests: 4000 training "
            + "samples per task, 2 solver epochs, 5 generator epochs (flags still override).")
    boolean quick;

    @Override
    boolean quickFlag() {
        return quick;
    }

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
