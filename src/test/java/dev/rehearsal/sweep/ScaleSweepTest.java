package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.cli.ChildCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sweep --preset scale-quick} end to end in a child JVM on real (limited) MNIST, and the same folder merged
 * again with {@code --merge-only}: scale.json parses against the schema, er's replay memory is exactly its stored
 * samples (5 per class x 10 classes x 784 uint8 pixels = 39,200 bytes a task, so a log-log slope of exactly 1),
 * gr's does not change with the number of tasks (slope 0), both spend the same evaluation MACs (the same solver
 * on the same test sets), and scale.md and report.html carry the study.
 */
class ScaleSweepTest {
    private static final long PER_TASK = 5L * 10 * 784;

    @TempDir
    Path work;

    @Test
    void theQuickScaleStudyMeasuresExactGrowth() throws Exception {
        Path out = work.resolve("scale");
        ChildCli r = sweep(out, "--preset", "scale-quick", "--parallel", "2", "--threads", "1", "--out",
                out.toString(), "-q");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode s = dev.rehearsal.SchemaCheck.assertValid(out.resolve("scale.json"));
        assertEquals(List.of(2, 3, 4), List.of(s.get("tasks").get(0).asInt(), s.get("tasks").get(1).asInt(),
                s.get("tasks").get(2).asInt()));
        assertEquals(6, s.get("measurements").size());
        assertEquals(6, s.get("runs").asInt());
        Map<Integer, Long> grReplay = new HashMap<>();
        Map<String, Long> evaluation = new HashMap<>();
        for (JsonNode m : s.get("measurements")) {
            int t = m.get("tasks").asInt();
            assertEquals(1, m.get("seeds").asInt());
            assertTrue(m.get("acc_sem").isNull(), "one seed: no SEM");
            assertTrue(m.get("forgetting").isNumber(), m.toString());
            switch (m.get("strategy").asText()) {
                case "er" -> assertEquals(PER_TASK * t, m.get("replay_memory_bytes").asLong());
                case "gr" -> grReplay.put(t, m.get("replay_memory_bytes").asLong());
                default -> throw new AssertionError("unexpected strategy: " + m);
            }
            Long other = evaluation.put(Integer.toString(t), m.get("evaluation_macs").asLong());
            if (other != null) {
                assertEquals(other, m.get("evaluation_macs").asLong(), "er and gr evaluate the same solver at T=" + t);
            }
            assertTrue(m.get("evaluation_macs").asLong() > 0, m.toString());
        }
        assertEquals(1, grReplay.values().stream().distinct().count(), "gr keeps one generator: " + grReplay);
        assertTrue(grReplay.get(2) > 0);
        int checked = 0;
        for (JsonNode f : s.get("fits")) {
            String key = f.get("strategy").asText() + " " + f.get("quantity").asText();
            if (key.equals("er replay_memory_bytes")) {
                assertEquals(1.0, f.get("slope").asDouble(), 1e-9);
                assertEquals(Math.log(PER_TASK), f.get("intercept").asDouble(), 1e-9);
                assertEquals("linear", f.get("growth").asText());
                checked++;
            } else if (key.equals("gr replay_memory_bytes")) {
                assertEquals(0.0, f.get("slope").asDouble(), 1e-12);
                assertEquals("constant", f.get("growth").asText());
                checked++;
            }
        }
        assertEquals(2, checked, s.get("fits").toString());
        // er's 39,200 T never reaches gr's generator between 2 and 4 tasks: no crossing is claimed.
        assertEquals(0, s.get("crossovers").size(), s.get("crossovers").toString());
        String md = Files.readString(out.resolve("scale.md"));
        assertTrue(md.contains("| er | 2 | 1 | "), md);
        assertTrue(md.contains(String.format(java.util.Locale.ROOT, "| %,d |", PER_TASK * 4)), md);
        assertTrue(md.contains("| er | replay_memory_bytes | 1.00 | linear |"), md);
        assertTrue(md.contains("| gr | replay_memory_bytes | 0.00 | constant |"), md);
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("id=\"scaling\""), "report.html has the scaling section");

        // The records are the study: merged again without running anything, the measurements are the same.
        String before = s.get("measurements").toString();
        Files.delete(out.resolve("scale.json"));
        ChildCli merged = sweep(out, "--preset", "scale-quick", "--merge-only", "--out", out.toString(), "-q");
        assertEquals(0, merged.exitCode(), merged.err());
        JsonNode again = dev.rehearsal.SchemaCheck.assertValid(out.resolve("scale.json"));
        assertEquals(before, again.get("measurements").toString());
    }

    private ChildCli sweep(Path out, String... args) throws Exception {
        Path so = Files.createTempFile(work, "out", ".txt");
        Path se = Files.createTempFile(work, "err", ".txt");
        Process p = new ProcessBuilder(SweepTest.childCommand(args)).redirectOutput(so.toFile())
                .redirectError(se.toFile()).start();
        return ChildCli.finish(p, so, se);
    }
}
