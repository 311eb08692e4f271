package dev.rehearsal.cli;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.ExperimentConfig;
import dev.rehearsal.experiment.ResultFiles;
import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.experiment.Summary;
import dev.rehearsal.scenario.Scenario;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rehearsal run}: one strategy, every option. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run one strategy through a scenario.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;
    @Mixin
    ExperimentOptions options;

    @Option(names = "--strategy", paramLabel = "S", description = "naive, joint, er or gr (default er).")
    String strategy;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default 1).")
    Long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "Results folder (default ${DEFAULT-VALUE}).")
    Path out = Path.of("results", "run");

    @Option(names = {"-q", "--quiet"}, description = "No progress output.")
    boolean quiet;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ExperimentConfig c = new ExperimentConfig();
        c.threads = runtime.threads();
        options.apply(c);
        if (strategy != null) {
            c.strategy = strategy;
        }
        if (seed != null) {
            c.seed = seed;
        }
        c.validate();
        PrintStream err = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);
        Summary summary = new Summary(c);
        try (Backend backend = Experiments.backend(c, runtime);
                Experiments.Data data = Experiments.load(c, backend, err);
                Scenario sc = Experiment.scenario(c, backend, data.train(), data.test())) {
            RunResult r = Experiment.run(c, backend, sc, new ConsoleProgress(err, quiet), null);
            summary.add(r);
            ResultFiles.writeSummary(out, summary);
        }
        var console = spec.commandLine().getOut();
        console.println(summary.markdownTable());
        console.println("results: " + out.resolve("results.json") + ", " + out.resolve("results.md"));
        return 0;
    }
}
