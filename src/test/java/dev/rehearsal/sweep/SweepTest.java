package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.ChildJvm;
import dev.rehearsal.cli.ChildCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sweeps end to end, each in a child JVM of its own (embedded Spark runs there as it does for users, with 2
 * experiments at once x 1 thread, which this test JVM's native runtime, fixed at 2 threads, could not host):
 * a short 2 strategies x 2 seeds grid on limited real MNIST. The uninterrupted sweep is the reference for
 * the killed-and-resumed one and for the cluster one.
 */
class SweepTest {
    /**
     * The folder this class and ClusterSweepTest share, created by the reference sweep and removed by
     * {@link #cleanUp}: only named here, since other tests use this class's command builders without running it
     * (a folder created when the class loads would be left behind by them).
     */
    static final Path WORK = Path.of(System.getProperty("java.io.tmpdir"))
            .resolve("rehearsal-sweep-test-" + ProcessHandle.current().pid());
    static final Path GRID = WORK.resolve("grid.yaml");
    static final Path REFERENCE = WORK.resolve("reference");
    static ChildCli reference;

    @BeforeAll
    static synchronized void runTheReferenceSweep() throws Exception {
        if (reference != null) {
            return;
        }
        Path data = Path.of("data/mnist").toAbsolutePath();
        Files.createDirectories(WORK);
        Files.writeString(GRID, """
                # a short configuration: seconds per experiment
                data: %s
                train-limit: 1500
                test-limit: 300
                epochs: 1
                grid:
                  strategy: [naive, er]
                  seed: [1, 2]
                """.formatted(data));
        reference = sweep("--out", REFERENCE.toString());
        assertEquals(0, reference.exitCode(), reference.err());
    }

    @AfterAll
    static synchronized void cleanUp() throws Exception {
        reference = null;
        if (!Files.exists(WORK)) {
            return;
        }
        try (Stream<Path> s = Files.walk(WORK)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** The child's command: the test JVM's class path and Spark's --add-opens flags (surefire's argLine). */
    static List<String> command(String... args) {
        return command(ChildJvm.java(), args);
    }

    /** The same, starting with {@code java} (a child to kill gets a temporary folder of its own). */
    static List<String> command(List<String> jvm, String... args) {
        List<String> cmd = childCommand(jvm, "--config", GRID.toString(), "--parallel", "2", "--threads", "1");
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@code rehearsal sweep ARGS} in a child JVM with the test JVM's class path and Spark's flags. */
    static List<String> childCommand(String... args) {
        return childCommand(ChildJvm.java(), args);
    }

    private static List<String> childCommand(List<String> jvm, String... args) {
        List<String> cmd = new ArrayList<>(jvm);
        cmd.addAll(ChildJvm.sparkFlags());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.rehearsal.cli.Main", "sweep"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /**
     * Under spark-submit the process gets its master as the {@code spark.master} system property (client mode):
     * the sweep runs on that master, refuses {@code --parallel}, and merges the same table as the embedded run.
     */
    @Test
    void underSparkSubmitTheSweepRunsOnItsMaster() throws Exception {
        List<String> cmd = command("--out", WORK.resolve("submitted").toString());
        int parallel = cmd.indexOf("--parallel");
        cmd.remove(parallel + 1);
        cmd.remove(parallel);
        cmd.add(1, "-Dspark.master=local[2]");
        cmd.add(2, "-Dspark.submit.deployMode=client");
        Path out = Files.createTempFile(WORK, "child", ".out");
        Path err = Files.createTempFile(WORK, "child", ".err");
        ChildCli r = ChildCli.finish(new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .start(), out, err);
        assertEquals(0, r.exitCode(), r.err());
        assertTrue((r.out() + r.err()).contains("spark-submit's master local[2]"), r.out() + r.err());
        assertEquals(Files.readAllLines(REFERENCE.resolve("sweep.csv")),
                Files.readAllLines(WORK.resolve("submitted").resolve("sweep.csv")));

        List<String> withParallel = command("--out", WORK.resolve("submitted-parallel").toString());
        withParallel.add(1, "-Dspark.master=local[2]");
        Process p = new ProcessBuilder(withParallel).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        ChildCli refused = ChildCli.finish(p, out, err);
        assertEquals(2, refused.exitCode(), refused.err());
        assertTrue(refused.err().contains("under spark-submit"), refused.err());
    }

    static ChildCli sweep(String... args) throws Exception {
        Files.createDirectories(WORK);
        Path out = Files.createTempFile(WORK, "child", ".out");
        Path err = Files.createTempFile(WORK, "child", ".err");
        Process p = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return ChildCli.finish(p, out, err);
    }

    @Test
    void theMergedCsvHoldsEveryRecordsAccuracyMatrix() throws Exception {
        ObjectMapper json = new ObjectMapper();
        List<String> csv = Files.readAllLines(REFERENCE.resolve("sweep.csv"));
        assertEquals("id,strategy,seed,class_order,trained_through_task,task,accuracy,validation_accuracy,short",
                csv.get(0));
        Map<String, String> rows = new HashMap<>();
        for (String line : csv.subList(1, csv.size())) {
            String[] f = line.split(",");
            rows.put(f[0] + "/" + f[4] + "/" + f[5], f[1] + "," + f[2] + "," + f[6]);
        }
        List<Path> records;
        try (Stream<Path> s = Files.list(REFERENCE.resolve("runs"))) {
            records = s.sorted().toList();
        }
        assertEquals(4, records.size(), "2 strategies x 2 seeds");
        assertEquals(4 * 5 * 5, rows.size(), "one row per experiment x trained-through task x evaluated task");
        for (Path f : records) {
            JsonNode r = json.readTree(f.toFile());
            String id = r.get("id").asText();
            assertEquals(f.getFileName().toString(), id + ".json");
            assertEquals("finished", r.get("status").asText());
            assertEquals(4, r.get("schema_version").asInt());
            dev.rehearsal.SchemaCheck.assertValid(f);
            assertTrue(r.get("machine").get("cores").asInt() > 0);
            for (int i = 0; i < 5; i++) {
                for (int j = 0; j < 5; j++) {
                    assertEquals(r.get("strategy").asText() + "," + r.get("seed").asText() + ","
                            + r.get("accuracy_matrix").get(i).get(j).asText(), rows.get(id + "/" + (i + 1) + "/" + (j + 1)));
                }
            }
        }
        JsonNode sweep = dev.rehearsal.SchemaCheck.assertValid(REFERENCE.resolve("sweep.json"));
        assertEquals(4, sweep.get("experiments").size());
        JsonNode summary = dev.rehearsal.SchemaCheck.assertValid(REFERENCE.resolve("results.json"));
        assertEquals(2, summary.get("results").size(), "one entry per grid point, over its seeds");
        String md = Files.readString(REFERENCE.resolve("sweep.md"));
        assertTrue(md.contains("| naive |") && md.contains("| er |") && md.contains(" ± "), md);
        assertTrue(Files.isRegularFile(REFERENCE.resolve("report.html")));
    }

    @Test
    void aKilledSweepRunsOnlyWhatWasMissingAndEndsWithTheSameTable() throws Exception {
        Path killed = WORK.resolve("killed");
        Path log = WORK.resolve("killed.log");
        // Killed: its temporary files (Spark's folders) must be inside WORK, which cleanUp removes.
        List<String> jvm = ChildJvm.java(Files.createDirectories(WORK.resolve("killed-tmp")));
        Process p = new ProcessBuilder(command(jvm, "--out", killed.toString())).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        Path runs = killed.resolve("runs");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (p.isAlive() && System.nanoTime() < deadline && count(runs) == 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
        }
        assertTrue(p.isAlive(), "the sweep must still run when its first record appears: " + Files.readString(log));
        p.destroyForcibly(); // SIGKILL
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        Map<Path, byte[]> before = new HashMap<>();
        try (Stream<Path> s = Files.list(runs)) {
            for (Path f : s.filter(f -> f.toString().endsWith(".json")).toList()) {
                before.put(f, Files.readAllBytes(f));
            }
        }
        int kept = before.size();
        assertTrue(kept >= 1 && kept < 4, "killed mid-way: " + kept + " records");

        ChildCli again = sweep("--out", killed.toString());
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.err().contains("4 experiments, " + kept + " already finished, running " + (4 - kept)),
                again.err());
        for (Map.Entry<Path, byte[]> e : before.entrySet()) {
            assertTrue(java.util.Arrays.equals(e.getValue(), Files.readAllBytes(e.getKey())),
                    e.getKey() + " was kept, not run again");
        }
        assertEquals(Files.readString(REFERENCE.resolve("sweep.csv")), Files.readString(killed.resolve("sweep.csv")));
        assertEquals(table(REFERENCE), table(killed), "the same ACC table (times aside)");
    }

    /** sweep.md without the time column (the only one that depends on the run). */
    static List<String> table(Path dir) throws Exception {
        return Files.readAllLines(dir.resolve("sweep.md")).stream().filter(l -> l.startsWith("| "))
                .map(l -> l.substring(0, l.lastIndexOf(" | ", l.length() - 3))).toList();
    }

    static long count(Path runs) throws Exception {
        if (!Files.isDirectory(runs)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(runs)) {
            return s.filter(f -> f.toString().endsWith(".json") && !f.getFileName().toString().startsWith(".")).count();
        }
    }
}
