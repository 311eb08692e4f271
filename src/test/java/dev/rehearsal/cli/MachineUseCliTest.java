package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.Backends;
import dev.rehearsal.SchemaCheck;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.metrics.Phase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every run, compare and sweep ends with its machine use: one console line and a results field whose FLOPs are
 * 2 x the MACs of the records the command ran (every phase), whose fraction is those FLOPs over the wall time and
 * executors x threads x the one-thread peak measured in the same process, and which counts no run a resumed sweep
 * kept. No timing is asserted: only how the figures relate to each other and to the records.
 */
class MachineUseCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DATA = Path.of("data", "mnist").toAbsolutePath().toString();

    /** 2 x the MACs of every phase of a record. */
    private static long flopsOf(JsonNode record) {
        long macs = 0;
        for (Phase p : Phase.values()) {
            macs += record.path("macs").path(p.id()).asLong();
        }
        return 2 * macs;
    }

    /** What holds whatever the machine measured: the arithmetic, the peak's rounds, the ISA. */
    private static void assertConsistent(JsonNode use, long flops, int executors) {
        assertEquals(flops, use.get("flops").asLong(), use.toString());
        assertEquals(executors, use.get("executors").asInt());
        assertEquals(Backends.THREADS, use.get("threads").asInt());
        double peak = use.get("peak_gflops_one_thread").asDouble();
        double[] rounds = new double[use.at("/peak_measurement/rounds_gflops").size()];
        for (int i = 0; i < rounds.length; i++) {
            rounds[i] = use.at("/peak_measurement/rounds_gflops").get(i).asDouble();
        }
        assertEquals(5, rounds.length);
        Arrays.sort(rounds);
        assertEquals(rounds[2], peak, 0, "the peak is the median of its rounds");
        assertEquals(5, use.at("/peak_measurement/rounds_gflops_wall").size());
        assertEquals(NativeRuntime.isa(), use.at("/peak_measurement/onednn_isa").asText());
        assertEquals(executors * Backends.THREADS * peak, use.get("limit_gflops").asDouble(), 1e-9 * peak);
        double seconds = use.get("seconds").asDouble();
        assertTrue(seconds > 0, use.toString());
        assertEquals(flops / seconds / 1e9 / use.get("limit_gflops").asDouble(), use.get("fraction").asDouble(),
                1e-12);
        assertEquals(executors * seconds, use.at("/time/slot_seconds").asDouble(), 1e-9);
        // The runs were this process's threads: its CPU seconds since the command began, and the FLOPs per CPU
        // second over the one-thread peak.
        double cpu = use.get("process_cpu_seconds").asDouble();
        assertTrue(cpu > 0, use.toString());
        assertEquals(flops / cpu / 1e9 / peak, use.get("fraction_per_cpu_second").asDouble(), 1e-12);
    }

    @Test
    void aRunEndsWithItsMachineUseCountedFromItsRecord(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Cli r = Cli.run("run", "--strategy", "naive", "--quick", "--train-limit", "200", "--test-limit", "100",
                "--epochs", "1", "--quiet", "--data", DATA, "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode results = SchemaCheck.assertValid(out.resolve("results.json"));
        JsonNode record = JSON.readTree(out.resolve("runs").resolve("naive-seed1.json").toFile());
        JsonNode use = results.get("machine_use");
        assertTrue(flopsOf(record) > 0);
        assertConsistent(use, flopsOf(record), 1);
        assertEquals(1, use.get("runs_counted").asInt());
        assertEquals(0, use.get("runs_kept").asInt());
        assertEquals(List.of("native"), List.of(use.get("backends").get(0).asText()));
        assertTrue(use.get("seconds").asDouble() >= record.at("/seconds/total").asDouble(),
                "the wall time holds the run's own");
        for (Phase p : Phase.values()) {
            assertEquals(record.at("/seconds/" + p.id()).asDouble(), use.at("/time/phases/" + p.id() + "/seconds")
                    .asDouble(), 1e-6, p.id());
        }
        List<String> lines = r.out().strip().lines().toList();
        assertTrue(lines.get(lines.size() - 1).startsWith("machine use: "), r.out());
        assertTrue(Files.readString(out.resolve("results.md")).contains("## Machine use"));
        // The report shows it: the same FLOPs and fraction, and the solver's phase.
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<h2 id=\"machine-use\">Machine use</h2>"), "a machine-use section");
        String flops = String.format(java.util.Locale.ROOT, "%.3g", (double) flopsOf(record)).replace("e+0", "e")
                .replace("e+", "e");
        assertTrue(html.contains(flops + " FLOPs issued in "), flops);
        assertTrue(html.contains(String.format(java.util.Locale.ROOT, "%.1f%% of the limit",
                100 * use.get("fraction").asDouble())), "the fraction of results.json");
        assertTrue(html.contains("<td>solver training</td>"), "the phases' table");

        // A machine_use the report cannot read is refused in one line, naming the field.
        Path resultsFile = out.resolve("results.json");
        Files.writeString(resultsFile, Files.readString(resultsFile).replaceFirst("\"flops\" : [0-9]+", "\"flops\" : -4"));
        Cli bad = Cli.run("report", out.toString());
        assertEquals(3, bad.exitCode(), bad.err());
        assertTrue(bad.oneLineError() && bad.err().contains("machine_use.flops"), bad.err());
    }

    @Test
    void aJvmRunSaysItsPeakIsTheNativeSgemms(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Cli r = Cli.run("run", "--strategy", "naive", "--backend", "jvm", "--train-limit", "100", "--test-limit", "50",
                "--epochs", "1", "--quiet", "--data", DATA, "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode use = SchemaCheck.assertValid(out.resolve("results.json")).get("machine_use");
        assertConsistent(use, flopsOf(JSON.readTree(out.resolve("runs").resolve("naive-seed1.json").toFile())), 1);
        assertEquals("jvm", use.get("backends").get(0).asText());
        assertTrue(use.get("note").asText().contains("measured against the native SGEMM's peak"), use.toString());
        assertTrue(r.out().contains("measured against the native SGEMM's peak"), r.out());
    }

    @Test
    void aSweepCountsWhatItRanAndAResumedOneNothingItKept(@TempDir Path dir) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "data: " + DATA + "\ntrain-limit: 200\ntest-limit: 100\nepochs: 1\n"
                + "grid: {strategy: [naive], seed: [1, 2]}\n");
        Path out = dir.resolve("out");
        String[] sweep = {"sweep", "--config", grid.toString(), "--out", out.toString(), "--parallel", "1",
            "--threads", Integer.toString(Backends.THREADS), "--omp-wait",
            Backends.WAIT.name().toLowerCase(java.util.Locale.ROOT), "-q"};
        Cli first = Cli.run(sweep);
        assertEquals(0, first.exitCode(), first.err());
        long flops = 0;
        try (var files = Files.list(out.resolve("runs"))) {
            for (Path f : files.toList()) {
                flops += flopsOf(JSON.readTree(f.toFile()));
            }
        }
        JsonNode use = SchemaCheck.assertValid(out.resolve("sweep.json")).get("machine_use");
        assertConsistent(use, flops, 1);
        assertEquals(2, use.get("runs_counted").asInt());
        assertEquals(0, use.get("runs_kept").asInt());
        assertTrue(Files.readString(out.resolve("sweep.md")).contains("## Machine use"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("<h2 id=\"machine-use\">Machine use</h2>"),
                "the sweep's report is written again with its machine use");
        assertTrue(first.out().strip().lines().reduce((a, b) -> b).orElse("").startsWith("machine use: "),
                first.out());

        // A merge runs nothing and measures nothing: it keeps the machine use (and its machine) of the process that
        // ran the experiments, in sweep.json, sweep.md and the report, instead of dropping the only record of it.
        String usedBefore = SchemaCheck.assertValid(out.resolve("sweep.json")).get("machine_use").toString();
        String machineBefore = SchemaCheck.assertValid(out.resolve("sweep.json")).get("machine").toString();
        String mdSection = Files.readString(out.resolve("sweep.md"));
        mdSection = mdSection.substring(mdSection.indexOf("\n## Machine use\n"));
        Cli merged = Cli.run("sweep", "--config", grid.toString(), "--out", out.toString(), "--merge-only", "-q");
        assertEquals(0, merged.exitCode(), merged.err());
        JsonNode afterMerge = SchemaCheck.assertValid(out.resolve("sweep.json"));
        assertEquals(usedBefore, afterMerge.get("machine_use").toString());
        assertEquals(machineBefore, afterMerge.get("machine").toString());
        assertTrue(Files.readString(out.resolve("sweep.md")).endsWith(mdSection), "sweep.md keeps its section");
        assertTrue(Files.readString(out.resolve("report.html")).contains("<h2 id=\"machine-use\">Machine use</h2>"));

        Cli again = Cli.run(sweep); // both kept: this process ran nothing
        assertEquals(0, again.exitCode(), again.err());
        JsonNode resumed = SchemaCheck.assertValid(out.resolve("sweep.json")).get("machine_use");
        assertEquals(0, resumed.get("flops").asLong());
        assertEquals(0, resumed.get("runs_counted").asInt());
        assertEquals(2, resumed.get("runs_kept").asInt());
        assertTrue(resumed.get("note").asText().contains("not the 2 kept from an earlier process"), resumed.toString());
        assertTrue(again.out().contains("not the 2 kept from an earlier process"), again.out());
    }

    /**
     * report --efficiency reads an existing folder's finished records (sealed, never through a link) and writes
     * nothing: the FLOPs are theirs, the seconds their run seconds back to back, the peak measured now.
     */
    @Test
    void reportEfficiencyCountsAFoldersRecordsAndWritesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Cli r = Cli.run("run", "--strategy", "naive", "--train-limit", "100", "--test-limit", "50", "--epochs", "1",
                "--quiet", "--data", DATA, "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode record = JSON.readTree(out.resolve("runs").resolve("naive-seed1.json").toFile());
        java.util.Map<String, String> before = snapshot(out);
        Cli e = Cli.run("report", "--efficiency", out.toString());
        assertEquals(0, e.exitCode(), e.err());
        assertEquals(before, snapshot(out), "nothing written");
        String line = e.out().strip().lines().reduce((a, b) -> b).orElse("");
        assertTrue(line.startsWith(String.format(java.util.Locale.ROOT, "machine use: %.3g FLOPs issued in %.1f s "
                + "(records)", (double) flopsOf(record), record.at("/seconds/total").asDouble())), line);
        assertTrue(line.contains("1 executor x 1 thread x") || line.contains("1 executor x " + Backends.THREADS
                + " threads x"), line);

        // --json: the same count as one object, the record's FLOPs and seconds, and the folder it read.
        Cli j = Cli.run("report", "--efficiency", "--json", out.toString());
        assertEquals(0, j.exitCode(), j.err());
        assertEquals(before, snapshot(out), "nothing written");
        JsonNode doc = JSON.readTree(j.out());
        assertEquals(out.toString(), doc.at("/folders/0").asText(), doc.toString());
        assertEquals(flopsOf(record), doc.at("/machine_use/flops").asLong(), doc.toString());
        assertEquals(record.at("/seconds/total").asDouble(), doc.at("/machine_use/seconds").asDouble(), 1e-9);
        assertEquals("records", doc.at("/machine_use/wall_from").asText());
        assertEquals(1, doc.at("/machine_use/runs_counted").asInt());
        assertTrue(doc.path("cpu").isTextual() && doc.path("date").asText().matches("\\d{4}-\\d{2}-\\d{2}"),
                doc.toString());
        Cli jsonAlone = Cli.run("report", "--json", out.toString());
        assertEquals(2, jsonAlone.exitCode(), jsonAlone.err());
        assertTrue(jsonAlone.oneLineError() && jsonAlone.err().contains("--json goes with --efficiency"),
                jsonAlone.err());

        Cli refused = Cli.run("report", "--efficiency", dir.toString()); // no runs/ in it
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.oneLineError() && refused.err().contains("has no runs/ folder"), refused.err());
        Cli withOut = Cli.run("report", "--efficiency", out.toString(), "--out", dir.resolve("x").toString());
        assertEquals(2, withOut.exitCode(), withOut.err());
        assertTrue(withOut.oneLineError() && withOut.err().contains("--efficiency writes nothing"), withOut.err());

        Path runs = out.resolve("runs").resolve("naive-seed1.json");
        Files.writeString(runs, Files.readString(runs).replaceFirst("\"evaluation\" : [0-9]+", "\"evaluation\" : 1"));
        Cli forged = Cli.run("report", "--efficiency", out.toString());
        assertEquals(3, forged.exitCode(), forged.err());
        assertTrue(forged.oneLineError(), forged.err());
    }

    private static java.util.Map<String, String> snapshot(Path dir) throws Exception {
        java.util.Map<String, String> out = new java.util.TreeMap<>();
        try (var s = Files.walk(dir)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                out.put(dir.relativize(p).toString(), Arrays.toString(Files.readAllBytes(p)));
            }
        }
        return out;
    }
}
