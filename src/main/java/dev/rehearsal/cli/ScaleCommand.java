package dev.rehearsal.cli;

import dev.rehearsal.experiment.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.ResultFiles;
import dev.rehearsal.profile.ScaleStudy;
import dev.rehearsal.report.HtmlReport;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rehearsal scale --strategies er,gr --tasks 2,5,10,20,50}: memory, MACs and time against the number
 * of tasks, with the fitted growth. Defaults are a short per-task configuration on domain-incremental
 * Permuted-MNIST (1000 training and 1000 test samples per task, 1 solver and 5 generator epochs, 20 stored
 * samples per class of each task); every experiment option overrides them.
 */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "How memory, compute and time grow with the number of tasks (log-log fits), by default on "
                + "domain-incremental Permuted-MNIST with a short configuration per task.",
        footerHeading = "%nExample:%n", footer = "  rehearsal scale --strategies er,gr --tasks 2,5,10,20")
final class ScaleCommand implements Callable<Integer>, Usage.OwnDefaults {
    /** The task counts of the study, and of {@code --quick}. */
    static final List<Integer> TASK_COUNTS = List.of(2, 5, 10, 20, 50);
    static final String QUICK_TASKS = "2,5,10";
    static final List<Integer> QUICK_TASK_COUNTS = java.util.Arrays.stream(QUICK_TASKS.split(","))
            .map(Integer::valueOf).toList();

    @Mixin
    RuntimeOptions runtime;
    @Mixin
    ExperimentOptions options;

    @Option(names = "--strategies", paramLabel = "S", split = ",", description = "Strategies (default "
            + "${DEFAULT-VALUE}).")
    List<String> strategies;

    @Option(names = "--quick", description = "The short study: task counts " + QUICK_TASKS + " unless --tasks is given (each "
            + "run already has a short configuration here; the results record that the study was short).")
    boolean quick;

    @Option(names = "--dry-run", description = "Check the study's config and print it with the task counts and "
            + "strategies it would run; nothing is run or written.")
    boolean dryRun;

    @Mixin
    FolderOptions folder;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<Integer> taskCounts = taskCounts(options.tasks == null && quick ? QUICK_TASK_COUNTS : options.tasks);
        options.tasks = null; // the list is this command's; each run sets its own task count
        ExperimentConfig c = ConfigFiles.resolve(folder.config, false, x -> {
            if (quick) {
                x.applyQuick(); // marked short; this command's own per-task settings are shorter still
            }
            defaults(x);
        }, x -> {
            runtime.apply(x);
            options.apply(x);
            if (strategies != null) {
                x.strategies = new ArrayList<>(strategies);
            }
            if (folder.out != null) {
                x.out = folder.out.toString();
            }
        });
        c.refuseUnread(c.strategies);
        Path dir = folder.destination(c.out, "scale");
        if (dryRun) {
            var console = spec.commandLine().getOut();
            console.print(dev.rehearsal.experiment.ConfigFiles.toJson(c));
            console.println("strategies " + String.join(", ", c.strategies) + " at " + taskCounts + " tasks, into "
                    + dir);
            console.println("dry run: the config is valid; nothing was run or written");
            console.flush();
            return 0;
        }
        try (ResultsFolder out = folder.openNew(c.out, "scale", "scale")) {
            try {
                return scaleInto(c, taskCounts, out.dir(), out);
            } catch (RuntimeException | Error e) {
                out.discard(e); // nothing of a failed scale is worth keeping
                throw e;
            }
        }
    }

    /**
     * This study's per-task configuration: domain-incremental Permuted-MNIST, 1000 training and 1000 test samples
     * per task, 1 solver and 5 generator epochs, 20 stored samples per class of each task, strategies er and gr.
     */
    @Override
    public void defaults(ExperimentConfig x) {
        x.scenario = dev.rehearsal.config.ScenarioType.PERMUTED;
        x.setting = dev.rehearsal.scenario.Setting.DOMAIN;
        x.trainLimit = 1000;
        x.testLimit = 1000;
        x.epochs = 1;
        x.vaeEpochs = 5;
        x.perClass = 20;
        x.strategies = new ArrayList<>(List.of("er", "gr"));
    }

    @Override
    public String shownDefault(String key) {
        return key.equals("tasks") ? TASK_COUNTS.stream().map(String::valueOf).collect(
                java.util.stream.Collectors.joining(",")) : null;
    }

    /** Runs into the open results folder {@code dir} and prints the result. */
    private int scaleInto(ExperimentConfig c, List<Integer> taskCounts, Path dir, ResultsFolder out) {
        var err = Experiments.stderr();
        ObjectNode scale;
        try (Backend backend = RuntimeOptions.backend(c.backend, c);
                dev.rehearsal.experiment.Inputs.Data data = Experiments.load(c, backend, err)) {
            scale = ScaleStudy.run(c, taskCounts, backend, data.train(), data.test(),
                    Progresses.forConsole(err, folder.quiet || c.quiet));
        }
        ResultFiles.write(dir.resolve("scale.json"), Json.write(scale) + "\n");
        String md = ScaleStudy.markdown(scale);
        ResultFiles.write(dir.resolve("scale.md"), md);
        Path report = HtmlReport.write(dir);
        out.finish();
        var console = spec.commandLine().getOut();
        console.print(md);
        console.println("results: " + dir.resolve("scale.json") + ", " + dir.resolve("scale.md") + ", " + report);
        return 0;
    }

    /**
     * The task counts of the study ({@code --tasks}, default 2,5,10,20,50): at least three distinct ones, each
     * between 1 and 1000. A slope fitted through two points always fits, and one through a repeated count is a
     * fit through fewer points than it claims: neither tells constant from linear growth.
     */
    static List<Integer> taskCounts(List<Integer> given) {
        if (given == null) {
            return TASK_COUNTS;
        }
        for (Integer t : given) {
            if (t == null || t < 1 || t > 1000) {
                throw ExperimentConfig.invalid("tasks", given, "task counts between 1 and 1000");
            }
        }
        Set<Integer> distinct = new HashSet<>();
        for (int t : given) {
            if (!distinct.add(t)) {
                throw ExperimentConfig.invalid("tasks", given, "distinct task counts; " + t + " is repeated");
            }
        }
        if (distinct.size() < 3) {
            throw ExperimentConfig.invalid("tasks", given, "at least three distinct task counts, e.g. 2,5,10: a "
                    + "growth fitted through fewer points says nothing");
        }
        return List.copyOf(given);
    }
}
