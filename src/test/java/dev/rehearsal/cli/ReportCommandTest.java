package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.SchemaCheck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rehearsal report DIR...} on two tiny compares made one after the other, A (naive and er, 10 steps a
 * task) and B (naive, 20 steps a task): naive is in both under different configs, so each is labelled by its
 * folder; every error is one line, exits non-zero and leaves no --out folder behind.
 */
class ReportCommandTest {
    @TempDir
    static Path work;
    private static Path a;
    private static Path b;
    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void twoCompares() {
        a = work.resolve("a");
        b = work.resolve("b");
        for (String[] run : new String[][] {{a.toString(), "naive,er", "10"}, {b.toString(), "naive", "20"}}) {
            Cli r = Cli.run("compare", "--strategies", run[1], "--iterations", run[2], "--train-limit", "200",
                    "--test-limit", "50", "--per-class", "5", "--quiet", "--out", run[0]);
            assertEquals(0, r.exitCode(), r.err());
        }
    }

    @Test
    void twoFoldersSideBySide() throws Exception {
        Path out = work.resolve("together");
        Cli r = Cli.run("report", a.toString(), b.toString(), "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = SchemaCheck.assertValid(out.resolve("results.json"));
        List<String> names = new ArrayList<>();
        root.get("results").forEach(s -> names.add(s.get("strategy").asText()));
        assertEquals(List.of("naive (" + a + ")", "er", "naive (" + b + ")"), names,
                "a strategy of both folders is labelled by its folder, one of one folder keeps its name");
        assertEquals(List.of(a.toString(), b.toString()), List.of(root.get("sources").get(0).asText(),
                root.get("sources").get(1).asText()));
        assertFalse(root.get("config").has("iterations"), "the folders disagree on iterations: not common");
        assertEquals("split", root.get("config").get("scenario").asText(), "what they agree on is common");
        assertEquals(10, root.get("results").get(0).get("config").get("iterations").asInt());
        assertEquals(20, root.get("results").get(2).get("config").get("iterations").asInt());
        assertEquals(b.toString(), root.get("results").get(2).get("source").asText());
        JsonNode aJson = JSON.readTree(a.resolve("results.json").toFile());
        assertEquals(aJson.get("results").get(1).get("runs"), root.get("results").get(1).get("runs"),
                "runs are copied as they are, not recomputed");
        List<String> csv = Files.readAllLines(out.resolve("results.csv"));
        assertEquals(1 + 3 * 25, csv.size(), "a header and R of the three runs");
        assertTrue(csv.stream().anyMatch(l -> l.startsWith("\"naive (" + b + ")\",1,0 1 2 3 4 5 6 7 8 9,5,5,")
                || l.startsWith("naive (" + b + "),1,0 1 2 3 4 5 6 7 8 9,5,5,")), "rows under the labels");
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("naive (" + a + ")") && html.contains("naive (" + b + ")"), "both in the report");
        assertTrue(Files.isRegularFile(out.resolve("samples").resolve("er-task5-buffer.png")), "er's grids come along");
    }

    @Test
    void oneFolderIsRebuiltInPlace() throws Exception {
        Files.delete(a.resolve("report.html"));
        Cli r = Cli.run("report", a.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(Files.isRegularFile(a.resolve("report.html")));
        assertTrue(r.out().contains(a.resolve("report.html").toString()), r.out());
    }

    private static void refused(Cli r, int code, String phrase, Path out) {
        assertEquals(code, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), "one line: " + r.err());
        assertTrue(r.err().startsWith("rehearsal: ") && r.err().contains(phrase), r.err());
        assertFalse(Files.exists(out), "nothing written to " + out);
    }

