package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.engine.Engine;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.Json;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Selection in sweeps without training: the grid's select:/evaluate: keys, the choice, and the sweep's real
 * path (Sweep.run) on an engine that returns scripted records, in which the best candidate on the test set and
 * the best on validation differ.
 */
class SelectionTest {
    private static Grid grid(String yaml) throws Exception {
        return Grid.of((ObjectNode) new YAMLMapper().readTree(yaml), "grid test.yaml", c -> c.threads = 1);
    }

    /** naive and er, three learning rates each: 6 candidates in 2 groups, 2 selection seeds, 2 evaluation seeds. */
    static final String GRID = """
            train-limit: 500
            validation: 0.1
            class-order: random
            grid:
              strategy: [naive, er]
              lr: [0.001, 0.002, 0.003]
            select:
              by: validation_acc
              seeds: [1, 2]
            evaluate:
              seeds: 3-4
            """;

    /** Scripted scores by strategy and lr (x 1000): {test ACC, validation ACC}. */
    static final Map<String, double[]> SCRIPT = Map.of(
            "er/1", new double[] {0.90, 0.50},   // best on test
            "er/2", new double[] {0.60, 0.80},   // best on validation: the choice
            "er/3", new double[] {0.70, 0.70},
            "naive/1", new double[] {0.80, 0.40},
            "naive/2", new double[] {0.30, 0.60}, // best on validation among those with every seed
            "naive/3", new double[] {0.20, 0.95}); // best of all on validation, but its seed-2 run fails

    private static String key(ExperimentConfig c) {
        return c.strategy + "/" + Math.round(c.lr * 1000);
    }

    /** A record with the scripted test and validation ACC (seed 2 moves both by the same small amount). */
    static ObjectNode scripted(ExperimentConfig c) {
        double[] s = SCRIPT.get(key(c));
        if (key(c).equals("naive/3") && c.seed == 2) {
            return Experiment.failure(c, "scripted failure", RehearsalException.RUN);
        }
        double shift = c.seed == 2 ? 0.01 : 0;
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("id", Experiment.id(c));
        o.put("status", "finished");
        o.put("strategy", c.strategy);
        o.put("seed", c.seed);
        o.put("acc", s[0] + shift);
        o.putObject("validation").put("acc", s[1] + shift);
        return o;
    }

    /** An engine in this thread: every task through {@code answer}, and the tasks it was given, stage by stage. */
    static final class ScriptedEngine implements Engine {
        final List<List<Task>> stages = new ArrayList<>();
        final Function<ExperimentConfig, ObjectNode> answer;

        ScriptedEngine(Function<ExperimentConfig, ObjectNode> answer) {
            this.answer = answer;
        }

        @Override
        public void run(List<Task> tasks, Work work, Sink sink) {
            stages.add(List.copyOf(tasks));
            for (Task t : tasks) {
                sink.finished(t, Json.write(answer.apply(ConfigFiles.fromJson(t.payload()))));
            }
        }

        @Override
        public int slots() {
            return 1;
        }

        @Override
        public String describe() {
            return "a scripted engine";
        }

        @Override
        public void close() {
        }
    }

