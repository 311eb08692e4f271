package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run never deletes, overwrites or mixes with what it did not write, through the real CLI in child JVMs:
 * foreign folders and blank paths are refused, an earlier run is replaced only with --force and then
 * entirely, a folder in use is refused naming its writer, and an unusable folder is a one-line error.
 */
class ResultsFolderCliTest {
    private static final List<String> TINY = List.of("--train-limit", "200", "--test-limit", "200", "--epochs", "1",
            "--per-class", "10", "--vae-epochs", "1", "--quiet");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static ChildCli cli(Path cwd, List<String> head, String... tail) throws Exception {
        List<String> args = new ArrayList<>(head);
        args.addAll(List.of(tail));
        return ChildCli.run(cwd, args.toArray(String[]::new));
    }

    private static List<String> run(String strategy) {
        List<String> a = new ArrayList<>(List.of("run", "--strategy", strategy));
        a.addAll(TINY);
        return a;
    }

    private static void refused(ChildCli r, int code, String phrase) {
        assertEquals(code, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), "one line, no stack trace: " + r.err());
        assertTrue(r.err().contains(phrase), "expected '" + phrase + "' in: " + r.err());
    }

    /** Every file under {@code dir} with its content. */
    private static Map<String, String> snapshot(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), java.util.Arrays.toString(Files.readAllBytes(p)));
            }
        }
        return out;
    }

    private static Set<String> files(Path dir) throws IOException {
        return snapshot(dir).keySet();
    }

    @Test
    void aBlankOutIsRefusedAndNothingIsWrittenHere(@TempDir Path cwd) throws Exception {
        refused(ChildCli.run(cwd, "run", "--out", "", "--quiet"), RehearsalException.USAGE,
                "the results folder must be a path, got ''");
        refused(ChildCli.run(cwd, "compare", "--out", "   ", "--quiet"), RehearsalException.USAGE, "must be a path");
        Files.writeString(cwd.resolve("blank.yaml"), "out: \"\"\n");
        refused(ChildCli.run(cwd, "scale", "--config", "blank.yaml", "--quiet"), RehearsalException.USAGE,
                "must be a path");
        assertEquals(Set.of("blank.yaml"), files(cwd), "nothing was written into the current directory");
    }

    @Test
    void aFolderRehearsalDidNotWriteIsRefusedByEveryCommandAndLeftAsItWas(@TempDir Path dir) throws Exception {
        Path theirs = dir.resolve("theirs");
        Files.createDirectories(theirs.resolve("runs"));
        Files.writeString(theirs.resolve("runs").resolve("er-seed1.json"), "{\"their\": \"record\"}");
        Files.createDirectories(theirs.resolve("checkpoint").resolve("er-seed1"));
        Files.writeString(theirs.resolve("checkpoint").resolve("er-seed1").resolve("state.json"), "{}");
        Map<String, String> before = snapshot(theirs);
        for (String command : List.of("run", "compare", "scale", "profile")) {
            refused(ChildCli.run(null, command, "--out", theirs.toString(), "--quiet"), RehearsalException.USAGE,
                    "the results folder " + theirs + " is not empty and was not written by Rehearsal");
        }
        refused(ChildCli.run(null, "run", "--force", "--out", theirs.toString(), "--quiet"),
                RehearsalException.USAGE, "was not written by Rehearsal");
        refused(ChildCli.run(null, "run", "--resume", theirs.toString(), "--quiet"), RehearsalException.USAGE,
                "nothing to resume in " + theirs + ": it is not a Rehearsal results folder");
        assertEquals(before, snapshot(theirs), "not a byte changed, no file added");
    }

    @Test
    void aRerunNeedsForceAndThenNothingOfTheEarlierRunRemains(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        ChildCli first = cli(null, run("er"), "--out", out.toString());
        assertEquals(0, first.exitCode(), first.err());
        Set<String> erFiles = files(out);
        assertTrue(erFiles.contains("samples/er-task1-buffer.png") && erFiles.contains("models/er-seed1-solver.safetensors")
                && erFiles.contains("runs/er-seed1.json") && erFiles.contains("figures/accuracy-matrix-er.png"),
                erFiles.toString());
        Map<String, String> before = snapshot(out);

        refused(cli(null, run("naive"), "--out", out.toString()), RehearsalException.USAGE,
                "holds the results of an earlier 'rehearsal run' (finished ");
        refused(cli(null, run("naive"), "--out", out.toString(), "--resume", out.toString(), "--force"),
                RehearsalException.USAGE, "give one of them");
        assertEquals(before, snapshot(out), "a refused run changes nothing");

        ChildCli second = cli(null, run("naive"), "--out", out.toString(), "--force");
        assertEquals(0, second.exitCode(), second.err());
        Set<String> now = files(out);
        for (String f : now) {
            assertFalse(f.matches("(.*/)?er-.*|.*-er\\.png"), "a file of the earlier er run remains: " + f);
        }
        JsonNode results = JSON.readTree(out.resolve("results.json").toFile()).get("results");
        assertEquals(1, results.size());
        assertEquals("naive", results.get(0).get("strategy").asText());
        assertFalse(Files.readString(out.resolve("report.html")).contains("er-task1-buffer.png"),
                "the report shows no sample of the earlier run");
        // Every file of the folder belongs to the run that wrote it.
        JsonNode manifest = JSON.readTree(out.resolve(ResultsFolder.MANIFEST).toFile());
        Set<String> listed = new TreeSet<>(List.of(ResultsFolder.MANIFEST, ResultsFolder.LOCK));
        manifest.get("files").forEach(f -> listed.add(f.asText()));
        assertTrue(listed.containsAll(now), "unlisted files: " + now + " vs " + listed);
        assertTrue(manifest.hasNonNull("finished"));
    }

    @Test
    void aFolderInUseIsRefusedNamingItsWriter(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        long me = ProcessHandle.current().pid();
        try (ResultsFolder held = ResultsFolder.open(out, "compare", ResultsFolder.Mode.NEW)) {
            refused(cli(null, run("er"), "--out", out.toString()), RehearsalException.USAGE,
                    "the results folder " + out + " is in use by process " + me + " on ");
            refused(ChildCli.run(null, "run", "--resume", held.dir().toString(), "--quiet"), RehearsalException.USAGE,
                    "is in use by process " + me);
        }
        // Released with the holder: the next writer may take the folder over.
        ChildCli after = cli(null, run("naive"), "--out", out.toString(), "--force");
        assertEquals(0, after.exitCode(), after.err());
    }

    @Test
    void twoRunsIntoOneFolderAtOnceCannotBothSucceed(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("out");
        List<String> slow = new ArrayList<>(List.of("run", "--strategy", "gr", "--train-limit", "1500",
                "--vae-epochs", "6", "--quiet", "--out", out.toString()));
        Process first = ChildCli.start(null, dir.resolve("first.out"), dir.resolve("first.err"),
                slow.toArray(String[]::new));
        try {
            Path lock = out.resolve(ResultsFolder.LOCK);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!(Files.exists(lock) && Files.size(lock) > 0) && first.isAlive() && System.nanoTime() < deadline) {
                LockSupport.parkNanos(5_000_000);
            }
            assertTrue(first.isAlive(), "the first run must still be going: " + Files.readString(dir.resolve("first.err")));
            ChildCli second = cli(null, run("er"), "--out", out.toString());
            refused(second, RehearsalException.USAGE, "is in use by process " + first.pid());
            ChildCli done = ChildCli.finish(first, dir.resolve("first.out"), dir.resolve("first.err"));
            assertEquals(0, done.exitCode(), done.err());
        } finally {
            first.destroyForcibly();
        }
        JsonNode results = JSON.readTree(out.resolve("results.json").toFile()).get("results");
        assertEquals("gr", results.get(0).get("strategy").asText(), "the first run's results are whole");
        assertEquals(5, results.get(0).get("runs").get(0).get("tasks_done").asInt());
        assertFalse(files(out).stream().anyMatch(f -> f.matches("(.*/)?er-.*")), "nothing of the refused er run: "
                + files(out));
    }

    @Test
    void anUnusableFolderIsAOneLineError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        refused(cli(null, run("er"), "--out", file.toString()), RehearsalException.USAGE,
                "the results folder " + file + " is a file, not a folder");
        refused(cli(null, run("er"), "--out", file.resolve("sub").toString()), RehearsalException.USAGE,
                "cannot create the results folder " + file.resolve("sub") + ": ");
        assertEquals("x", Files.readString(file));
    }
}
