package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bench command's JSON shape (its numbers are timings: never asserted). */
class BenchCommandTest {

    @Test
    void quickJsonCoversBothPresetsModelsAndBackends() throws Exception {
        Cli r = Cli.run("bench", "--quick", "--json", "--batch", "16");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode list = new ObjectMapper().readTree(r.out());
        Set<String> seen = new HashSet<>();
        for (JsonNode o : list) {
            for (String key : new String[] {"preset", "model", "backend", "threads", "samples_per_s", "gflops"}) {
                assertTrue(o.has(key), key + " in " + o);
            }
            assertTrue(o.get("samples_per_s").asDouble() > 0);
            seen.add(o.get("preset").asText() + "/" + o.get("model").asText() + "/" + o.get("backend").asText());
        }
        assertEquals(8, seen.size(), seen.toString());
    }
}
