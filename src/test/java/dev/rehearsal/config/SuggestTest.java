package dev.rehearsal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** "Did you mean" for misspelt config keys: the nearest key by edit distance, in one line, exit code 2. */
class SuggestTest {
    @Test
    void theNearestKeyWithinAFewEdits() {
        List<String> keys = ExperimentConfig.allKeys();
        assertEquals("per-class", Suggest.nearest("per_class", keys), "_ is read as -");
        assertEquals("vae-epochs", Suggest.nearest("vae-epoch", keys));
        assertEquals("replay-ratio", Suggest.nearest("replay-raito", keys), "a swap is one edit");
        assertEquals("learning_rate", Suggest.nearest("lerning_rate", List.of("learning_rate", "lr")));
        assertEquals("seeds", Suggest.nearest("Seeds", keys), "case is ignored");
        assertNull(Suggest.nearest("lerning-rate", keys), "nothing near: no guess");
        assertNull(Suggest.nearest("xy", keys), "short names get one edit at most");
        assertEquals(2, Suggest.distance("kitten", "sittin"));
        assertEquals(1, Suggest.distance("ab", "ba"));
        assertTrue(Suggest.unknownKeyHint("zzzzzz", List.of("a", "b")).contains("known keys: a, b"));
    }

    @Test
    void aMisspeltKeyInAConfigFileIsNamedWithItsSuggestion(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "per_class: 10\n");
        Cli r = Cli.run("run", "--config", config.toString(), "--out", dir.resolve("out").toString());
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), r.err());
        assertTrue(r.err().contains("unknown key 'per_class': did you mean 'per-class'?"), r.err());
        Files.writeString(config, "ewc-lamda: 10\n");
        Cli strategyKey = Cli.run("run", "--config", config.toString(), "--out", dir.resolve("out").toString());
        assertTrue(strategyKey.oneLineError() && strategyKey.err().contains("did you mean 'ewc-lambda'?"),
                strategyKey.err());
    }

    @Test
    void aMisspeltKeyInASweepGridIsNamedWithItsSuggestion(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "grid: {strategy: [er], per-clas: [10, 20]}\n");
        Cli r = Cli.run("sweep", "--config", grid.toString(), "--dry-run", "--threads", "1");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.oneLineError() && r.err().contains("unknown key 'per-clas' in grid: did you mean 'per-class'?"),
                r.err());
    }
}
