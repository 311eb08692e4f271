package dev.rehearsal.experiment;

import dev.rehearsal.config.ExperimentConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {

    @Test
    void yamlAndJsonSetKeysAndFlagsOverrideThem(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("exp.yaml");
        Files.writeString(yaml, "# an experiment\nstrategy: gr\nper-class: 50\nclass-order: [9, 8, 7, 6, 5, 4, 3, 2, 1, 0]\n"
                + "seeds: [3, 4]\nreplay-targets: soft\nlr: 0.0005\n");
        ExperimentConfig c = ConfigFiles.resolve(yaml, false, f -> f.perClass = 60);
        assertEquals("gr", c.strategy);
        assertEquals(60, c.perClass, "flags override the file");
        assertEquals(List.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0), c.classOrder.classes());
        assertEquals(List.of(3L, 4L), c.seeds);
        assertEquals(5e-4, c.lr);
        Path json = dir.resolve("exp.json");
        Files.writeString(json, "{\"epochs\": 3, \"quick\": true}");
        ExperimentConfig q = ConfigFiles.resolve(json, false, f -> { });
        assertEquals(3, q.epochs, "explicit keys override quick");
        assertEquals(4000, q.trainLimit, "quick from the file");
        assertEquals(5, q.vaeEpochs);
    }

    @Test
    void savedConfigReproducesItself(@TempDir Path dir) throws Exception {
        ExperimentConfig c = new ExperimentConfig();
        c.strategy = "naive";
        c.seeds = List.of(7L);
        c.trainLimit = 123;
        c.validate(); // as every saved config is: with the declared options of the strategies it runs
        Path f = dir.resolve("config.json");
        Files.writeString(f, ConfigFiles.toJson(c));
        ExperimentConfig back = ConfigFiles.resolve(f, false, x -> { });
        assertEquals(ConfigFiles.toJson(c), ConfigFiles.toJson(back));
    }

    @Test
    void unknownKeysAndBadValuesAreRefusedByName(@TempDir Path dir) throws Exception {
        assertRefused(dir, "strategy: er\nepochz: 3\n", "unknown key 'epochz'");
        assertRefused(dir, "epochs: -1\n", "'epochs'");
        assertRefused(dir, "epochs: many\n", "'epochs'");
        assertRefused(dir, "per-class: 2.5\n", "'per-class'");
        assertRefused(dir, "strategy: magic\n", "'strategy'");
        assertRefused(dir, "seeds: []\n", "'seeds'");
        assertRefused(dir, "- just\n- a list\n", "mapping");
        assertRefused(dir, "a: [unclosed\n", "not valid YAML or JSON");
        RehearsalException e = assertThrows(RehearsalException.class,
                () -> ConfigFiles.resolve(dir.resolve("missing.yaml"), false, c -> { }));
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    /** A value of the wrong type is shown as written, with the type its key wants, in words a user reads. */
    @Test
    void aWrongTypeNamesTheValueAndTheTypeNotTheParser(@TempDir Path dir) throws Exception {
        assertRefused(dir, "seed: x\n", "invalid value for 'seed': x (expected a whole number from "
                + "-9223372036854775808 to 9223372036854775807)");
        assertRefused(dir, "seed: 99999999999999999999\n", "'seed': 99999999999999999999 (expected a whole number");
        assertRefused(dir, "iterations: 2.5\n", "'iterations': 2.5 (expected a whole number from -2147483648");
        assertRefused(dir, "iterations: {a: 1}\n", "'iterations': a mapping {\"a\":1} (expected a whole number");
        assertRefused(dir, "reset-optimizer: maybe\n", "'reset-optimizer': maybe (expected true or false)");
        assertRefused(dir, "lr: [0.1]\n", "'lr': a list [0.1] (expected a number)");
        assertRefused(dir, "class-order: [0, 1, a]\n", "bad.yaml: invalid value for 'class-order': [0, 1, a] "
                + "(expected random, reference, fixed or a list of classes)");
        for (String yaml : List.of("seed: x\n", "iterations: 2.5\n", "lr: [0.1]\n", "reset-optimizer: maybe\n",
                "class-order: [0, 1, a]\n", "seed: 99999999999999999999\n")) {
            Path f = Files.writeString(dir.resolve("w.yaml"), yaml);
            String m = assertThrows(RehearsalException.class, () -> ConfigFiles.resolve(f, false, c -> { }))
                    .getMessage();
            for (String jackson : List.of("deserialize", "coerce", "JsonToken", "`", "Cannot construct", "problem:")) {
                assertFalse(m.contains(jackson), "'" + jackson + "' in: " + m);
            }
        }
    }

    private static void assertRefused(Path dir, String content, String... expected) throws Exception {
        assertRefused(dir, "bad.yaml", content.getBytes(StandardCharsets.UTF_8), expected);
    }

    /** {@code content} as the file {@code name} is refused (exit 2) with a one-line message naming the file. */
    private static void assertRefused(Path dir, String name, byte[] content, String... expected) throws Exception {
        Path f = dir.resolve(name);
        Files.write(f, content);
        RehearsalException e = assertThrows(RehearsalException.class, () -> ConfigFiles.resolve(f, false, c -> { }),
                new String(content, StandardCharsets.UTF_8));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        for (String phrase : expected) {
            assertTrue(e.getMessage().contains(phrase), "expected '" + phrase + "' in: " + e.getMessage());
        }
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
    }

    /** Jackson keeps the last of two equal keys: the file would silently mean something other than it says. */
    @Test
    void aKeyGivenTwiceIsRefusedNamingItAndTheFile(@TempDir Path dir) throws Exception {
        assertRefused(dir, "exp.yaml", "lr: 0.001\nepochs: 2\nlr: 0.01\n".getBytes(StandardCharsets.UTF_8),
                "config " + dir.resolve("exp.yaml"), "key 'lr' is given twice (lines 1 and 3)");
        assertRefused(dir, "exp.json", "{\"seeds\": [1, 2],\n \"epochs\": 2,\n \"seeds\": [3]}"
                .getBytes(StandardCharsets.UTF_8), "config " + dir.resolve("exp.json"),
                "key 'seeds' is given twice (lines 1 and 3)");
        // Equal keys in different mappings are not repeats (the mapping is then refused for other reasons).
        assertRefused(dir, "a: {x: 1}\nb: {x: 2}\n", "unknown key 'a'");
    }

    /** Binary garbage is told apart from a YAML typo: the message says what the file is not, and where. */
    @Test
    void binaryFilesAreNotConfigs(@TempDir Path dir) throws Exception {
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        assertRefused(dir, "experiment.yaml", png, "config " + dir.resolve("experiment.yaml")
                + " is not a YAML or JSON text file (binary bytes at offset 0: 0x89)");
        // Valid text up to a NUL byte at offset 11.
        assertRefused(dir, "nul.yaml", "epochs: 2\nb\0".getBytes(StandardCharsets.UTF_8),
                "(binary bytes at offset 11: 0x00)");
        // Latin-1, not UTF-8: a lead byte without its continuation after 9 good bytes, then more text.
        byte[] latin1 = "preset: s\u00e9ed\n".getBytes(StandardCharsets.ISO_8859_1);
        assertRefused(dir, "latin1.yaml", latin1, "(binary bytes at offset 9: 0xE9)", "UTF-8");
        byte[] big = new byte[ConfigFiles.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertRefused(dir, "big.yaml", big, "larger than " + ConfigFiles.MAX_BYTES + " bytes");
        Files.createDirectories(dir.resolve("folder.yaml"));
        RehearsalException e = assertThrows(RehearsalException.class,
                () -> ConfigFiles.resolve(dir.resolve("folder.yaml"), false, c -> { }));
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
        // Text with tabs, carriage returns and non-ASCII letters in comments is fine.
        Path ok = dir.resolve("ok.yaml");
        Files.writeString(ok, "# r\u00e9sum\u00e9\t(a tab)\r\nepochs: 3\r\n", StandardCharsets.UTF_8);
        assertEquals(3, ConfigFiles.resolve(ok, false, c -> { }).epochs);
    }

    /** One document: a leading '---' starts it, a second one is refused (the parser would drop it). */
    @Test
    void aConfigIsOneYamlDocument(@TempDir Path dir) throws Exception {
        Path one = Files.writeString(dir.resolve("one.yaml"), "---\nstrategy: naive\n...\n");
        assertEquals("naive", ConfigFiles.resolve(one, false, x -> { }).strategy);
        assertRefused(dir, "strategy: naive\n---\n", "more than one YAML document");
        assertRefused(dir, "strategy: naive\n---\nstrategy: gr\n", "more than one YAML document", "line 3");
    }

    /** NaN and infinities, written as YAML numbers or as strings, are refused by the key they were given for. */
    @Test
    void nanAndInfinityAreRefusedByKey(@TempDir Path dir) throws Exception {
        assertRefused(dir, "lr: .nan\n", "invalid value for 'lr': .nan (expected a finite number", "line 1");
        assertRefused(dir, "epochs: 2\ntemperature: .inf\n", "'temperature': .inf", "line 2");
        assertRefused(dir, "momentum: -.Inf\n", "'momentum': -.Inf");
        assertRefused(dir, "epochs: .nan\n", "'epochs': .nan");
        assertRefused(dir, "lr: NaN\n", "invalid value for 'lr': NaN (expected a finite number in (0, 1000])");
        assertRefused(dir, "{\"replay-ratio\": \"Infinity\"}", "'replay-ratio': Infinity");
        assertRefused(dir, "lr-schedule: step:10:NaN\n", "'lr-schedule': step:10:NaN", "finite GAMMA");
        assertRefused(dir, "lr-schedule: \"exp:.nan\"\n", "'lr-schedule': exp:.nan");
        assertRefused(dir, "lr: 1e-320\n", "'lr': 1.0E-320", "becomes 0.0");
        assertRefused(dir, "seeds: [4, 5, 4]\n", "'seeds': [4, 5, 4]", "4 is repeated");
        assertRefused(dir, "strategies: [er, naive, er]\n", "'strategies'", "er is repeated");
        assertRefused(dir, "class-order: [0, 1, 2, 2]\n", "'class-order'", "2 is repeated");
    }

    /** Any mapping of keys to values either resolves to a valid config or is refused with a one-line message. */
    @Property(tries = 300)
    void anyConfigResolvesOrIsRefusedCleanly(@ForAll("configs") List<Tuple.Tuple2<String, String>> entries)
            throws Exception {
        Path dir = Files.createTempDirectory("cfg");
        try {
            StringBuilder yaml = new StringBuilder();
            java.util.Set<String> seen = new java.util.HashSet<>();
            for (var e : entries) {
                if (seen.add(e.get1())) {
                    yaml.append(e.get1()).append(": ").append(e.get2()).append('\n');
                }
            }
            Path f = dir.resolve("c.yaml");
            Files.writeString(f, yaml.toString());
            try {
                ExperimentConfig c = ConfigFiles.resolve(f, false, x -> { });
                assertTrue(c.batch > 0 && c.epochs >= 0 && c.perClass > 0);
            } catch (RehearsalException e) {
                assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            }
        } finally {
            try (var s = Files.walk(dir)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Provide
    Arbitrary<List<Tuple.Tuple2<String, String>>> configs() {
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of(ExperimentConfig.KEYS),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(8));
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.integers().between(-5, 100000).map(String::valueOf),
                Arbitraries.doubles().between(-1, 1e4).map(String::valueOf),
                Arbitraries.of("true", "false", "null", "[]", "[1, 2]", "{}", "er", "gr", "seed", "wide", "class",
                        "pool", "soft", "x y", "'quoted'", "[a, b]"),
                Arbitraries.strings().ofMaxLength(6).map(s -> "\"" + s.replace("\"", "").replace("\\", "") + "\""));
        return net.jqwik.api.Combinators.combine(keys, values).as(Tuple::of).list().ofMaxSize(6);
    }

    /**
     * A split scenario's records say how many tasks ran (they said 10, the permuted default, for Split-MNIST's
     * five), its config.json names no count, and reading them back changes nothing: the same experiment, resumable from its config.json, found by the
     * id of a record written before.
     */
    @Test
    void aSplitScenarioRecordsTheTasksItRuns(@TempDir Path dir) throws Exception {
        Path yaml = Files.writeString(dir.resolve("split.yaml"), "strategy: er\nclass-order: [3, 1, 4, 0]\nseed: 7\n");
        ExperimentConfig c = ConfigFiles.resolve(yaml, false, f -> { });
        assertEquals(2, c.taskCount(), "four classes, two a task");
        assertEquals(2, Json.config(c).get("tasks").asInt(), "a record's config");
        Path saved = Files.writeString(dir.resolve("config.json"), ConfigFiles.toJson(c));
        assertTrue(!Json.MAPPER.readTree(saved.toFile()).has("tasks"), "config.json: the class order decides");
        ExperimentConfig back = ConfigFiles.resolve(saved, false, f -> { });
        assertEquals(Experiment.id(c), Experiment.id(back), "read back, the same experiment");
        com.fasterxml.jackson.databind.node.ObjectNode record = Json.MAPPER.createObjectNode();
        record.set("config", Json.config(c));
        assertEquals(Experiment.id(c), Experiment.recordedId(record));
        ((com.fasterxml.jackson.databind.node.ObjectNode) record.get("config")).put("tasks", 10);
        assertEquals(Experiment.id(c), Experiment.recordedId(record), "a record that held the permuted default");
        c.scenario = dev.rehearsal.config.ScenarioType.PERMUTED;
        assertEquals(10, c.validate().taskCount(), "changed to permuted afterwards: the permuted default, not 2");
        Path three = Files.writeString(dir.resolve("three.yaml"), "strategy: er\nclass-order: [3, 1, 4, 0]\ntasks: 3\n");
        RehearsalException e = assertThrows(RehearsalException.class, () -> ConfigFiles.resolve(three, false, f -> { }));
        assertTrue(e.getMessage().contains("invalid value for 'tasks': 3"), e.getMessage());
    }
}
