package dev.rehearsal.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.SchemaCheck;
import dev.rehearsal.cli.Cli;
import dev.rehearsal.experiment.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profile the README quotes is a committed output (docs/results/measured/profile-gr/, generated into the README
 * by docs/results/measured_figures.py), and it is what {@code profile} prints today for the same config. Every
 * figure the config determines is compared on any machine: each block of the strategy and data parts, the
 * primitives and their argument lists, every MAC count, the replay memory per task, MS, SSS and CE. The backend's
 * workspace (so the totals) and ACC are compared only where oneDNN runs the same ISA in the same version as on the
 * machine that made the file (oneDNN sizes the scratchpad for its ISA, and the arithmetic follows the ISA's
 * kernels); elsewhere that test is skipped, naming both. Seconds, GFLOP/s, resident memory and heap are
 * measurements and are never compared. The test JVM's native runtime has the recorded setting (2 threads, passive
 * waiting, oneDNN GEMMs, float32), so the command runs in-process.
 */
class ProfileRecordTest {
    private static final Path FOLDER = Path.of("docs", "results", "measured", "profile-gr");
    private static JsonNode committed;
    private static JsonNode today;
    @TempDir
    static Path out;

    @BeforeAll
    static void profileAgain() throws Exception {
        committed = Json.MAPPER.readTree(FOLDER.resolve("profile.json").toFile());
        JsonNode setting = committed.get("footprint").get("backend_setting");
        Cli r = Cli.run("profile", "--strategy", "gr", "--threads", setting.get("threads").asText(), "--omp-wait",
                setting.get("omp_wait").asText(), "--gemm", setting.get("gemm").asText(), "--precision",
                setting.get("precision").asText(), "--json", "--quiet", "--out", out.resolve("gr").toString());
        assertEquals(0, r.exitCode(), r.err());
        today = Json.MAPPER.readTree(r.out());
    }

    /** The README's block is the committed text, and that text is the rendering of the committed JSON. */
    @Test
    void theCommittedTextIsTheRenderingOfTheCommittedJson() throws Exception {
        SchemaCheck.assertValid(FOLDER.resolve("profile.json"));
        assertEquals(Profile.toText((ObjectNode) committed), Files.readString(FOLDER.resolve("profile.txt")));
    }

    @Test
    void everyFigureTheConfigDeterminesIsWhatProfilePrintsToday() {
        List<String> differences = new ArrayList<>();
        JsonNode was = committed.get("footprint");
        JsonNode now = today.get("footprint");
        for (String part : new String[] {"strategy", "data"}) {
            same(differences, "exact " + part, items(was, part, false), items(now, part, false));
            same(differences, "exact_by_part." + part, was.get("exact_by_part").get(part),
                    now.get("exact_by_part").get(part));
        }
        same(differences, "the primitives' argument lists", items(was, "backend", true), items(now, "backend", true));
        same(differences, "buffer", was.path("buffer"), now.path("buffer"));
        JsonNode c0 = committed.get("compute");
        JsonNode c1 = today.get("compute");
        for (String k : new String[] {"solver_forward_macs_per_sample", "generator_forward_macs_per_sample",
            "solver_step", "generator_step", "training_macs", "per_task"}) {
            same(differences, "compute." + k, c0.get(k), c1.get(k));
        }
        c0.get("phases").properties().forEach(e -> {
            same(differences, "phases." + e.getKey() + ".macs", e.getValue().get("macs"),
                    c1.get("phases").path(e.getKey()).get("macs"));
            same(differences, "phases." + e.getKey() + ".samples", e.getValue().get("samples"),
                    c1.get("phases").path(e.getKey()).get("samples"));
        });
        same(differences, "efficiency", committed.get("efficiency"), today.get("efficiency"));
        assertEquals(List.of(), differences, "profile --strategy gr prints other figures than the committed "
                + FOLDER.resolve("profile.json") + ": rerun it and commit its folder, then python3 "
                + "docs/results/measured_figures.py --write README.md");
    }

    @Test
    void onTheSameIsaTheWorkspaceTotalsAndAccAreTheSameToo() {
        JsonNode was = committed.get("footprint").get("backend_setting");
        JsonNode now = today.get("footprint").get("backend_setting");
        assumeTrue(was.get("onednn_isa").equals(now.get("onednn_isa")) && was.get("onednn").equals(now.get("onednn")),
                "the committed profile was made with oneDNN " + was.get("onednn").asText() + " running "
                        + was.get("onednn_isa").asText() + ", this machine runs " + now.get("onednn").asText() + " on "
                        + now.get("onednn_isa").asText() + ": its scratchpad sizes and arithmetic may differ");
        List<String> differences = new ArrayList<>();
        same(differences, "backend_setting", was, now);
        same(differences, "exact backend", items(committed.get("footprint"), "backend", false),
                items(today.get("footprint"), "backend", false));
        for (String k : new String[] {"exact_by_part", "exact_total_bytes", "peak_exact_bytes"}) {
            same(differences, k, committed.get("footprint").get(k), today.get("footprint").get(k));
        }
        same(differences, "acc", committed.get("acc"), today.get("acc"));
        assertEquals(List.of(), differences);
        // Whether JavaCPP's counter agrees with the exact total is ProfileTest's check, in a process of its own
        // making: in a test JVM shared with other classes the counter also sees their pointers being freed.
    }

    /**
     * The exact items of one part as text; of the backend part either only the primitives' argument lists
     * ({@code argumentLists}: their count and bytes follow from the shapes) or all of it.
     */
    private static String items(JsonNode footprint, String part, boolean argumentLists) {
        StringBuilder b = new StringBuilder();
        for (JsonNode m : footprint.get("exact")) {
            if (m.get("part").asText().equals(part) && (!argumentLists || m.get("block").asText().contains(
                    "argument lists"))) {
                b.append(m.get("component").asText()).append(" | ").append(m.get("block").asText()).append(" | ")
                        .append(m.get("bytes").asLong()).append('\n');
            }
        }
        return b.toString();
    }

    private static void same(List<String> differences, String what, Object was, Object now) {
        String a = String.valueOf(was);
        String b = String.valueOf(now);
        if (!a.equals(b)) {
            differences.add(what + ": committed " + a + ", today " + b);
        }
    }
}