    @Test
    void theSweepEvaluatesTheBestOnValidationNotTheBestOnTest(@TempDir Path dir) throws Exception {
        Grid g = grid(GRID);
        Selection.Plan plan = g.selection();
        assertEquals(6, plan.candidates().size());
        assertEquals(List.of("strategy=naive", "strategy=er"), plan.groups());
        assertEquals(12, g.points().size(), "the selection stage: 6 candidates x 2 seeds");
        // Stage 2 records: failures (merge needs no training); which tasks were asked for is what counts.
        ScriptedEngine engine = new ScriptedEngine(c -> c.seed <= 2 ? scripted(c)
                : Experiment.failure(c, "evaluation not run in this test", RehearsalException.RUN));
        Sweep.Outcome out = Sweep.run(g, dir, engine, false, new PrintStream(java.io.OutputStream.nullOutputStream()));

        assertEquals(2, engine.stages.size());
        assertEquals(12, engine.stages.get(0).size());
        List<String> evaluated = engine.stages.get(1).stream()
                .map(t -> { ExperimentConfig c = ConfigFiles.fromJson(t.payload()); return key(c) + "@" + c.seed; })
                .toList();
        assertEquals(List.of("naive/2@3", "naive/2@4", "er/2@3", "er/2@4"), evaluated,
                "each group's best mean validation ACC (er lr 0.002, not er lr 0.001, best on test; naive lr 0.003 "
                        + "has a failed selection run and is excluded), on the evaluation seeds only");
        assertEquals(12 + 4, out.total());
        assertEquals(1 + 4, out.failed());

        List<String> csv = Files.readAllLines(dir.resolve("selection.csv"));
        assertEquals("group,candidate,options,seed,id,status,validation_acc,candidate_mean,candidate_n,chosen",
                csv.get(0));
        assertEquals(12 + 1, csv.size(), "one row per candidate x selection seed");
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("strategy=er,er lr=0.002,")
                && l.contains(",1,") && l.contains(",0.800000,0.805000,2,true")), String.join("\n", csv));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("strategy=er,er lr=0.001,")
                && l.endsWith(",0.500000,0.505000,2,false")), String.join("\n", csv));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("strategy=naive,naive lr=0.003,")
                && l.contains(",failed,,,,false")), String.join("\n", csv));

        JsonNode sweep = dev.rehearsal.SchemaCheck.assertValid(dir.resolve("sweep.json"));
        assertEquals(4, sweep.get("experiments").size(), "sweep.json reports the evaluation stage only");
        for (JsonNode e : sweep.get("experiments")) {
            assertTrue(e.get("seed").asLong() >= 3, e.toString());
        }
        JsonNode sel = sweep.get("selection");
        assertEquals("validation_acc", sel.get("by").asText());
        assertEquals(6, sel.get("candidates").size());
        String md = Files.readString(dir.resolve("sweep.md"));
        assertTrue(md.contains("## Selection") && md.contains("validation results only"), md);
        assertTrue(md.contains("| er lr=0.002 | 0.8050 ± 0.0050 (n=2) | **chosen** |"), md);
        assertTrue(md.contains("| naive lr=0.003 | excluded: no validation score on seed 2"), md);
    }

    /**
     * The scores read nothing but the status and the validation object: records with every test number
     * rewritten (or removed) score the same, and the choice does not move.
     */
    @Test
    void testNumbersCannotReachTheChoice() throws Exception {
        Grid g = grid(GRID);
        Map<String, ObjectNode> records = new LinkedHashMap<>();
        Map<String, ObjectNode> upsideDown = new LinkedHashMap<>();
        Map<String, ObjectNode> validationOnly = new LinkedHashMap<>();
        for (Grid.Point p : g.points()) {
            ObjectNode o = scripted(p.config());
            records.put(p.id(), o);
            ObjectNode u = o.deepCopy();
            u.put("acc", 1 - o.path("acc").asDouble());
            u.putArray("accuracy_matrix").addArray().add(1.0);
            upsideDown.put(p.id(), u);
            ObjectNode v = Json.MAPPER.createObjectNode();
            v.set("status", o.get("status"));
            if (o.has("validation")) {
                v.set("validation", o.get("validation"));
            }
            validationOnly.put(p.id(), v);
        }
        Selection.Metric by = g.selection().by();
        Map<String, Double> scores = Selection.scores(records, by);
        assertEquals(11, scores.size(), "the failed run has no score");
        assertEquals(scores, Selection.scores(upsideDown, by));
        assertEquals(scores, Selection.scores(validationOnly, by));
        List<String> chosen = Selection.choose(g.selection().candidates(), scores).stream()
                .filter(Selection.Judged::chosen).map(j -> j.candidate().label()).toList();
        assertEquals(List.of("naive lr=0.002", "er lr=0.002"), chosen);
    }

    @Test
    void tiesGoToTheFirstCandidateInGridOrder() throws Exception {
        Grid g = grid(GRID);
        Map<String, Double> flat = new LinkedHashMap<>();
        g.points().forEach(p -> flat.put(p.id(), 0.5));
        List<Selection.Judged> j = Selection.choose(g.selection().candidates(), flat);
        assertEquals(List.of("naive lr=0.001", "er lr=0.001"),
                j.stream().filter(Selection.Judged::chosen).map(x -> x.candidate().label()).toList());
        assertNull(j.get(0).excluded());
    }

    /**
     * A sweep stopped in its selection stage, then merged: a group with a candidate that has not run yet chooses
     * nothing (the best of the others would be a choice made without it), and says why; a group whose candidates
     * all have records (one failed) still chooses among the others.
     */
    @Test
    void aGroupWithACandidateNotRunYetChoosesNothing() throws Exception {
        Grid g = grid(GRID);
        Map<String, Double> scores = new LinkedHashMap<>();
        java.util.Set<String> recorded = new java.util.HashSet<>();
        Selection.Candidate erFirst = g.selection().candidates().stream().filter(c -> c.group().contains("er"))
                .findFirst().orElseThrow();
        for (Grid.Point p : g.points()) {
            if (erFirst.selection().contains(p)) {
                continue; // er's first candidate has not run: no record at all
            }
            recorded.add(p.id());
            scores.put(p.id(), 0.5 + 0.1 * p.config().lr);
        }
        List<Selection.Judged> j = Selection.choose(g.selection().candidates(), scores, recorded);
        assertEquals(List.of("naive lr=0.003"), j.stream().filter(Selection.Judged::chosen)
                .map(x -> x.candidate().label()).toList(), "naive chooses; er waits");
        assertTrue(j.stream().anyMatch(x -> x.candidate() == erFirst && x.excluded().startsWith("not run yet")));
        // the same records with er's first candidate recorded as failed (no score): er chooses among the others
        erFirst.selection().forEach(p -> recorded.add(p.id()));
        List<String> chosen = Selection.choose(g.selection().candidates(), scores, recorded).stream()
                .filter(Selection.Judged::chosen).map(x -> x.candidate().label()).toList();
        assertEquals(2, chosen.size(), chosen.toString());
    }

    /** The published protocol: choose on seed 1, report seeds 2-21. */
    @Test
    void thePublishedProtocolIsExpressible() throws Exception {
        Grid g = grid("""
                validation: 0.1
                grid: {strategy: [er], per-class: [10, 100]}
                select: {by: validation_acc, seeds: 1}
                evaluate: {seeds: 2-21}
                """);
        Selection.Plan plan = g.selection();
        assertEquals(List.of(1L), plan.selectSeeds());
        assertEquals(20, plan.evaluateSeeds().size());
        assertEquals(2L, plan.evaluateSeeds().get(0));
        assertEquals(21L, plan.evaluateSeeds().get(19));
        assertEquals(2, g.points().size());
        for (Selection.Candidate c : plan.candidates()) {
            assertEquals(20, c.evaluation().size());
            assertEquals(1L, c.selection().get(0).config().seed);
        }
        assertFalse(g.swept().isEmpty());
    }

    /**
     * evaluate: validation: 0 lets the chosen configurations train on all the training data (as the published
     * protocols do once they have chosen), while every selection experiment still holds out its validation part;
     * without it the evaluation stage keeps the grid's validation.
     */
    @Test
    void theEvaluationStageMayTrainOnAllTheTrainingData() throws Exception {
        String body = """
                validation: 0.1
                grid: {strategy: [er], per-class: [10, 100]}
                select: {by: validation_acc, seeds: [1]}
                """;
        Grid all = grid(body + "evaluate: {seeds: 2-3, validation: 0}\n");
        Grid kept = grid(body + "evaluate: {seeds: 2-3}\n");
        for (int i = 0; i < 2; i++) {
            Selection.Candidate c = all.selection().candidates().get(i);
            Selection.Candidate k = kept.selection().candidates().get(i);
            assertEquals(0.1, c.selection().get(0).config().validation, 1e-12);
            assertEquals(c.selection().get(0).id(), k.selection().get(0).id(), "the selection stage is unchanged");
            for (int s = 0; s < 2; s++) {
                assertEquals(0.0, c.evaluation().get(s).config().validation, 0.0);
                assertEquals(0.1, k.evaluation().get(s).config().validation, 1e-12);
                assertEquals(k.evaluation().get(s).config().perClass, c.evaluation().get(s).config().perClass);
                assertFalse(c.evaluation().get(s).id().equals(k.evaluation().get(s).id()),
                        "a different experiment: it trains on different data");
                assertEquals(k.evaluation().get(s).options(), c.evaluation().get(s).options(),
                        "its label names the candidate, not the evaluation stage's validation");
            }
        }
        for (var bad : List.of(
                List.of(body + "evaluate: {seeds: 2-3, validation: 2}\n", "validation"),
                List.of(body.replace("per-class: [10, 100]", "validation: [0.1, 0.2]")
                        + "evaluate: {seeds: 2-3, validation: 0}\n", "cannot set validation themselves"))) {
            RehearsalException e = assertThrows(RehearsalException.class, () -> grid(bad.get(0)), bad.get(0));
            assertEquals(RehearsalException.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains(bad.get(1)), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    @Test
    void aGridThatSelectsIsRefusedWhenItCannotSelectBlindly() {
        String base = "grid: {strategy: [er], per-class: [10, 100]}\n";
        for (var bad : List.of(
                List.of(base + "select: {by: validation_acc, seeds: [1]}\nevaluate: {seeds: 2-3}\n", "validation:"),
                List.of("validation: 0.1\n" + base + "select: {by: acc, seeds: [1]}\nevaluate: {seeds: 2-3}\n",
                        "validation_acc"),
                List.of("validation: 0.1\n" + base + "select: {by: validation_acc, seeds: 1-3}\n"
                        + "evaluate: {seeds: 3-5}\n", "new seeds"),
                List.of("validation: 0.1\nseed: 4\n" + base + "select: {by: validation_acc, seeds: [1]}\n"
                        + "evaluate: {seeds: 2-3}\n", "'seed'"),
                List.of("validation: 0.1\ngrid: {strategy: [er], seed: [1, 2]}\nselect: {by: validation_acc, "
                        + "seeds: [1]}\nevaluate: {seeds: 2-3}\n", "'seed'"),
                List.of("validation: 0.1\n" + base + "select: {by: validation_acc, seeds: [1]}\n", "'evaluate'"),
                List.of("validation: 0.1\n" + base + "evaluate: {seeds: 2-3}\n", "'select'"),
                List.of("validation: 0.1\n" + base + "select: {by: validation_acc, seeds: [1], per: [nope]}\n"
                        + "evaluate: {seeds: 2-3}\n", "'nope'"),
                List.of("validation: 0.1\n" + base + "select: {by: validation_acc, seeds: 3-1}\n"
                        + "evaluate: {seeds: [5]}\n", "select: seeds"))) {
            RehearsalException e = assertThrows(RehearsalException.class, () -> grid(bad.get(0)), bad.get(0));
            assertEquals(RehearsalException.USAGE, e.exitCode());
            assertTrue(e.getMessage().contains(bad.get(1)), e.getMessage());
            assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        }
    }

    /**
     * lone: evaluate: a group of one candidate (naive, one lr) has nothing to choose, so it skips the selection
     * seeds and goes straight to the evaluation stage; the group of three (er) is chosen as before. The selection
     * stage runs 3 x 2 experiments instead of 4 x 2; selection.csv, sweep.json and sweep.md say why naive has no
     * score. The default (lone: select) runs it like every candidate, and any other value is refused.
     */
    @Test
    void aGroupsOnlyCandidateMaySkipTheSelectionSeeds(@TempDir Path dir) throws Exception {
        String yaml = """
                train-limit: 500
                validation: 0.1
                class-order: random
                grid:
                  strategy: [er]
                  lr: [0.001, 0.002, 0.003]
                points:
                  - {strategy: naive, lr: 0.002}
                select:
                  by: validation_acc
                  seeds: [1, 2]
                  lone: evaluate
                evaluate:
                  seeds: 3-4
                """;
        Grid g = grid(yaml);
        assertEquals(6, g.points().size(), "er's three candidates x 2 seeds; naive, alone in its group, none");
        assertTrue(g.points().stream().allMatch(p -> p.config().strategy.equals("er")));
        assertEquals(8, grid(yaml.replace("lone: evaluate", "lone: select")).points().size());
        assertEquals(8, grid(yaml.replace("  lone: evaluate\n", "")).points().size(), "select is the default");
        RehearsalException bad = assertThrows(RehearsalException.class,
                () -> grid(yaml.replace("lone: evaluate", "lone: skip")));
        assertTrue(bad.getMessage().contains("select: lone must be select"), bad.getMessage());

        // --dry-run lists the lone candidate's evaluation experiments (known before any selection) and counts
        // them in what is to run; the evaluation line speaks of the one group that is chosen.
        String dry = Sweep.dryRun(g, null);
        List<Grid.Point> naiveRuns = g.selection().loneEvaluation();
        assertEquals(List.of(3L, 4L), naiveRuns.stream().map(p -> p.config().seed).toList());
        for (Grid.Point p : naiveRuns) {
            assertTrue(dry.lines().anyMatch(l -> l.startsWith(p.id()) && l.contains("to run")), dry);
        }
        assertTrue(dry.contains("groups with one candidate (select: lone: evaluate, nothing to choose): 2 "
                + "experiments"), dry);
        assertTrue(dry.contains("to run: 8 experiments"), dry);
        assertTrue(dry.contains("the candidate of each of the 1 group(s) (per strategy) with more than one candidate "
                + "with the highest mean validation ACC runs on seeds 3, 4 (2 experiments)"), dry);

        ScriptedEngine engine = new ScriptedEngine(c -> c.seed <= 2 ? scripted(c)
                : Experiment.failure(c, "evaluation not run in this test", RehearsalException.RUN));
        Sweep.run(g, dir, engine, false, new PrintStream(java.io.OutputStream.nullOutputStream()));
        assertEquals(6, engine.stages.get(0).size());
        List<String> evaluated = engine.stages.get(1).stream()
                .map(t -> { ExperimentConfig c = ConfigFiles.fromJson(t.payload()); return key(c) + "@" + c.seed; })
                .toList();
        assertEquals(List.of("er/2@3", "er/2@4", "naive/2@3", "naive/2@4"), evaluated);
        List<String> csv = Files.readAllLines(dir.resolve("selection.csv"));
        assertEquals(1 + 6 + 1, csv.size(), String.join("\n", csv));
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("strategy=naive,naive lr=0.002,")
                && l.endsWith(",,,only candidate,,,0,true")), String.join("\n", csv));
        JsonNode sweep = dev.rehearsal.SchemaCheck.assertValid(dir.resolve("sweep.json"));
        assertEquals("evaluate", sweep.get("selection").get("lone").asText());
        JsonNode naive = sweep.get("selection").get("candidates").get(3);
        assertEquals("naive lr=0.002", naive.get("label").asText());
        assertTrue(naive.get("only_candidate").asBoolean() && naive.get("chosen").asBoolean()
                && naive.get("runs").isEmpty() && naive.get("mean").isNull(), naive.toString());
        String md = Files.readString(dir.resolve("sweep.md"));
        assertTrue(md.contains("| naive lr=0.002 | the only candidate: not run on the selection seeds | **chosen** |"),
                md);
    }

    /** per: [strategy, per-class] makes each (strategy, per-class) its own group. */
    @Test
    void perSplitsTheCandidatesIntoGroups() throws Exception {
        Grid g = grid("""
                validation: 0.1
                grid: {strategy: [er], per-class: [10, 100], lr: [0.001, 0.01]}
                select: {by: validation_bwt, seeds: [1], per: [strategy, per-class]}
                evaluate: {seeds: [2]}
                """);
        assertEquals(List.of("strategy=er, per-class=10", "strategy=er, per-class=100"), g.selection().groups());
        assertEquals(Selection.Metric.VALIDATION_BWT, g.selection().by());
    }
}