    @Test
    void badFoldersAreOneLineErrorsAndWriteNothing() throws Exception {
        Path out = work.resolve("never");
        refused(Cli.run("report", a.toString(), work.resolve("missing").toString(), "--out", out.toString()), 2,
                "missing: it does not exist", out);
        Path empty = Files.createDirectories(work.resolve("empty"));
        refused(Cli.run("report", a.toString(), empty.toString(), "--out", out.toString()), 2,
                "holds no results.json", out);
        Path corrupt = Files.createDirectories(work.resolve("corrupt"));
        Files.writeString(corrupt.resolve("results.json"), Files.readString(a.resolve("results.json")).substring(0, 500));
        refused(Cli.run("report", a.toString(), corrupt.toString(), "--out", out.toString()), 3,
                "results.json is not valid JSON", out);
        Path old = Files.createDirectories(work.resolve("old"));
        ObjectNode v2 = (ObjectNode) JSON.readTree(a.resolve("results.json").toFile());
        v2.remove("schema_version");
        Files.writeString(old.resolve("results.json"), v2.toString());
        refused(Cli.run("report", a.toString(), old.toString(), "--out", out.toString()), 3,
                "has no schema_version (an earlier Rehearsal wrote it); this Rehearsal reads schema_version 4", out);
        // Values no run writes, each refused naming the folder's own file (not the merged one).
        String[][] edits = {{"/results/0/runs/0/confusion_matrix/1", "ragged", "'confusion_matrix' of strategy 'naive' "
            + "(run 1) is not square"}, {"/results/1", "acc", "'acc' of strategy 'er' is 1.7, not an accuracy"}};
        for (String[] edit : edits) {
            // a copy of a real results folder (its manifest included), with results.json edited
            Path bad = Files.createDirectories(work.resolve("bad-" + edit[1]));
            try (var files = Files.walk(a)) {
                for (Path f : files.toList()) {
                    Path to = bad.resolve(a.relativize(f).toString());
                    if (Files.isDirectory(f)) {
                        Files.createDirectories(to);
                    } else if (!f.getFileName().toString().equals(".rehearsal.lock")) {
                        Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            String before = Files.readString(bad.resolve("report.html"));
            ObjectNode root = (ObjectNode) JSON.readTree(a.resolve("results.json").toFile());
            if (edit[1].equals("ragged")) {
                ((com.fasterxml.jackson.databind.node.ArrayNode) root.at(edit[0])).remove(0);
            } else {
                ((ObjectNode) root.at(edit[0])).put("acc", 1.7);
            }
            Files.writeString(bad.resolve("results.json"), root.toString());
            refused(Cli.run("report", a.toString(), bad.toString(), "--out", out.toString()), 3,
                    bad.resolve("results.json") + ": " + edit[2], out);
            refused(Cli.run("report", bad.toString()), 3, bad.resolve("results.json") + ": " + edit[2], out);
            assertEquals(before, Files.readString(bad.resolve("report.html")), "the folder's report is not rewritten");
        }
        refused(Cli.run("report", a.toString(), b.toString()), 2, "needs --out DIR", out);
        refused(Cli.run("report", a.toString(), b.toString(), "--out", a.toString()), 2, "is one of the folders read",
                out);
        refused(Cli.run("report", a.toString(), a.toString(), "--out", out.toString()), 2, "is given twice", out);
    }

    @Test
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    void aFolderInUseIsNotRebuilt() throws Exception {
        Path held = work.resolve("held");
        try (dev.rehearsal.ResultsFolder f = dev.rehearsal.ResultsFolder.open(held, "compare",
                dev.rehearsal.ResultsFolder.Mode.NEW)) {
            dev.rehearsal.AtomicFiles.write(held.resolve("results.json"), Files.readAllBytes(a.resolve("results.json")));
            Cli r = Cli.run("report", held.toString());
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.oneLineError() && r.err().contains("the results folder " + held + " is in use by process "
                    + ProcessHandle.current().pid()), r.err());
            assertFalse(Files.exists(held.resolve("report.html")) || Files.exists(held.resolve("figures")),
                    "nothing written into a folder another command holds");
        }
    }
}
