package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.ExperimentConfig;
import dev.rehearsal.experiment.ResultFiles;
import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.experiment.Summary;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Strategies;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rehearsal compare}: the main job. naive, joint, er and gr on the seed preset in class-incremental
 * Split-MNIST, one table (ACC, BWT, FWT, forgetting, exact memory, MACs, time), written to
 * {@code --out} as results.json and results.md after every finished run.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare strategies (default naive, joint, er, gr) on one scenario; the main job.")
final class CompareCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;
    @Mixin
    ExperimentOptions options;

    @Option(names = "--strategies", paramLabel = "S,S,...", split = ",",
            description = "Strategies to compare (default naive,joint,er,gr).")
    List<String> strategies = new ArrayList<>(Strategies.IDS);

    @Option(names = "--seeds", paramLabel = "N,N,...", split = ",", description = "Seeds; several give mean ± std "
            + "(default 1).")
    List<Long> seeds = new ArrayList<>(List.of(1L));

    @Option(names = "--quick", description = "A short configuration for CI and smoke tests: "
            + "4000 training samples per task, 2 solver epochs, 5 generator epochs.")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default ${DEFAULT-VALUE}).")
    Path out = Path.of("results", "compare");

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    /** The short configuration of {@code --quick}; explicit options still override it. */
    static void applyQuick(ExperimentConfig c) {
        c.trainLimit = 4000;
        c.epochs = 2;
        c.vaeEpochs = 5;
    }

    @Override
    public Integer call() {
        ExperimentConfig base = new ExperimentConfig();
        base.threads = runtime.threads();
        if (quick) {
            applyQuick(base);
        }
        options.apply(base);
        for (String s : strategies) {
            if (!Strategies.IDS.contains(s)) {
                throw new RehearsalException(RehearsalException.USAGE, "unknown strategy '" + s + "' in --strategies: "
                        + "use " + String.join(", ", Strategies.IDS));
            }
        }
        if (seeds.isEmpty()) {
            throw new RehearsalException(RehearsalException.USAGE, "--seeds needs at least one seed");
        }
        base.strategy = strategies.get(0);
        base.seed = seeds.get(0);
        base.validate();
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
        ConsoleProgress progress = new ConsoleProgress(err, quiet);
        Summary summary = new Summary(base);
        try (Backend backend = Experiments.backend(base, runtime);
                Experiments.Data data = Experiments.load(base, backend, err)) {
            for (long seed : seeds) {
                for (String s : strategies) {
                    ExperimentConfig c = base.copy();
                    c.strategy = s;
                    c.seed = seed;
                    try (Scenario sc = Experiment.scenario(c, backend, data.train(), data.test())) {
                        RunResult r = Experiment.run(c, backend, sc, progress, null);
                        summary.add(r);
                        ResultFiles.writeSummary(out, summary);
                    }
                }
            }
        }
        var console = spec.commandLine().getOut();
        console.println(summary.markdownTable());
        console.println("results: " + out.resolve("results.json") + ", " + out.resolve("results.md"));
        return 0;
    }
}
