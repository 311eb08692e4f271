package dev.rehearsal.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.ResultsCsv;
import dev.rehearsal.stats.SeedSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Selection in a sweep: the grid's {@code select:} and {@code evaluate:} keys (see {@link Grid}) and the rule
 * that chooses. Every candidate (a grid combination, without a seed) runs on every selection seed; per group
 * (the values of the {@code per} keys, by default the strategy) the candidate with the highest mean
 * validation metric over those seeds is chosen (ties: the first in grid order; a candidate without a score on
 * some selection seed, failed, {@code does_not_fit} or missing, is excluded and marked), and only the chosen
 * ones run on the evaluation seeds. With {@code lone: evaluate}, a group of one candidate is chosen without
 * running on the selection seeds (nothing to choose between); by default it runs there like every candidate.
 *
 * <p>Blind to the test set by construction: {@link #scores} reads a record's {@code status} and its
 * {@code validation} object and nothing else, and {@link #choose} sees only those scores.
 */
public final class Selection {
    private Selection() {
    }

    /** What chooses: a metric of a record's {@code validation} object; higher is better. */
    public enum Metric {
        VALIDATION_ACC("validation_acc", "acc", "validation ACC"),
        VALIDATION_BWT("validation_bwt", "bwt", "validation BWT");

        /** The name in a grid file and in selection.csv. */
        public final String key;
        /** The field of the record's {@code validation} object. */
        final String field;
        /** How tables name it. */
        public final String title;

        Metric(String key, String field, String title) {
            this.key = key;
            this.field = field;
            this.title = title;
        }

        static Metric parse(String where, JsonNode n) {
            for (Metric m : values()) {
                if (n != null && m.key.equals(n.asText())) {
                    return m;
                }
            }
            throw usage(where + ": select: by must be validation_acc or validation_bwt, got "
                    + (n == null ? "nothing" : n.toString()) + " (selection reads validation results only)");
        }
    }

    /**
     * A candidate: one grid combination (its options, without a seed), the group it competes in, and its
     * experiments on the selection seeds and on the evaluation seeds (in seed order). No selection experiments:
     * the only candidate of its group under {@code lone: evaluate}, chosen without them ({@link #alone}).
     */
    public record Candidate(String group, String label, Map<String, JsonNode> options, List<Grid.Point> selection,
            List<Grid.Point> evaluation) {
        /** Chosen without running on the selection seeds: its group's only candidate, under lone: evaluate. */
        public boolean alone() {
            return selection.isEmpty();
        }
    }

    /**
     * The parsed {@code select:} and {@code evaluate:} keys and the candidates they apply to, in grid order;
     * {@code loneSkips}: {@code lone: evaluate}, a group's only candidate skips the selection seeds.
     */
    public record Plan(Metric by, List<Long> selectSeeds, List<String> per, List<Long> evaluateSeeds,
            List<Candidate> candidates, boolean loneSkips) {
        /** The groups in grid order. */
        public List<String> groups() {
            return candidates.stream().map(Candidate::group).distinct().toList();
        }

        /**
         * The evaluation experiments of the candidates chosen without the selection seeds ({@link Candidate#alone},
         * under lone: evaluate), in grid order: known before the selection stage runs.
         */
        public List<Grid.Point> loneEvaluation() {
            return candidates.stream().filter(Candidate::alone).flatMap(c -> c.evaluation().stream()).toList();
        }
    }

    /**
     * A candidate as the choice saw it: its score on each selection seed (null where it has none), their
     * summary (null when excluded), why it was excluded (null when not), and whether it was chosen.
     */
    public record Judged(Candidate candidate, List<Double> scores, SeedSummary summary, String excluded,
            boolean chosen) {
        /** Whether it is excluded because a selection experiment of it has not run yet (its group waits). */
        public boolean notRunYet() {
            return NOT_RUN_YET.equals(excluded);
        }
    }

    /** Why a candidate with a selection experiment that has no record yet is left out, its group choosing nothing. */
    static final String NOT_RUN_YET = "not run yet: its group's choice waits for it";

    /** Whether a candidate has a selection experiment without a record in {@code recorded} (null: none is missing). */
    private static boolean notRunYet(Candidate c, java.util.Set<String> recorded) {
        return recorded != null && c.selection().stream().anyMatch(p -> !recorded.contains(p.id()));
    }

    /**
     * The selection score of each finished record: {@code validation.<metric>} when it is a finite number.
     * This is the only place selection reads a record, and it reads nothing but the status and the
     * {@code validation} object: test metrics cannot reach the choice.
     */
    public static Map<String, Double> scores(Map<String, ObjectNode> records, Metric by) {
        Map<String, Double> out = new LinkedHashMap<>();
        records.forEach((id, o) -> {
            JsonNode v = o.path("validation").path(by.field);
            if (o.path("status").asText().equals("finished") && v.isNumber() && Double.isFinite(v.asDouble())) {
                out.put(id, v.asDouble());
            }
        });
        return out;
    }

    /**
     * The choice: per group, the candidate with the highest mean score over its selection experiments (ties:
     * the first in the list); a candidate missing a score on any selection experiment is excluded, and one
     * without selection experiments ({@link Candidate#alone}) is chosen with no score.
     * {@code score} maps experiment ids to validation scores ({@link #scores}); nothing else is read.
     */
    public static List<Judged> choose(List<Candidate> candidates, Map<String, Double> score) {
        return choose(candidates, score, null);
    }

    /**
     * As {@link #choose(List, Map)}, knowing which experiments have a record ({@code recorded}, any status; null:
     * every one has): a group with a candidate whose selection experiment has not run yet (a sweep stopped in its
     * selection stage, then merged) is pending, with nothing chosen, so that no table calls a choice made without
     * it; that candidate is marked "not run yet".
     */
    public static List<Judged> choose(List<Candidate> candidates, Map<String, Double> score,
            java.util.Set<String> recorded) {
        java.util.Set<String> pending = new java.util.HashSet<>();
        for (Candidate c : candidates) {
            if (!c.alone() && notRunYet(c, recorded)) {
                pending.add(c.group());
            }
        }
        Map<String, Integer> best = new LinkedHashMap<>();
        List<List<Double>> perSeed = new ArrayList<>();
        List<SeedSummary> summaries = new ArrayList<>();
        List<String> excluded = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            List<Double> s = new ArrayList<>();
            List<String> without = new ArrayList<>();
            if (c.alone()) {
                perSeed.add(s);
                summaries.add(null);
                excluded.add(null);
                best.put(c.group(), i);
                continue;
            }
            for (Grid.Point p : c.selection()) {
                Double v = score.get(p.id());
                s.add(v);
                if (v == null) {
                    without.add(p.config().seed + " (runs/" + p.id() + ".json)");
                }
            }
            perSeed.add(s);
            if (!without.isEmpty() || s.isEmpty()) {
                summaries.add(null);
                excluded.add(notRunYet(c, recorded) ? NOT_RUN_YET : "no validation score on seed "
                        + String.join(", ", without) + ": failed, does not fit or not run");
                continue;
            }
            SeedSummary sum = SeedSummary.of(s);
            summaries.add(sum);
            excluded.add(null);
            Integer b = best.get(c.group());
            if (b == null || sum.mean() > summaries.get(b).mean()) {
                best.put(c.group(), i);
            }
        }
        List<Judged> out = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            Candidate c = candidates.get(i);
            out.add(new Judged(c, perSeed.get(i), summaries.get(i), excluded.get(i),
                    !pending.contains(c.group()) && Integer.valueOf(i).equals(best.get(c.group()))));
        }
        return out;
    }

    /** The experiments of the evaluation stage: each chosen candidate on every evaluation seed, in grid order. */
    public static List<Grid.Point> evaluation(List<Judged> judged) {
        List<Grid.Point> out = new ArrayList<>();
        judged.stream().filter(Judged::chosen).forEach(j -> out.addAll(j.candidate().evaluation()));
        return out;
    }

    /**
     * selection.csv: one row per candidate x selection seed: its group, label, options (JSON), seed, id, status,
     * the score, and the candidate's mean over the selection seeds and whether it was chosen (repeated on each of
     * its rows, so one file is one tidy table).
     */
    static String csv(Plan plan, List<Judged> judged, Map<String, ObjectNode> records) {
        StringBuilder b = new StringBuilder();
        ResultsCsv.line(b, List.of("group", "candidate", "options", "seed", "id", "status", plan.by().key,
                "candidate_mean", "candidate_n", "chosen"));
        for (Judged j : judged) {
            List<Grid.Point> sel = j.candidate().selection();
            if (j.candidate().alone()) {
                ResultsCsv.line(b, List.of(j.candidate().group(), j.candidate().label(),
                        Json.MAPPER.valueToTree(j.candidate().options()).toString(), "", "", "only candidate", "", "",
                        "0", Boolean.toString(j.chosen())));
            }
            for (int k = 0; k < sel.size(); k++) {
                Grid.Point p = sel.get(k);
                ObjectNode o = records.get(p.id());
                Double s = j.scores().get(k);
                ResultsCsv.line(b, List.of(j.candidate().group(), j.candidate().label(),
                        Json.MAPPER.valueToTree(j.candidate().options()).toString(), Long.toString(p.config().seed),
                        p.id(), o == null ? "not_run_yet" : o.path("status").asText(), s == null ? "" : number(s),
                        j.summary() == null ? "" : number(j.summary().mean()),
                        j.summary() == null ? "" : Integer.toString(j.summary().n()), Boolean.toString(j.chosen())));
            }
        }
        return b.toString();
    }

    /** The "## Selection" section of sweep.md: per group, each candidate's mean score (± SEM, n) and the choice. */
    static String markdown(Plan plan, List<Judged> judged) {
        StringBuilder b = new StringBuilder("\n## Selection\n\n");
        b.append(String.format(Locale.ROOT, "Chosen per %s by the mean %s over selection seed(s) %s, then run on "
                + "evaluation seed(s) %s; the tables above are the evaluation seeds only. The choice read the "
                + "runs' validation results only (held-out training data, never the test set); every score is "
                + "in selection.csv.%n%n", String.join(", ", plan.per()), plan.by().title, seeds(plan.selectSeeds()),
                seeds(plan.evaluateSeeds())));
        for (String g : plan.groups()) {
            b.append("### ").append(g).append("\n\n| candidate | ").append(plan.by().title)
                    .append(" (mean ± SEM, n) | chosen |\n|---|---|---|\n");
            boolean any = false;
            for (Judged j : judged) {
                if (!j.candidate().group().equals(g)) {
                    continue;
                }
                any |= j.chosen();
                b.append("| ").append(j.candidate().label().replace("|", "\\|")).append(" | ")
                        .append(j.candidate().alone() ? "the only candidate: not run on the selection seeds"
                                : j.summary() == null ? "excluded: " + j.excluded() : j.summary().meanSem(4))
                        .append(" | ").append(j.chosen() ? "**chosen**" : "").append(" |\n");
            }
            if (!any) {
                b.append("\nNo candidate of this group has a score on every selection seed: nothing was evaluated "
                        + "(running the sweep again retries the failed runs).\n");
            }
            b.append('\n');
        }
        return b.toString();
    }

    /** The selection as sweep.json holds it. */
    static ObjectNode json(Plan plan, List<Judged> judged, Map<String, ObjectNode> records) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("by", plan.by().key);
        ArrayNode ss = o.putArray("seeds");
        plan.selectSeeds().forEach(ss::add);
        ArrayNode per = o.putArray("per");
        plan.per().forEach(k -> per.add(dev.rehearsal.ResultsSchema.field(k)));
        o.put("lone", plan.loneSkips() ? "evaluate" : "select");
        ArrayNode es = o.putArray("evaluate_seeds");
        plan.evaluateSeeds().forEach(es::add);
        ArrayNode cs = o.putArray("candidates");
        for (Judged j : judged) {
            ObjectNode c = cs.addObject();
            c.put("group", j.candidate().group());
            c.put("label", j.candidate().label());
            c.set("options", dev.rehearsal.ResultsSchema.snakeKeys(Json.MAPPER.valueToTree(j.candidate().options())));
            ArrayNode runs = c.putArray("runs");
            for (int k = 0; k < j.candidate().selection().size(); k++) {
                Grid.Point p = j.candidate().selection().get(k);
                ObjectNode r = runs.addObject();
                r.put("seed", p.config().seed);
                r.put("id", p.id());
                ObjectNode rec = records.get(p.id());
                r.put("status", rec == null ? "not_run_yet" : rec.path("status").asText());
                Double s = j.scores().get(k);
                if (s == null) {
                    r.putNull("score");
                } else {
                    r.put("score", s);
                }
            }
            if (j.candidate().alone()) {
                c.putNull("mean");
                c.put("only_candidate", true);
            } else if (j.summary() == null) {
                c.putNull("mean");
                c.put("excluded", j.excluded());
            } else {
                c.put("mean", j.summary().mean());
                c.set("sem", dev.rehearsal.ResultsSchema.number(j.summary().sem()));
                c.put("n", j.summary().n());
            }
            c.put("chosen", j.chosen());
        }
        return o;
    }

    /** "1-3" for consecutive seeds, else "1, 4, 9". */
    static String seeds(List<Long> seeds) {
        boolean consecutive = seeds.size() > 2;
        for (int i = 1; i < seeds.size(); i++) {
            consecutive &= seeds.get(i) == seeds.get(i - 1) + 1;
        }
        return consecutive ? seeds.get(0) + "-" + seeds.get(seeds.size() - 1)
                : String.join(", ", seeds.stream().map(String::valueOf).toList());
    }

    private static String number(double v) {
        return String.format(Locale.ROOT, "%.6f", v);
    }

    /** Seeds as a grid gives them: a number, a list of numbers, or "A-B". */
    static List<Long> parseSeeds(String where, String key, JsonNode n) {
        String hint = where + ": " + key + " must be a seed, a list of seeds or a range \"A-B\", got " + n;
        List<Long> out = new ArrayList<>();
        if (n == null || n.isNull()) {
            throw usage(where + ": " + key + " is missing (a list of seeds or a range, e.g. " + key + ": 2-21)");
        } else if (n.isIntegralNumber()) {
            out.add(n.asLong());
        } else if (n.isArray() && !n.isEmpty()) {
            for (JsonNode x : n) {
                if (!x.isIntegralNumber()) {
                    throw usage(hint);
                }
                out.add(x.asLong());
            }
        } else if (n.isTextual() && n.asText().matches("\\s*\\d{1,9}\\s*-\\s*\\d{1,9}\\s*")) {
            String[] ab = n.asText().split("-");
            long a = Long.parseLong(ab[0].trim());
            long z = Long.parseLong(ab[1].trim());
            if (z < a || z - a >= 10_000) {
                throw usage(hint + " (A <= B, at most 10000 seeds)");
            }
            for (long s = a; s <= z; s++) {
                out.add(s);
            }
        } else {
            throw usage(hint);
        }
        Set<Long> distinct = new LinkedHashSet<>(out);
        if (distinct.size() != out.size()) {
            throw usage(where + ": " + key + " lists a seed twice: " + n);
        }
        return List.copyOf(out);
    }

    static RehearsalException usage(String m) {
        return new RehearsalException(RehearsalException.USAGE, m);
    }
}
