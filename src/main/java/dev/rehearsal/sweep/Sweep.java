package dev.rehearsal.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.engine.Engine;
import dev.rehearsal.metrics.Eta;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.Provenance;
import dev.rehearsal.experiment.ResultFiles;
import dev.rehearsal.experiment.ResultsCsv;
import dev.rehearsal.ResultsSchema;
import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.experiment.Summary;
import dev.rehearsal.report.HtmlReport;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a {@link Grid} into a results folder (opened by the caller as a {@link dev.rehearsal.ResultsFolder}):
 * <pre>
 * DIR/grid.json          the grid file as given
 * DIR/runs/ID.json       each experiment's sealed record, written atomically as it finishes (or its failure)
 * DIR/sweep.json         every experiment of the grid: id, options, status, headline metrics, provenance
 * DIR/sweep.csv          one row per experiment x evaluated task (tidy, for pandas)
 * DIR/sweep.md           mean ± std over seeds per grid point
 * DIR/results.json, results.csv, results.md, report.html   the report over the grid points
 * DIR/selection.csv      a grid that selects: every candidate's validation score per selection seed, its
 *                        mean and whether it was chosen (also in sweep.json's selection and sweep.md)
 * </pre>
 * A grid that selects runs in two stages (see {@link Selection}): its candidates on the selection seeds, then
 * the chosen ones on the evaluation seeds; every table and the report hold the evaluation stage only.
 * A finished id is skipped when the sweep runs again (its record verified: checksum, config, ranges);
 * {@code rerun} runs every experiment again. A failed experiment is recorded and run again next time.
 */
public final class Sweep {
    private Sweep() {
    }

    /**
     * What a sweep did: experiments in the grid, kept from earlier runs, run now, failed (of all), the table; the
     * records of the experiments this process ran and finished (what its machine use counts), and sweep.json and
     * sweep.md as written ({@link #writeMachineUse} adds to them).
     */
    public record Outcome(int total, int kept, int ran, int failed, String table, List<ObjectNode> ranHere,
            ObjectNode sweepJson, String sweepMd) {
    }

    /** sweep.json and sweep.md as {@link #merge} wrote them, and the table. */
    record Merged(String table, ObjectNode json, String md) {
    }

    /**
     * Adds the command's machine use to sweep.json ({@code machine_use}) and sweep.md, as the command ends, and
     * writes the merge's report.html again so that it shows it.
     */
    public static void writeMachineUse(Path dir, Outcome outcome, dev.rehearsal.experiment.MachineUse use) {
        withMachineUse(dir, outcome, use.toJson(), use.markdown());
    }

    /** sweep.json with {@code use} as its machine_use, sweep.md with {@code markdown} as its section, the report. */
    private static void withMachineUse(Path dir, Outcome outcome, JsonNode use, String markdown) {
        outcome.sweepJson().set("machine_use", use);
        ResultFiles.write(dir.resolve("sweep.json"), Json.write(outcome.sweepJson()) + "\n");
        ResultFiles.write(dir.resolve("sweep.md"), outcome.sweepMd() + markdown);
        if (Files.isRegularFile(dir.resolve("report.html"), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            HtmlReport.write(dir); // only where the merge could write one (some grids have none)
        }
    }

    /**
     * What a merge that runs nothing ({@code --merge-only}) keeps of a folder's earlier sweep.json and sweep.md: the
     * machine use of the process that ran its experiments ({@code machine_use}, the {@code machine} it was measured
     * on, and sweep.md's section of it). A merge measures nothing, so without this it would drop the only record of
     * how the runs used the machine.
     */
    public record EarlierUse(JsonNode machine, JsonNode machineUse, String markdown) {
        /** The earlier sweep's machine use in {@code dir}, or null when its sweep.json has none (or is unreadable). */
        public static EarlierUse read(Path dir) {
            Path json = dir.resolve("sweep.json");
            if (!Files.isRegularFile(json, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            try {
                JsonNode root = Json.MAPPER.readTree(json.toFile());
                if (root == null || !root.path("machine_use").isObject()) {
                    return null;
                }
                String md = "";
                Path sweepMd = dir.resolve("sweep.md");
                if (Files.isRegularFile(sweepMd, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    String text = Files.readString(sweepMd);
                    int at = text.indexOf("\n## Machine use\n");
                    md = at < 0 ? "" : text.substring(at);
                }
                return new EarlierUse(root.get("machine"), root.get("machine_use"), md);
            } catch (IOException e) {
                return null; // the merge writes the folder's files again; nothing earlier to keep
            }
        }
    }

    /** Puts {@code earlier} back into the sweep.json and sweep.md a merge that ran nothing wrote, and the report. */
    public static void keepMachineUse(Path dir, Outcome outcome, EarlierUse earlier) {
        if (earlier.machine() != null) {
            outcome.sweepJson().set("machine", earlier.machine());
        }
        withMachineUse(dir, outcome, earlier.machineUse(), earlier.markdown());
    }

    /**
     * Runs the grid into {@code dir} and merges every record there into its tables; with a null {@code engine}
     * nothing runs ({@code --merge-only}): the tables cover the experiments already finished, and list the others
     * as not run, which is how a sweep stopped part-way is committed and reported.
     */
    public static Outcome run(Grid grid, Path dir, Engine engine, boolean rerun, PrintStream log) {
        return run(grid, dir, engine, rerun, List.of(), log);
    }

    /**
     * {@link #run(Grid, Path, Engine, boolean, PrintStream)}, first taking the records of the grid's experiments
     * that {@code from} (other sweeps' folders, checked by {@link #sources}) hold and {@code dir} lacks
     * ({@link Records#adopt}); none with {@code rerun}.
     */
    public static Outcome run(Grid grid, Path dir, Engine engine, boolean rerun, List<Path> from, PrintStream log) {
        ResultFiles.write(dir.resolve("grid.json"), Json.write(grid.source()) + "\n");
        if (!rerun && !from.isEmpty()) {
            int taken = Records.adopt(dir, grid, from, log);
            log.println("sweep: took " + taken + (taken == 1 ? " record" : " records") + " from "
                    + String.join(", ", from.stream().map(Path::toString).toList()));
        }
        if (grid.collapsed() != null) {
            log.println("sweep: " + grid.collapsed());
        }
        Map<String, ObjectNode> records = new LinkedHashMap<>();
        Map<String, Path> files = new LinkedHashMap<>();
        List<ObjectNode> ranHere = new ArrayList<>();
        Map<String, Path> found = rerun ? Map.of() : Records.find(dir, grid);
        Selection.Plan plan = grid.selection();
        if (plan == null) {
            int[] kr = stage("", grid.points(), dir, engine, found, log, records, files, ranHere);
            Merged m = merge(grid, grid.points(), null, dir, records, files, log);
            return new Outcome(grid.points().size(), kr[0], kr[1], failed(grid.points(), records), m.table(),
                    List.copyOf(ranHere), m.json(), m.md());
        }
        int[] first = stage("selection stage (" + plan.candidates().size() + " candidates x "
                + plan.selectSeeds().size() + " seeds): ", grid.points(), dir, engine, found, log, records, files,
                ranHere);
        List<Selection.Judged> judged = Selection.choose(plan.candidates(), Selection.scores(records, plan.by()),
                records.keySet());
        for (String g : plan.groups()) {
            Selection.Judged c = judged.stream().filter(j -> j.chosen() && j.candidate().group().equals(g))
                    .findFirst().orElse(null);
            boolean waiting = judged.stream().anyMatch(j -> j.candidate().group().equals(g) && j.notRunYet());
            log.println("sweep: " + g + ": " + (c == null ? waiting ? "a candidate's selection run has not run yet, "
                    + "nothing chosen" : "no candidate has a score on every selection seed, "
                    + "nothing to evaluate" : "chose " + c.candidate().label() + (c.candidate().alone()
                    ? ", the only candidate (not run on the selection seeds)" : ", " + plan.by().title + " "
                    + c.summary().meanSem(4))));
        }
        List<Grid.Point> evaluation = Selection.evaluation(judged);
        int[] second = stage("evaluation stage: ", evaluation, dir, engine, found, log, records, files, ranHere);
        Merged m = merge(grid, evaluation, judged, dir, records, files, log);
        List<Grid.Point> all = new ArrayList<>(grid.points());
        all.addAll(evaluation);
        return new Outcome(all.size(), first[0] + second[0], first[1] + second[1], failed(all, records), m.table(),
                List.copyOf(ranHere), m.json(), m.md());
    }

    private static int failed(List<Grid.Point> points, Map<String, ObjectNode> records) {
        return (int) points.stream().map(p -> records.get(p.id()))
                .filter(o -> o != null && o.path("status").asText().equals("failed")).count();
    }

    /**
     * Runs the experiments of {@code points} without a finished record in {@code found} (see {@link Records#find};
     * none with --rerun), each record written as it arrives and added to {@code records}, and its file to
     * {@code files}, and each that finished to {@code ranHere}; returns {kept, run}.
     */
    private static int[] stage(String name, List<Grid.Point> points, Path dir, Engine engine, Map<String, Path> found,
            PrintStream log, Map<String, ObjectNode> records, Map<String, Path> files, List<ObjectNode> ranHere) {
        List<Engine.Task> tasks = new ArrayList<>();
        Map<String, Grid.Point> byId = new LinkedHashMap<>();
        int kept = 0;
        for (Grid.Point p : points) {
            byId.put(p.id(), p);
            Path f = found.get(p.id());
            if (f != null) {
                ObjectNode o = Experiment.readRecord(f, p.config(), "delete it to run that experiment again, or "
                        + "give --rerun");
                String status = o.path("status").asText();
                if (status.equals("finished") || status.equals(Experiment.DOES_NOT_FIT)) {
                    records.put(p.id(), o);
                    files.put(p.id(), f);
                    kept++;
                    continue;
                }
            }
            tasks.add(new Engine.Task(p.id(), ConfigFiles.toJson(p.config())));
        }
        if (engine == null) {
            log.printf(Locale.ROOT, "sweep: %s%d experiments, %d finished, %d not run (--merge-only: the tables "
                    + "cover the finished ones and list the others as not run)%n", name, points.size(), kept,
                    tasks.size());
            return new int[] {kept, 0};
        }
        log.printf(Locale.ROOT, "sweep: %s%d experiments, %d already finished, running %d on %s%n", name,
                points.size(), kept, tasks.size(), engine.describe());
        if (tasks.isEmpty()) {
            return new int[] {kept, 0};
        }
        int[] done = {0};
        long started = System.nanoTime();
        // The estimate of the time left: each experiment's work from its config, at the pace the finished ones
        // kept (their own seconds), shared as the wall time so far shared them (several run at once).
        Map<String, Eta.Run> toCome = new LinkedHashMap<>();
        for (Engine.Task t : tasks) {
            ExperimentConfig c = byId.get(t.id()).config();
            toCome.put(t.id(), new Eta.Run(c.strategy, Experiment.plannedWork(c, Cost.TRAIN, Cost.TEST)));
        }
        Eta.Pace pace = new Eta.Pace();
        // When the first experiment began (its end less its own seconds): the engine's start-up is no one's work.
        double[] began = {Double.MAX_VALUE};
        try {
            engine.run(tasks, new SweepWork(), (task, result) -> {
                ObjectNode o = parse(result);
                ResultFiles.write(Records.record(dir, task.id()), result + "\n");
                records.put(task.id(), o);
                files.put(task.id(), Records.record(dir, task.id()));
                done[0]++;
                Eta.Run ran = toCome.remove(task.id());
                double now = (System.nanoTime() - started) / 1e9;
                if (o.path("status").asText().equals("finished")) {
                    ranHere.add(o);
                    double seconds = o.path("seconds").path("total").asDouble();
                    pace.add(ran.strategy(), ran.work(), seconds);
                    began[0] = Math.min(began[0], Math.max(0, now - seconds));
                }
                double left = Eta.wallSecondsLeft(pace, List.copyOf(toCome.values()), now - began[0]);
                Grid.Point p = byId.get(task.id());
                log.println(String.format(Locale.ROOT, "sweep: %d/%d %s seed %s (%s): ", done[0], tasks.size(),
                        label(p), p.config().seed, task.id())
                        + (o.path("status").asText().equals("failed") ? "failed: " + o.path("error").asText()
                        : o.path("status").asText().equals(Experiment.DOES_NOT_FIT) ? "does not fit its budget: "
                        + o.path("error").asText() : String.format(Locale.ROOT, "ACC %.4f in %.1f s", o.path("acc").asDouble(),
                                o.path("seconds").path("total").asDouble()))
                        + (done[0] < tasks.size() && !Double.isNaN(left) ? ", about "
                                + dev.rehearsal.strategy.Progress.duration(left) + " left for the other "
                                + (tasks.size() - done[0]) : ""));
            });
        } catch (Engine.EngineException e) {
            // The engine lost the rest (a crashed executor): each unfinished experiment is recorded as failed.
            for (Engine.Task t : tasks) {
                if (!records.containsKey(t.id())) {
                    ObjectNode o = Experiment.failure(byId.get(t.id()).config(), "the engine failed before it "
                            + "finished: " + SweepWork.oneLine(e.getMessage()), RehearsalException.RUN);
                    ResultFiles.write(Records.record(dir, t.id()), Json.write(o) + "\n");
                    records.put(t.id(), o);
                    files.put(t.id(), Records.record(dir, t.id()));
                }
            }
            log.println("sweep: the engine failed: " + SweepWork.oneLine(e.getMessage()));
        }
        return new int[] {kept, tasks.size()};
    }

    private static ObjectNode parse(String json) {
        try {
            return (ObjectNode) Json.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalStateException("a sweep task returned no record: " + e.getMessage(), e);
        }
    }

    /** A grid point's name: its strategy and the other options it sets (not the seed). */
    /** An option's value as the tables write it: a scalar's text, anything else its JSON. */
    static String text(com.fasterxml.jackson.databind.JsonNode v) {
        return v.isValueNode() ? v.asText() : v.toString();
    }

    static String label(Grid.Point p) {
        StringBuilder b = new StringBuilder(p.config().strategy);
        p.options().forEach((k, v) -> {
            if (!k.equals("strategy") && !k.equals("seed")) {
                b.append(' ').append(k).append('=').append(text(v));
            }
        });
        return b.toString();
    }

    /**
     * Writes sweep.json, sweep.csv, sweep.md, results.json/csv/md and report.html over the {@code reported}
     * experiments (a grid's points, or the evaluation stage of a grid that selects: the selection stage is then
     * in selection.csv, sweep.json's {@code selection} and sweep.md's "Selection" section, never in the tables);
     * returns the Markdown table.
     */
    static Merged merge(Grid grid, List<Grid.Point> reported, List<Selection.Judged> judged, Path dir,
            Map<String, ObjectNode> records, Map<String, Path> files, PrintStream log) {
        log.println("sweep: writing sweep.json, sweep.csv, sweep.md and results.* of " + reported.size()
                + (reported.size() == 1 ? " experiment in " : " experiments in ") + dir);
        ObjectNode root = Provenance.stamp(Json.MAPPER.createObjectNode(), "sweep");
        root.set("grid", ResultsSchema.snakeKeys(grid.source()));
        ArrayNode sw = root.putArray("swept");
        grid.swept().forEach(k -> sw.add(ResultsSchema.field(k)));
        ArrayNode exps = root.putArray("experiments");
        StringBuilder csv = new StringBuilder();
        List<String> columns = grid.swept().stream().filter(k -> !k.equals("strategy") && !k.equals("seed")).toList();
        List<String> header = new ArrayList<>(List.of("id", "strategy", "seed", "class_order"));
        columns.forEach(k -> header.add(ResultsSchema.field(k)));
        header.addAll(List.of("trained_through_task", "task", "accuracy", "validation_accuracy", "short"));
        List<List<String>> shortReasons = new ArrayList<>();
        ResultsCsv.line(csv, header);
        Summary summary = null;
        // Experiments with no results (failed, does not fit, no record): listed as not run under the table.
        List<Grid.Point> unfinished = new ArrayList<>();
        for (Grid.Point p : reported) {
            ObjectNode o = records.get(p.id());
            ObjectNode e = exps.addObject();
            e.put("id", p.id());
            e.put("label", label(p));
            e.put("strategy", p.config().strategy);
            e.put("setting", p.config().setting.id());
            e.put("seed", p.config().seed);
            e.set("options", ResultsSchema.snakeKeys(Json.MAPPER.valueToTree(p.options())));
            e.put("record", "runs/" + files.getOrDefault(p.id(), Records.record(dir, p.id())).getFileName());
            List<String> why = dev.rehearsal.config.ShortRun.reasons(p.config());
            shortReasons.add(why);
            e.put("short", !why.isEmpty());
            ArrayNode reasons = e.putArray("short_reasons");
            why.forEach(reasons::add);
            if (o == null) {
                e.put("status", "missing");
                unfinished.add(p);
                continue;
            }
            e.put("status", o.path("status").asText());
            String status = o.path("status").asText();
            if (status.equals("failed") || status.equals(Experiment.DOES_NOT_FIT)) {
                e.put("error", o.path("error").asText());
                e.put("exit_code", o.path("exit_code").asInt());
                unfinished.add(p);
                continue;
            }
            for (String k : List.of("acc", "bwt", "fwt", "forgetting")) {
                e.set(k, o.get(k));
            }
            e.set("validation_acc", o.path("validation").isObject() ? o.path("validation").path("acc")
                    : Json.MAPPER.nullNode());
            e.set("class_order", o.path("class_order").isArray() ? o.get("class_order") : Json.MAPPER.nullNode());
            e.set("seconds", o.path("seconds").path("total"));
            e.set("training_macs", o.path("macs").path("training_total"));
            e.set("memory_bytes", o.path("memory_bytes").path("total"));
            JsonNode tasks = o.path("tasks");
            if (tasks.size() > 0) {
                e.set("replay_bytes", tasks.get(tasks.size() - 1).path("replay_bytes"));
            }
            JsonNode r = o.path("accuracy_matrix");
            JsonNode val = o.path("validation").path("accuracy_matrix");
            String order = ResultsCsv.order(o.path("class_order"));
            for (int i = 0; i < r.size(); i++) {
                for (int j = 0; j < r.get(i).size(); j++) {
                    List<String> row = new ArrayList<>(List.of(p.id(), p.config().strategy,
                            Long.toString(p.config().seed), order));
                    for (String k : columns) {
                        JsonNode v = p.options().get(k);
                        row.add(v == null ? "" : text(v));
                    }
                    JsonNode a = r.get(i).get(j);
                    JsonNode va = val.path(i).path(j);
                    row.addAll(List.of(Integer.toString(i + 1), Integer.toString(j + 1), a.isNumber() ? a.asText()
                            : "", va.isNumber() ? va.asText() : "", Boolean.toString(!why.isEmpty())));
                    ResultsCsv.line(csv, row);
                }
            }
            RunResult run = RunResult.fromJson(o);
            if (summary == null) {
                summary = new Summary(p.config());
            }
            summary.add(run.named(label(p)), p.config());
        }
        for (Grid.Point p : unfinished) {
            ObjectNode o = records.get(p.id());
            String why = o == null ? "no record yet (runs/" + p.id() + ".json is missing: not run, or interrupted)"
                    : (o.path("status").asText().equals(Experiment.DOES_NOT_FIT) ? "does not fit: " : "failed: ")
                            + o.path("error").asText();
            if (summary != null) {
                summary.notRun(label(p), List.of(p.config().seed), why);
            }
        }
        List<String> allShort = dev.rehearsal.config.ShortRun.union(shortReasons);
        root.put("short", !allShort.isEmpty());
        ArrayNode allReasons = root.putArray("short_reasons");
        allShort.forEach(allReasons::add);
        Selection.Plan plan = grid.selection();
        if (plan != null) {
            root.set("selection", Selection.json(plan, judged, records));
            ResultFiles.write(dir.resolve("selection.csv"), Selection.csv(plan, judged, records));
        }
        // A scaling study compares methods at one number of tasks, never a method at 2 tasks with another at 20.
        boolean scaling = "scale".equals(grid.report());
        if ((grid.pairedBy() != null || scaling) && summary != null) {
            Map<String, Map<String, String>> labels = new LinkedHashMap<>();
            for (Grid.Point p : reported) {
                Map<String, String> o = new LinkedHashMap<>();
                p.options().forEach((k, v) -> {
                    if (!k.equals("seed")) {
                        o.put(k, text(v));
                    }
                });
                labels.putIfAbsent(label(p), o);
            }
            summary.pairs(grid.pairedBy() != null
                    ? dev.rehearsal.experiment.PairedComparisons.differingIn(labels, grid.pairedBy())
                    : dev.rehearsal.experiment.PairedComparisons.sharing(labels, "tasks"));
        }
        List<dev.rehearsal.stats.Verdict.Answer> compared = summary == null ? List.of() : summary.comparisons();
        if (!compared.isEmpty()) {
            root.set("comparisons", dev.rehearsal.experiment.PairedComparisons.json(compared));
        }
        ResultFiles.write(dir.resolve("sweep.json"), Json.write(root) + "\n");
        ResultFiles.write(dir.resolve("sweep.csv"), csv.toString());
        String shortLine = dev.rehearsal.config.ShortRun.line(allShort);
        String table = (shortLine == null ? "" : "**" + shortLine + "**\n\n") + (summary == null
                ? "(no finished experiment)\n" : summary.markdownTable()
                + dev.rehearsal.experiment.PairedComparisons.markdown(compared));
        String md = "# Rehearsal sweep\n\nMean ± standard error of the mean over seeds "
                + "per grid point (" + reported.size() + " experiments" + (plan == null ? ""
                : " of the evaluation stage, seeds " + Selection.seeds(plan.evaluateSeeds())) + "; each in "
                + "runs/<id>.json).\n\n" + table + (plan == null ? "" : Selection.markdown(plan, judged));
        ResultFiles.write(dir.resolve("sweep.md"), md);
        if ("frontier".equals(grid.report())) {
            log.println("sweep: writing the frontier (frontier.md, frontier.json and its figures)");
            dev.rehearsal.report.Frontier.write(dir, exps, reported.stream()
                    .map(p -> Json.MAPPER.<JsonNode>valueToTree(p.config())).toList(), log);
        } else if ("scale".equals(grid.report())) {
            scale(reported, dir, records, log);
        }
        if (summary != null) {
            ResultFiles.writeSummary(dir, summary);
            log.println("sweep: writing report.html and its figures");
            try {
                HtmlReport.write(dir);
            } catch (RehearsalException e) {
                if (e.exitCode() != RehearsalException.DATA) {
                    throw e; // a file that cannot be written (a full disk, a link) fails the sweep
                }
                log.println("sweep: no report.html for this grid: " + SweepWork.oneLine(e.getMessage()));
            } catch (IllegalArgumentException | IllegalStateException e) {
                log.println("sweep: no report.html for this grid: " + SweepWork.oneLine(e.getMessage()));
            }
        }
        return new Merged(table, root, md);
    }

    /**
     * The scaling study of a grid with {@code report: scale} ({@link dev.rehearsal.profile.ScaleStudy}): each
     * finished experiment is a measurement of its point's label without the task count, at its task count;
     * writes scale.json and scale.md (report.html adds the scaling section and its figures).
     */
    private static void scale(List<Grid.Point> reported, Path dir, Map<String, ObjectNode> records,
            PrintStream log) {
        List<String> strategies = new ArrayList<>();
        List<Integer> taskCounts = new ArrayList<>();
        List<dev.rehearsal.profile.ScaleStudy.Measurement> ms = new ArrayList<>();
        int notRun = 0;
        for (Grid.Point p : reported) {
            String name = scaleLabel(p);
            if (!strategies.contains(name)) {
                strategies.add(name);
            }
            ObjectNode o = records.get(p.id());
            if (o == null || !o.path("status").asText().equals("finished")) {
                notRun++;
                continue;
            }
            dev.rehearsal.profile.ScaleStudy.Measurement m = dev.rehearsal.profile.ScaleStudy.of(name, o);
            ms.add(m);
            taskCounts.add(m.tasks());
        }
        ObjectNode config = Json.config(reported.get(0).config());
        ObjectNode scale = dev.rehearsal.profile.ScaleStudy.toJson(config, reported.get(0).config().scenario.id(),
                strategies, taskCounts, ms, notRun);
        ResultFiles.write(dir.resolve("scale.json"), Json.write(scale) + "\n");
        ResultFiles.write(dir.resolve("scale.md"), dev.rehearsal.profile.ScaleStudy.markdown(scale));
        log.println("sweep: scaling study: " + dir.resolve("scale.md"));
    }

    /** A point's name in a scaling study: its label without the task count. */
    static String scaleLabel(Grid.Point p) {
        StringBuilder b = new StringBuilder(p.config().strategy);
        p.options().forEach((k, v) -> {
            if (!k.equals("strategy") && !k.equals("seed") && !k.equals("tasks")) {
                b.append(' ').append(k).append('=').append(text(v));
            }
        });
        return b.toString();
    }

    /** What --dry-run prints: every experiment (id, the options its point sets) and its estimated cost. */
    public static String dryRun(Grid grid, Path dir) {
        return dryRun(grid, dir, List.of());
    }

    /**
     * What --dry-run prints: every experiment (id, the options its point sets) and its cost. An experiment still to
     * run whose siblings (the same experiment on other seeds, {@link Experiment#apartFromSeed}) have finished
     * records in {@code dir} or in {@code from} is given their mean exact MACs (training and evaluation, as the
     * ledger counted them) and mean wall seconds, as they ran (their machine and load); the others an estimate
     * from the layer shapes ({@link Cost}); the totals cover the experiments still to run and say how many of each.
     * One that {@code --records-from} would take from {@code from} (the sweep's own rule) is "taken", not to run.
     */
    public static String dryRun(Grid grid, Path dir, List<Path> from) {
        StringBuilder b = new StringBuilder();
        Selection.Plan plan = grid.selection();
        b.append(String.format(Locale.ROOT, "%d experiments%s%n", grid.points().size(), plan == null ? ""
                : " in the selection stage (" + plan.candidates().size() + " candidates x seeds "
                + Selection.seeds(plan.selectSeeds()) + ")"));
        if (grid.collapsed() != null) {
            b.append(grid.collapsed()).append('\n');
        }
        Map<String, Path> found = Records.find(dir, grid);
        // What --records-from would take instead of running (the sweep's own rule, read only).
        Map<String, Path> taken = Records.takeable(dir, grid, from);
        List<Path> folders = new ArrayList<>();
        if (dir != null) {
            folders.add(dir);
        }
        folders.addAll(from);
        Map<String, List<ObjectNode>> siblings = Records.finishedBySiblings(folders);
        b.append(String.format(Locale.ROOT, "%-16s  %-10s  %-9s  %-10s  %-12s  %-12s  %-10s  %s%n", "id", "MACs",
                "seconds", "from", "params (B)", "data (B)", "status", "options"));
        double measuredMacs = 0;
        double measuredSeconds = 0;
        double shapeMacs = 0;
        int measured = 0;
        int shapes = 0;
        // Under lone: evaluate, a group's only candidate goes straight to the evaluation seeds: those experiments
        // are known before the selection stage, so they are listed and counted with it.
        List<Grid.Point> lone = plan == null ? List.of() : plan.loneEvaluation();
        List<Grid.Point> listed = new ArrayList<>(grid.points());
        listed.addAll(lone);
        for (Grid.Point p : listed) {
            if (!lone.isEmpty() && p == lone.get(0)) {
                b.append(String.format(Locale.ROOT, "evaluation stage, groups with one candidate (select: lone: "
                        + "evaluate, nothing to choose): %d experiments%n", lone.size()));
            }
            Cost c = Cost.of(p.config());
            boolean recorded = found.containsKey(p.id()) || taken.containsKey(p.id());
            List<ObjectNode> like = siblings.getOrDefault(Experiment.apartFromSeed(p.config()), List.of());
            double macs;
            double seconds = Double.NaN;
            String source;
            if (!like.isEmpty()) {
                macs = like.stream().mapToDouble(o -> o.path("macs").path("training_total").asDouble()
                        + o.path("macs").path("evaluation").asDouble()).average().orElse(Double.NaN);
                seconds = like.stream().mapToDouble(o -> o.path("seconds").path("total").asDouble()).average()
                        .orElse(Double.NaN);
                source = like.size() + (like.size() == 1 ? " seed" : " seeds");
            } else {
                macs = c.macs();
                source = "shapes";
            }
            if (!recorded) {
                if (like.isEmpty()) {
                    shapeMacs += macs;
                    shapes++;
                } else {
                    measuredMacs += macs;
                    measuredSeconds += seconds;
                    measured++;
                }
            }
            b.append(String.format(Locale.ROOT, "%-16s  %-10.3g  %-9s  %-10s  %-12d  %-12d  %-10s  %s%n", p.id(), macs,
                    Double.isNaN(seconds) ? "-" : String.format(Locale.ROOT, "%.0f", seconds), source,
                    c.parameterBytes(), c.datasetBytes(), found.containsKey(p.id()) ? "recorded"
                            : taken.containsKey(p.id()) ? "taken" : "to run",
                    Json.MAPPER.valueToTree(p.options())));
        }
        b.append(String.format(Locale.ROOT, "to run: %d experiments", measured + shapes));
        if (measured > 0) {
            b.append(String.format(Locale.ROOT, "; %d with siblings recorded on other seeds: %.3g MACs exact as they "
                    + "counted, %.1f CPU-hours at one experiment per slot as they ran (their machine and load)",
                    measured, measuredMacs, measuredSeconds / 3600));
        }
        if (shapes > 0) {
            b.append(String.format(Locale.ROOT, "; %d without: %.3g MACs estimated from the layer shapes (solver "
                    + "training on the current samples and evaluation: replayed rows, generators and a generative "
                    + "classifier's per-class models are not in it)", shapes, shapeMacs));
        }
        b.append(String.format(Locale.ROOT, ". Bytes exact: solver float32 parameters, uint8 images of the data set "
                + "(loaded once per process)%n"));
        if (plan != null) {
            long loneGroups = plan.candidates().stream().filter(Selection.Candidate::alone).count();
            long chosen = plan.groups().size() - loneGroups;
            if (chosen > 0) {
                b.append(String.format(Locale.ROOT, "then the evaluation stage: the candidate of each of the %d "
                        + "group(s) (per %s) %swith the highest mean %s runs on seeds %s (%d experiments), decided "
                        + "after the selection stage from its validation results%n", chosen,
                        String.join(", ", plan.per()), loneGroups > 0 ? "with more than one candidate " : "",
                        plan.by().title, Selection.seeds(plan.evaluateSeeds()),
                        chosen * plan.evaluateSeeds().size()));
            }
        }
        return b.toString();
    }
}
