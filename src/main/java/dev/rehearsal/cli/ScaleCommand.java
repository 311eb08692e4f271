package dev.rehearsal.cli;

import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.MachineUse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.ResultsFolder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.engine.InProcess;
import dev.rehearsal.sweep.Grid;
import dev.rehearsal.sweep.Sweep;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.ResultFiles;
import dev.rehearsal.profile.ScaleStudy;
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
 * {@code rehearsal scale --strategies er,gr --tasks 2,5,10,20,50}: accuracy, memory, MACs and time against the
 * number of tasks, with the fitted growth: a front end that builds the study's grid (task counts x strategies, one
 * seed, {@code report: scale}) and runs it as a sweep in this process, so its runs are records and it resumes
 * ({@code --resume}). Several seeds, or a study of hours: {@code rehearsal sweep --preset scale}. Defaults are a short per-task configuration on domain-incremental
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

    @Option(names = "--resume", description = "Continue a study stopped part-way in its results folder (--out DIR): "
            + "the runs recorded in runs/ are kept (each verified), the others run.")
    boolean resume;

    @Mixin
    FolderOptions folder;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        WallClock clock = WallClock.start();
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
        if (resume && folder.explicit(c.out) == null) {
            throw new RehearsalException(RehearsalException.USAGE, "--resume continues "
                    + "the study in its folder: give that folder with --out DIR");
        }
        Path dir = folder.destination(c.out, "scale");
        if (dryRun) {
            var console = spec.commandLine().getOut();
            console.print(ConfigFiles.toJson(c));
            console.println("strategies " + String.join(", ", c.strategies) + " at " + taskCounts + " tasks, into "
                    + dir + (resume ? " (resumed: recorded runs are kept)" : ""));
            console.println("dry run: the config is valid; nothing was run or written");
            console.flush();
            return 0;
        }
        try (ResultsFolder out = resume ? folder.open(folder.explicit(c.out), "scale", true)
                : folder.openNew(c.out, "scale", "scale")) {
            try {
                return scaleInto(c, taskCounts, out.dir(), out, clock);
            } catch (RuntimeException | Error e) {
                if (!Files.isDirectory(out.dir().resolve("runs"))) {
                    out.discard(e); // nothing finished: the folder is left as it was
                }
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

    /**
     * Runs the study as a sweep with {@code report: scale} in this process ({@link InProcess}): one record per
     * run in runs/ID.json, so a study stopped part-way continues with --resume; prints scale.md, then the machine
     * use of the runs it ran (also in sweep.json and sweep.md), as every command that runs experiments does.
     */
    private int scaleInto(ExperimentConfig c, List<Integer> taskCounts, Path dir, ResultsFolder out,
            WallClock clock) {
        List<ExperimentConfig> configs = new ArrayList<>();
        List<Map<String, JsonNode>> options = new ArrayList<>();
        for (int t : taskCounts) {
            for (String s : c.strategies) {
                configs.add(ScaleStudy.configFor(c, s, t));
                Map<String, JsonNode> o = new LinkedHashMap<>();
                o.put("tasks", IntNode.valueOf(t));
                o.put("strategy", TextNode.valueOf(s));
                o.put("seed", LongNode.valueOf(c.seed));
                options.add(o);
            }
        }
        ObjectNode source = Json.MAPPER.createObjectNode().put("report", "scale");
        source.set("config", Json.config(c));
        source.set("tasks", Json.MAPPER.valueToTree(taskCounts));
        source.set("strategies", Json.MAPPER.valueToTree(c.strategies));
        Grid grid = Grid.of(source, "scale", configs, options);
        PrintStream log = folder.quiet || c.quiet ? new PrintStream(java.io.OutputStream.nullOutputStream())
                : Experiments.stderr();
        dev.rehearsal.sweep.BuildCheck.check(grid, dir); // a point no run of it can build with stops the study here
        // Before the runs, with their threads and wait policy (the native runtime they use starts with them).
        MachineUse.Peak peak = MachineUse.Peak.measure(c);
        Sweep.Outcome outcome;
        MachineUse use;
        try (InProcess engine = new InProcess()) {
            outcome = Sweep.run(grid, dir, engine, false, log);
            // One run at a time on this process's threads.
            use = new MachineUse(MachineUse.Work.ofRecords(outcome.ranHere()), outcome.kept(), clock.seconds(),
                    clock.from(), peak, 1, c.threads, clock.cpuSeconds());
            Sweep.writeMachineUse(dir, outcome, use);
        }
        out.finish();
        var console = spec.commandLine().getOut();
        try {
            console.print(Files.readString(dir.resolve("scale.md")));
        } catch (java.io.IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "the study wrote no readable " + dir.resolve(
                    "scale.md") + ": " + e.getMessage());
        }
        console.println("results: " + dir.resolve("scale.json") + ", " + dir.resolve("scale.md") + ", "
                + dir.resolve("report.html") + " (" + outcome.kept() + " kept, " + outcome.ran() + " run, "
                + outcome.failed() + " failed)");
        console.println(use.line());
        if (outcome.failed() > 0) {
            throw new RehearsalException(RehearsalException.RUN, outcome.failed() + " of " + outcome.total()
                    + " runs failed (each error is in " + dir.resolve("sweep.json") + "); --resume runs them again");
        }
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
