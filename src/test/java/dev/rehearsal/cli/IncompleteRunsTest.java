package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.SchemaCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22: {@code compare --strategies er,lwf,naive --temperature 1e-37} on MNIST. er finishes its five tasks,
 * lwf finishes task 1 and diverges in task 2 (distillation at that temperature overflows), so the command stops
 * with exit code 4 and naive never starts. Every place that shows figures marks lwf incomplete and lists it after
 * er, apart; naive is listed as not run, with the reason.
 */
class IncompleteRunsTest {
    private static final String LWF = "lwf (incomplete: 1 of 5 tasks, training diverged)";

    @Test
    void aStoppedCompareMarksTheIncompleteAndListsTheNotRun(@TempDir Path work) throws Exception {
        Path out = work.resolve("out");
        // No --threads: the harness passes the test JVM's (its native runtime is started once per process).
        Cli r = Cli.run("compare", "--strategies", "er,lwf,naive", "--temperature", "1e-37", "--train-limit", "400",
                "--test-limit", "100", "--epochs", "1", "--per-class", "20", "--quiet", "--out", out.toString());
        assertEquals(RehearsalException.RUN, r.exitCode(), r.err());
        assertTrue(r.err().contains("training diverged") && r.err().contains("at task 2"), r.err());
        assertTrue(r.oneLineError(), r.err());

        // The console: what the command finished, marked, before the error.
        assertMarkedAndApart(r.out(), "the console");

        String md = Files.readString(out.resolve("results.md"));
        assertMarkedAndApart(md, "results.md");
        assertTrue(md.contains("## " + LWF), "lwf's own section is marked too:\n" + md);

        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains(LWF), "report.html marks lwf");
        assertTrue(html.indexOf("<td>er</td>") < html.indexOf("<td>" + LWF + "</td>"), "er's row before lwf's");
        int notRun = html.indexOf("id=\"not-run\"");
        assertTrue(notRun > 0 && html.indexOf("naive", notRun) > 0
                && html.indexOf("not started", notRun) > 0, "report.html lists naive as not run");

        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        List<String> header = List.of(csv.get(0).split(","));
        int complete = header.indexOf("complete");
        assertTrue(complete > 0, "a complete column: " + header);
        List<String[]> lwf = csv.stream().skip(1).map(l -> l.split(",")).filter(f -> f[0].equals("lwf")).toList();
        List<String[]> er = csv.stream().skip(1).map(l -> l.split(",")).filter(f -> f[0].equals("er")).toList();
        assertEquals(5, lwf.size(), "R's first row of lwf, five tasks");
        assertTrue(lwf.stream().allMatch(f -> f[complete].equals("false")), "lwf's rows say complete=false");
        assertTrue(er.size() == 25 && er.stream().allMatch(f -> f[complete].equals("true")), "er's say true");

        JsonNode json = SchemaCheck.assertValid(out.resolve("results.json"));
        JsonNode skipped = json.get("not_run");
        assertEquals(1, skipped.size(), skipped.toString());
        assertEquals("naive", skipped.get(0).get("strategy").asText());
        assertTrue(skipped.get(0).get("reason").asText().contains("lwf"), "the reason names the run that stopped");
        JsonNode lwfRun = json.get("results").get(1).get("runs").get(0);
        assertEquals(false, lwfRun.get("complete").asBoolean());
        assertTrue(lwfRun.get("stopped").asText().contains("training diverged"), lwfRun.toString());
        for (JsonNode a : json.get("answers")) {
            assertTrue(!a.asText().contains("lwf ") || a.asText().contains(LWF), "an answer speaks of lwf unmarked: "
                    + a.asText());
        }
    }

    /** lwf's row carries its marker and comes after er's; naive has a "not run" line with the reason. */
    private static void assertMarkedAndApart(String text, String where) {
        int er = text.indexOf("| er |");
        int lwf = text.indexOf("| " + LWF + " |");
        assertTrue(er >= 0 && lwf > er, where + " lists er, then lwf marked incomplete:\n" + text);
        assertTrue(text.lines().anyMatch(l -> l.contains("naive") && l.contains("not run")
                && l.contains("not started")), where + " lists naive as not run, with the reason:\n" + text);
    }
}
