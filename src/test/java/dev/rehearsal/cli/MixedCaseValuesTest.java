package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.config.BackendType;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.config.Gemm;
import dev.rehearsal.config.Generation;
import dev.rehearsal.config.Head;
import dev.rehearsal.config.OmpWait;
import dev.rehearsal.config.ReplayTargets;
import dev.rehearsal.config.ScenarioType;
import dev.rehearsal.config.Selection;
import dev.rehearsal.config.Weighting;
import dev.rehearsal.data.Corpus;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.replay.Storage;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.strategy.Ewc;
import dev.rehearsal.strategy.ReplayBudget;
import dev.rehearsal.sweep.Grid;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every enumerated option (the general keys and the strategies' CHOICE options) given in mixed case, on the
 * command line, in a config file and in a grid, is the same value as in lower case: the same resolved config,
 * the same experiment id, and the same run. (Validation used to accept any case while the code compared with
 * equals(), so {@code --optimizer SGD} ran Adam and recorded SGD.)
 */
class MixedCaseValuesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Each enumerated key with a value other than its default (where it has another), in mixed case. */
    private static final Map<String, String> MIXED = new LinkedHashMap<>();

    static {
        MIXED.put("dataset", "MnIsT");
        MIXED.put("scenario", "PeRmUtEd");
        MIXED.put("setting", "DoMaIn");
        MIXED.put("head", "FiXeD");
        MIXED.put("preset", "SeEd");
        MIXED.put("optimizer", "SgD");
        MIXED.put("weighting", "EqUaL");
        MIXED.put("generation", "On-The-FlY");
        MIXED.put("replay-targets", "SoFt");
        MIXED.put("selection", "ReSeRvOiR");
        MIXED.put("backend", "JvM");
        MIXED.put("precision", "Fp32");
        MIXED.put("gemm", "OpEnBlAs");
        MIXED.put("omp-wait", "PaSsIvE");
        MIXED.put("storage", "U4");
        MIXED.put("fisher-labels", "TrUe");
    }

    /** What the mixed-case values must resolve to, checked on the objects the run is built from. */
    private static void assertResolved(ExperimentConfig c) {
        assertEquals(Corpus.MNIST, c.dataset);
        assertEquals(ScenarioType.PERMUTED, c.scenario);
        assertEquals(Setting.DOMAIN, c.setting);
        assertEquals(Head.FIXED, c.head);
        assertEquals(Preset.SEED, c.preset);
        assertEquals(OptimizerConfig.Kind.SGD, c.optimizer);
        assertEquals(Weighting.EQUAL, c.weighting);
        assertEquals(Generation.ON_THE_FLY, c.generation);
        assertEquals(ReplayTargets.SOFT, c.replayTargets);
        assertEquals(Selection.RESERVOIR, c.selection);
        assertEquals(BackendType.JVM, c.backend);
        assertEquals(Precision.FP32, c.precision);
        assertEquals(Gemm.OPENBLAS, c.gemm);
        assertEquals(OmpWait.PASSIVE, c.ompWait);
        assertEquals(Storage.U4, c.choice(ReplayBudget.STORAGE, Storage.class));
        assertEquals(Ewc.Labels.TRUE, c.choice(Ewc.LABELS, Ewc.Labels.class));
        assertEquals(List.of("gr", "er", "ewc"), c.strategies);
    }

    private static Map<String, String> lower() {
        Map<String, String> m = new LinkedHashMap<>();
        MIXED.forEach((k, v) -> m.put(k, v.toLowerCase(Locale.ROOT)));
        return m;
    }

    private static String yaml(Map<String, String> values, String strategies) {
        StringBuilder b = new StringBuilder("strategies: [" + strategies + "]\ntasks: 2\n");
        values.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
        return b.toString();
    }

    @Test
    void aConfigFileInMixedCaseIsTheLowerCaseConfig(@TempDir Path dir) throws Exception {
        Path mixed = Files.writeString(dir.resolve("mixed.yaml"), yaml(MIXED, "Gr, eR, EwC"));
        Path lower = Files.writeString(dir.resolve("lower.yaml"), yaml(lower(), "gr, er, ewc"));
        ExperimentConfig m = ConfigFiles.resolve(mixed, false, x -> { });
        ExperimentConfig l = ConfigFiles.resolve(lower, false, x -> { });
        assertResolved(m);
        assertEquals(ConfigFiles.toJson(l), ConfigFiles.toJson(m), "config.json records the canonical words");
        assertEquals(Experiment.id(Experiment.single(l, "gr", 1)), Experiment.id(Experiment.single(m, "GR", 1)));
        // The id of a lower-case config is what it was before values became enums (sweep records and
        // checkpoints keep ids): the canonical JSON holds the same words.
        JsonNode canonical = JSON.readTree(Experiment.canonicalJson(Experiment.single(m, "gr", 1)));
        assertEquals("sgd", canonical.get("optimizer").asText());
        assertEquals("permuted", canonical.get("scenario").asText());
        // storage is er's option: only er's experiments hold it (a key a strategy does not read is not part of
        // its experiment's identity)
        assertEquals("u4", JSON.readTree(Experiment.canonicalJson(Experiment.single(m, "er", 1))).get("storage")
                .asText());
    }

    @Test
    void aGridInMixedCaseExpandsToTheLowerCaseExperiments() {
        ObjectNode mixed = JSON.createObjectNode();
        ObjectNode lower = JSON.createObjectNode();
        for (ObjectNode t : List.of(mixed, lower)) {
            t.put("tasks", 2);
        }
        ObjectNode mg = mixed.putObject("grid");
        ObjectNode lg = lower.putObject("grid");
        MIXED.forEach((k, v) -> {
            if (!k.equals("backend") && !k.equals("gemm") && !k.equals("omp-wait")) { // runtime keys do not vary
                mg.putArray(k).add(v);
                lg.putArray(k).add(v.toLowerCase(Locale.ROOT));
            } else {
                mixed.put(k, v);
                lower.put(k, v.toLowerCase(Locale.ROOT));
            }
        });
        // Each strategy reads one of the CHOICE options; a point sets the strategy (its case mixed too).
        mg.putArray("strategy").add("Er");
        lg.putArray("strategy").add("er");
        mg.remove("fisher-labels");
        lg.remove("fisher-labels");
        Grid m = Grid.of(mixed, "mixed grid", x -> { });
        Grid l = Grid.of(lower, "lower grid", x -> { });
        assertEquals(1, m.points().size());
        ExperimentConfig c = m.points().get(0).config();
        assertEquals(l.points().get(0).id(), m.points().get(0).id());
        assertEquals(ConfigFiles.toJson(l.points().get(0).config()), ConfigFiles.toJson(c));
        assertEquals("er", c.strategy);
        assertEquals(OptimizerConfig.Kind.SGD, c.optimizer);
        assertEquals(ScenarioType.PERMUTED, c.scenario);
        assertEquals(Head.FIXED, c.head);
        // er does not read replay-targets: its experiment holds the default whatever the point says (the parsed
        // mixed-case value is checked through a config file above and a compare below)
        assertEquals(ReplayTargets.HARD, c.replayTargets);
        assertEquals(Gemm.OPENBLAS, c.gemm);
        assertEquals(Storage.U4, c.choice(ReplayBudget.STORAGE, Storage.class));
    }

    /** A short compare of gr, er and ewc: every flag in mixed case, then in lower case. */
    private static Path compare(Path out, Map<String, String> values, String strategies) {
        List<String> args = new ArrayList<>(List.of("compare", "--strategies", strategies, "--tasks", "2",
                "--train-limit", "200", "--test-limit", "100", "--per-class", "4", "--epochs", "1", "--vae-epochs", "1", "--threads", "1",
                "--quiet", "--out", out.toString()));
        values.forEach((k, v) -> {
            args.add("--" + k);
            args.add(v);
        });
        Cli r = Cli.run(args.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.err());
        return out;
    }

    @Test
    void flagsInMixedCaseRunWhatTheyRecord(@TempDir Path dir) throws Exception {
        Path mixed = compare(dir.resolve("mixed"), MIXED, "Gr,eR,EwC");
        Path lower = compare(dir.resolve("lower"), lower(), "gr,er,ewc");
        String config = Files.readString(mixed.resolve("config.json"));
        ObjectNode m0 = (ObjectNode) JSON.readTree(config);
        ObjectNode l0 = (ObjectNode) JSON.readTree(lower.resolve("config.json").toFile());
        m0.remove("out");
        l0.remove("out");
        assertEquals(l0, m0, "config.json records the canonical words (out aside: the folders differ)");
        assertResolved(ConfigFiles.fromJson(config));
        for (String strategy : List.of("gr", "er", "ewc")) {
            JsonNode m = JSON.readTree(mixed.resolve("runs").resolve(strategy + "-seed1.json").toFile());
            JsonNode l = JSON.readTree(lower.resolve("runs").resolve(strategy + "-seed1.json").toFile());
            assertEquals(l.get("id"), m.get("id"), strategy);
            ((ObjectNode) m.get("config")).remove("out");
            ((ObjectNode) l.get("config")).remove("out");
            assertEquals(l.get("config"), m.get("config"), strategy);
            // What ran follows the words: the same accuracies as the lower-case run (Adam, split and hard
            // targets would give others; see below).
            assertEquals(l.get("accuracy_matrix"), m.get("accuracy_matrix"), strategy);
        }
        // The check has teeth: the default optimiser (Adam) gives another result.
        Map<String, String> adam = lower();
        adam.put("optimizer", "adam");
        Path other = compare(dir.resolve("adam"), adam, "gr,er,ewc");
        assertNotEquals(JSON.readTree(lower.resolve("runs/er-seed1.json").toFile()).get("accuracy_matrix"),
                JSON.readTree(other.resolve("runs/er-seed1.json").toFile()).get("accuracy_matrix"));
    }
}
