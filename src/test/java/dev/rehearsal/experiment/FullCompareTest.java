package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.cli.Cli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The full default comparison against the reference report's numbers: raw replay with 300 samples per
 * class at least 0.87 ACC, generative replay at least 0.79. Tagged long: {@code mvn verify -Dgroups=long
 * -DexcludedGroups=} runs it (about a minute on 2 cores).
 */
@Tag("long")
class FullCompareTest {

    @Test
    void defaultCompareReachesTheReferenceReport(@TempDir Path out) throws Exception {
        Cli r = Cli.run("compare", "--quiet", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(Files.readString(out.resolve("results.json")));
        double er = Double.NaN;
        double gr = Double.NaN;
        for (JsonNode s : root.get("results")) {
            if (s.get("strategy").asText().equals("er")) {
                er = s.get("ACC").asDouble();
            } else if (s.get("strategy").asText().equals("gr")) {
                gr = s.get("ACC").asDouble();
            }
        }
        assertTrue(er >= 0.87, "experience replay ACC " + er);
        assertTrue(gr >= 0.79, "generative replay ACC " + gr);
    }
}
