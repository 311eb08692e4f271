package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.AtomicFiles;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.RunFolders;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs without --out, through the real CLI in child JVMs working in a folder of their own: every run gets a new
 * folder under results/&lt;command&gt;/ and never needs --force; results/&lt;command&gt;/latest names the newest
 * and works wherever a path is given (--config, --resume, --out, report); an explicit --out keeps the
 * protect-and-refuse rules; {@code rehearsal runs} lists runs with their command, start, status and config, writes
 * nothing, and follows no link.
 */
class RunFoldersCliTest {
    private static final String DATA = Path.of("data", "mnist").toAbsolutePath().toString();
    private static final List<String> TINY = List.of("--strategies", "naive", "--train-limit", "100", "--test-limit",
            "50", "--epochs", "1", "--quiet", "--data", DATA);

    private static ChildCli compare(Path cwd, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("compare"));
        args.addAll(TINY);
        args.addAll(List.of(more));
        return ChildCli.run(cwd, args.toArray(String[]::new));
    }

    private static void refused(ChildCli r, String phrase) {
        assertEquals(RehearsalException.USAGE, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), "one line, no stack trace: " + r.err());
        assertTrue(r.err().contains(phrase), "expected '" + phrase + "' in: " + r.err());
    }

    /** Every file under {@code dir} with its content, and every link with its target. */
    private static Map<String, String> snapshot(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String rel = dir.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isRegularFile(p)) {
                    out.put(rel, java.util.Arrays.toString(Files.readAllBytes(p)));
                }
            }
        }
        return out;
    }

    @Test
    void runsWithoutOutNeverOverwriteAndLatestIsResolvedWhereThePathIsGiven(@TempDir Path cwd) throws Exception {
        Path root = cwd.resolve("results").resolve("compare");
        ChildCli first = compare(cwd);
        assertEquals(0, first.exitCode(), first.err());
        Map<String, String> firstFiles = snapshot(RunFolders.runs(root).get(0));
        ChildCli second = compare(cwd); // no --force, no --out: a folder of its own
        assertEquals(0, second.exitCode(), second.err());
        List<Path> runs = RunFolders.runs(root);
        assertEquals(2, runs.size(), runs.toString());
        assertEquals(firstFiles, snapshot(runs.get(0)), "the first run is exactly as it was");
        assertEquals(runs.get(1).getFileName().toString(), RunFolders.runNamed(root.resolve(RunFolders.LATEST)));
        assertTrue(second.out().contains("results: " + Path.of("results", "compare", runs.get(1).getFileName()
                .toString(), "results.json")), "the console names the run's folder: " + second.out());

        // The README's reproduction: the latest run's config, run again, into a new folder of its own.
        ChildCli again = ChildCli.run(cwd, "compare", "--config", "results/compare/latest/config.json", "--quiet");
        assertEquals(0, again.exitCode(), again.err());
        runs = RunFolders.runs(root);
        assertEquals(3, runs.size());
        assertEquals(Files.readString(runs.get(1).resolve("config.json")),
                Files.readString(runs.get(2).resolve("config.json")), "the same config, run again");

        // An explicit --out (or --resume) through latest is the run folder it names, with today's rules.
        refused(ChildCli.run(cwd, "compare", "--resume", "results/compare/latest", "--quiet"),
                "nothing to resume in " + Path.of("results", "compare", runs.get(2).getFileName().toString()));
        refused(compare(cwd, "--out", "results/compare/latest"), "holds the results of an earlier 'rehearsal "
                + "compare'");
        refused(compare(cwd, "--force"), "nothing to replace");
        ChildCli report = ChildCli.run(cwd, "report", "results/compare/latest");
        assertEquals(0, report.exitCode(), report.err());
        assertEquals(3, RunFolders.runs(root).size(), "no refused or report command made a run folder");
        assertEquals(runs.get(2).getFileName().toString(), RunFolders.runNamed(root.resolve(RunFolders.LATEST)));
    }

    @Test
    void aRunThatFailsAfterItsFirstTaskIsListedAsFailed(@TempDir Path cwd) throws Exception {
        // lwf finishes task 1 and diverges in task 2 at this temperature (IncompleteRunsTest).
        ChildCli r = ChildCli.run(cwd, "compare", "--strategies", "lwf", "--temperature", "1e-37", "--train-limit", "400",
                "--test-limit", "100", "--epochs", "1", "--quiet", "--data", DATA);
        assertEquals(RehearsalException.RUN, r.exitCode(), r.err());
        Cli listed = Cli.run("runs", cwd.resolve("results").toString(), "--json");
        assertEquals(0, listed.exitCode(), listed.err());
        JsonNode runs = Json.MAPPER.readTree(listed.out());
        assertEquals(1, runs.size(), runs.toString());
        assertEquals("failed", runs.get(0).get("status").asText());
        assertTrue(runs.get(0).get("detail").asText().contains("training diverged"), runs.toString());
        assertTrue(runs.get(0).get("latest").asBoolean(), "latest names the failed run, to --resume it");
    }

    /** A run of {@code command} under {@code root} with {@code config} as its config.json; left open when asked. */
    private static ResultsFolder run(Path root, String command, ExperimentConfig config, boolean finish)
            throws Exception {
        ResultsFolder f = RunFolders.openNew(root, command);
        AtomicFiles.write(f.dir().resolve("config.json"), ConfigFiles.toJson(config).getBytes(StandardCharsets.UTF_8));
        if (finish) {
            f.finish();
        }
        return f;
    }

    @SuppressWarnings("try") // the open folder is held (locked, in use) while runs lists it: never read
    @Test
    void runsListsCommandStartStatusAndConfigWritesNothingAndFollowsNoLink(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results");
        ExperimentConfig quick = ConfigFiles.resolve((Path) null, true, c -> {
            c.strategies = new ArrayList<>(List.of("er", "gr"));
            c.seeds = new ArrayList<>(List.of(1L, 2L, 3L));
        });
        ExperimentConfig wide = ConfigFiles.resolve((Path) null, false, c -> {
            c.preset = dev.rehearsal.nn.Preset.WIDE;
            c.iterations = 2000;
        });
        run(results.resolve("compare"), "compare", quick, true).close();
        run(results.resolve("compare"), "compare", wide, false).close(); // stopped: incomplete
        ResultsFolder failed = run(results.resolve("run"), "run", wide, false);
        failed.fail("training diverged at task 2");
        failed.close();
        try (ResultsFolder running = run(results.resolve("scale"), "scale", quick, false)) {
            ResultsFolder damaged = run(results.resolve("profile"), "profile", quick, true);
            damaged.close();
            Path manifest = damaged.dir().resolve(ResultsFolder.MANIFEST);
            Files.writeString(manifest, Files.readString(manifest).replace("\"profile\"", "\"run\""));
            // A link in results/ to a folder of someone else's runs, and a link beside run folders: not followed.
            Path elsewhere = dir.resolve("elsewhere");
            run(elsewhere.resolve("compare"), "compare", quick, true).close();
            Files.createSymbolicLink(results.resolve("linked"), elsewhere);
            Files.createSymbolicLink(results.resolve("compare").resolve("2030-01-01_00-00-00"),
                    elsewhere.resolve("compare"));
            Map<String, String> before = snapshot(dir);

            Cli r = Cli.run("runs", results.toString(), "--json");
            assertEquals(0, r.exitCode(), r.err());
            Map<String, JsonNode> byCommand = new HashMap<>();
            List<String> statuses = new ArrayList<>();
            for (JsonNode run : Json.MAPPER.readTree(r.out())) {
                assertTrue(run.get("folder").asText().startsWith(results.toString()), "not through a link: " + run);
                statuses.add(run.get("command").asText() + " " + run.get("status").asText());
                byCommand.putIfAbsent(run.get("command").asText() + " " + run.get("status").asText(), run);
            }
            assertEquals(5, statuses.size(), statuses.toString());
            assertTrue(statuses.containsAll(List.of("compare finished", "compare incomplete", "run failed",
                    "scale running")), statuses.toString());
            assertTrue(statuses.stream().anyMatch(s -> s.endsWith(" damaged")), statuses.toString());
            JsonNode done = byCommand.get("compare finished");
            assertEquals(List.of("train-limit=4000", "strategies=er,gr", "seeds=1,2,3", "quick"),
                    Json.MAPPER.convertValue(done.get("config"), List.class));
            assertTrue(done.get("started").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"), done.toString());
            assertFalse(done.get("latest").asBoolean());
            JsonNode stopped = byCommand.get("compare incomplete");
            assertTrue(stopped.get("latest").asBoolean(), "the newer compare is the latest");
            assertEquals(List.of("preset=wide", "iterations=2000"), Json.MAPPER.convertValue(stopped.get("config"),
                    List.class));
            assertEquals("training diverged at task 2", byCommand.get("run failed").get("detail").asText());

            Cli table = Cli.run("runs", results.toString());
            assertEquals(0, table.exitCode(), table.err());
            assertTrue(table.out().lines().findFirst().orElse("").matches("run\\s+command\\s+started \\(UTC\\)\\s+status"
                    + "\\s+config"), table.out());
            assertTrue(table.out().contains(" (latest)"), table.out());
            assertEquals(before, snapshot(dir), "runs wrote, moved and removed nothing");
        }
    }

    /**
     * A finished run whose folder no longer holds what it wrote is listed as such, from the files themselves: its
     * results file cut short, or a file replaced by a link, is damaged (with why); a trimmed report or a removed
     * checkpoint is not damage, a missing top-level file is noted; nothing is followed or written.
     */
    @Test
    void aFinishedRunWhoseResultsAreCutShortOrLinkedIsListedAsDamaged(@TempDir Path dir) throws Exception {
        Path results = dir.resolve("results");
        ExperimentConfig quick = ConfigFiles.resolve((Path) null, true, c -> { });
        Map<String, Path> folders = new HashMap<>();
        for (String name : List.of("intact", "cut", "linked", "trimmed", "nocheckpoint", "noresults")) {
            ResultsFolder f = run(results.resolve(name), "run", quick, false);
            AtomicFiles.write(f.dir().resolve("results.json"), "{\"schema_version\": 4}\n".getBytes(
                    StandardCharsets.UTF_8));
            AtomicFiles.write(f.dir().resolve("results.md"), "# results\n".getBytes(StandardCharsets.UTF_8));
            AtomicFiles.write(f.dir().resolve("checkpoint/er-seed1/state.json"), "{}".getBytes(StandardCharsets.UTF_8));
            f.finish();
            f.close();
            folders.put(name, f.dir());
        }
        Path cut = folders.get("cut").resolve("results.json");
        Files.writeString(cut, "{\"schema_ver");
        Path linked = folders.get("linked").resolve("config.json");
        Files.delete(linked);
        Files.createSymbolicLink(linked, dir.resolve("outside.json"));
        Files.delete(folders.get("trimmed").resolve("results.md"));
        Files.delete(folders.get("nocheckpoint").resolve("checkpoint/er-seed1/state.json"));
        Files.delete(folders.get("noresults").resolve("results.json"));
        Map<String, String> before = snapshot(dir);

        Cli r = Cli.run("runs", results.toString(), "--json");
        assertEquals(0, r.exitCode(), r.err());
        Map<String, JsonNode> byName = new HashMap<>();
        for (JsonNode run : Json.MAPPER.readTree(r.out())) {
            byName.put(Path.of(run.get("folder").asText()).getParent().getFileName().toString(), run);
        }
        assertEquals("finished", byName.get("intact").get("status").asText());
        assertTrue(byName.get("intact").get("detail").isNull(), byName.get("intact").toString());
        assertEquals("damaged", byName.get("cut").get("status").asText());
        assertTrue(byName.get("cut").get("detail").asText().startsWith("results.json is not valid JSON"),
                byName.get("cut").toString());
        assertEquals("damaged", byName.get("linked").get("status").asText());
        assertTrue(byName.get("linked").get("detail").asText().startsWith("config.json is a link"),
                byName.get("linked").toString());
        assertEquals("damaged", byName.get("noresults").get("status").asText());
        assertEquals("results.json is listed as written but is missing", byName.get("noresults").get("detail")
                .asText());
        assertEquals("finished", byName.get("trimmed").get("status").asText());
        assertEquals("not in the folder (listed as written): results.md", byName.get("trimmed").get("detail").asText());
        assertEquals("finished", byName.get("nocheckpoint").get("status").asText());
        assertTrue(byName.get("nocheckpoint").get("detail").isNull(), byName.get("nocheckpoint").toString());
        assertEquals(before, snapshot(dir), "runs wrote, moved and removed nothing");
    }
}
