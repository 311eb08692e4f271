package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
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
        assertEquals(List.of(9, 8, 7, 6, 5, 4, 3, 2, 1, 0), c.classOrder);
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

    private static void assertRefused(Path dir, String content, String expected) throws Exception {
        Path f = dir.resolve("bad.yaml");
        Files.writeString(f, content);
        RehearsalException e = assertThrows(RehearsalException.class, () -> ConfigFiles.resolve(f, false, c -> { }),
                content);
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
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
}
