package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input: a one-line error naming what is wrong and a documented exit code (2 invalid arguments or
 * configuration, 3 missing or corrupt data, 4 a failed run), never a stack trace.
 *
 * <p>Most cases run in-process ({@link Cli}), which shows the exit code and the message. That nothing else
 * reaches the terminal (a stack trace printed by the JVM for an uncaught exception, a library's warning) only
 * a real process can show: {@link #aRealProcessPrintsOneLineAndNoStackTrace} starts the CLI in child JVMs
 * for representative cases of exit codes 2 and 3, and {@link #nativeMemoryExhaustionNamesTheBlock} for 4.
 */
class BadInputTest {

    private static final java.util.concurrent.atomic.AtomicInteger OUTS = new java.util.concurrent.atomic.AtomicInteger();

    /** The class's scratch folder, removed by JUnit after the last test: each refused run gets a folder in it. */
    @TempDir
    static Path outs;

    /**
     * The in-process CLI, with a fresh results folder for commands that write one: a refused run must not
     * depend on what an earlier run left in the default folder.
     */
    private static Cli cli(String... args) {
        java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of(args));
        boolean writes = java.util.Set.of("run", "compare", "scale", "profile").contains(args[0]);
        if (writes && !all.contains("--out") && !all.contains("--resume")) {
            try {
                all.add("--out");
                all.add(java.nio.file.Files.createDirectories(outs.resolve("bad-input-" + OUTS.incrementAndGet()))
                        .resolve("out").toString());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return Cli.run(all.toArray(String[]::new));
    }

    private static void assertFails(Cli r, int code, String... phrases) {
        assertEquals(code, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), "one line, got: " + r.err());
        assertTrue(r.err().startsWith("rehearsal: "), r.err());
        for (String phrase : phrases) {
            assertTrue(r.err().contains(phrase), "expected '" + phrase + "' in: " + r.err());
        }
    }

    @Test
    void invalidConfigurationsNameWhatIsWrong() {
        assertFails(cli("run", "--epochs", "-2"), RehearsalException.USAGE, "'epochs'");
        assertFails(cli("run", "--strategy", "bogus"), RehearsalException.USAGE, "'strategy'");
        assertFails(cli("run", "--preset", "huge"), RehearsalException.USAGE, "'preset'");
        assertFails(cli("compare", "--strategies", "er,sgd"), RehearsalException.USAGE, "'strategies'");
        assertFails(cli("run", "--per-class", "100000", "--quiet"), RehearsalException.USAGE,
                "exceeds the");
        assertFails(cli("run", "--lr", "1e9"), RehearsalException.USAGE, "'lr'");
        assertFails(cli("run", "--resume", "/nonexistent/folder"), RehearsalException.USAGE, "nothing to resume");
        assertFails(cli("run", "--strategy", "cgr", "--generation", "pool"), RehearsalException.USAGE,
                "'generation': pool", "(strategy cgr generates its replay", "use on-the-fly");
        assertFails(cli("compare", "--strategies", "gr,cgr", "--generation", "pool"), RehearsalException.USAGE,
                "'generation': pool", "(strategy cgr generates its replay", "use on-the-fly");
    }

    /**
     * A value only a strategy's construction can judge (a budget against the sample size, a per-class count
     * against a class's samples) stops compare before its first run, not after the runs listed before the
     * strategy that refuses it, and fails the dry run the same way; without the data the dry run says it could not
     * check them.
     */
    @Test
    void valuesOnlyAStrategyCanJudgeAreRefusedBeforeAnythingRuns(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("budget");
        Cli r = Cli.run("compare", "--strategies", "naive,joint,er", "--replay-budget", "1", "--quick", "--out",
                out.toString());
        assertFails(r, RehearsalException.USAGE, "invalid value for 'replay-budget': 1 bytes cannot hold one sample");
        assertFalse(Files.exists(out.resolve("runs")) || Files.exists(out.resolve("results.json")),
                "naive and joint must not have run: " + r.out());
        assertFalse(r.err().contains("naive"), r.err());

        Path few = dir.resolve("few");
        assertFails(Cli.run("compare", "--strategies", "naive,er", "--train-limit", "100", "--per-class", "50",
                "--quick", "--out", few.toString()), RehearsalException.USAGE, "invalid value for 'per-class': 50 "
                + "exceeds the");
        assertFalse(Files.exists(few.resolve("runs")));

        Cli dry = Cli.run("compare", "--strategies", "naive,er", "--seeds", "1,2", "--train-limit", "100",
                "--per-class", "50", "--quick", "--dry-run");
        assertFails(dry, RehearsalException.USAGE, "'per-class': 50 exceeds the");
        assertEquals("", dry.out(), "a refused dry run prints nothing but the refusal");

        Cli fits = Cli.run("compare", "--strategies", "naive,er", "--seeds", "1,2", "--train-limit", "100",
                "--per-class", "5", "--quick", "--dry-run");
        assertEquals(0, fits.exitCode(), fits.err());
        assertTrue(fits.out().contains("checked on the data: every run's scenario and strategy build"), fits.out());

        Path empty = Files.createDirectories(dir.resolve("no-data"));
        Cli blind = Cli.run("compare", "--strategies", "er", "--replay-budget", "1", "--quick", "--dry-run", "--data",
                empty.toString());
        assertEquals(0, blind.exitCode(), blind.err());
        assertTrue(blind.out().contains("not checked: what depends on the data (replay budgets, stored samples per "
                + "class), since data directory " + empty + " lacks"), blind.out());
        assertTrue(blind.out().contains("not checked against the data"), blind.out());
    }

    /**
     * Every float-typed option, checked as the float32 the kernels compute with: NaN and infinities, values
     * that become 0 or a subnormal number in float32, and values that round onto an excluded bound.
     */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "--lr           | 1e-320        | 'lr': 1.0E-320     | becomes 0.0",
        "--lr           | 1e-40         | 'lr': 1.0E-40      | a subnormal number",
        "--lr           | NaN           | 'lr': NaN          | a finite number in (0, 1000]",
        "--lr           | -Infinity     | 'lr': -Infinity    | a finite number",
        "--lr           | 0             | 'lr': 0.0          | in (0, 1000]",
        "--vae-lr       | 1e-320        | 'vae-lr': 1.0E-320 | becomes 0.0",
        "--vae-lr       | Infinity      | 'vae-lr': Infinity | a finite number",
        "--momentum     | 0.99999999999 | 'momentum'         | float32, where 0.99999999999 becomes 1.0",
        "--momentum     | 1e-50         | 'momentum': 1.0E-50| becomes 0.0",
        "--momentum     | NaN           | 'momentum': NaN    | a finite number in [0, 1)",
        "--replay-ratio | NaN           | 'replay-ratio'     | a finite number in [0, 16]",
        "--replay-ratio | 1e-46         | 'replay-ratio'     | becomes 0.0",
        "--replay-ratio | 17            | 'replay-ratio'     | in [0, 16]",
        "--temperature  | Infinity      | 'temperature'      | a finite number in (0, 100]",
        "--temperature  | 1e-39         | 'temperature'      | a subnormal number",
        "--temperature  | -0.0          | 'temperature'      | in (0, 100]",
    })
    void floatOptionsAreCheckedAsFloat32(String option, String value, String key, String reason) {
        assertFails(cli("run", option, value), RehearsalException.USAGE, "invalid value for " + key.strip(),
                reason.strip());
    }

    /** Schedule parameters: NaN compares false with every bound, so each bound also needs "finite". */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "step:10:NaN      | GAMMA NaN",
        "step:10:Infinity | GAMMA Infinity",
        "step:10:1e-50    | GAMMA 1.0E-50",
        "step:0:0.5       | EVERY 0",
        "exp:NaN          | got NaN",
        "exp:-Infinity    | got -Infinity",
        "exp:1e-320       | got 1.0E-320",
        "exp:1.5          | 0 < GAMMA <= 1",
        "step:1.5:0.5     | integer EVERY",
        "cosine           | use constant, step:EVERY:GAMMA",
    })
    void scheduleParametersMustBeFiniteNumbers(String schedule, String reason) {
        assertFails(cli("run", "--lr-schedule", schedule.strip()), RehearsalException.USAGE,
                "invalid value for 'lr-schedule': " + schedule.strip(), reason.strip());
    }

    /** Integer options: picocli refuses what is not an integer, naming the option. */
    @ParameterizedTest
    @CsvSource({"--epochs, NaN", "--batch, Infinity", "--per-class, 1e3", "--seed, 1.5"})
    void integerOptionsRefuseNonIntegers(String option, String value) {
        assertFails(cli("run", option, value), RehearsalException.USAGE, option, value);
    }

    /** List options whose repeats make no sense: a repeated seed or strategy would be counted twice. */
    @Test
    void listOptionsRefuseRepeats() {
        assertFails(cli("compare", "--seeds", "1,2,1"), RehearsalException.USAGE, "'seeds': [1, 2, 1]",
                "1 is repeated");
        assertFails(cli("compare", "--strategies", "er,gr,er"), RehearsalException.USAGE, "'strategies'",
                "er is repeated");
        assertFails(cli("compare", "--strategies", "er,ER"), RehearsalException.USAGE, "'strategies'",
                "er is repeated");
        assertFails(cli("scale", "--strategies", "gr,gr"), RehearsalException.USAGE, "'strategies'",
                "gr is repeated");
        assertFails(cli("run", "--class-order", "0,1,1,2"), RehearsalException.USAGE, "'class-order'",
                "1 is repeated");
        assertFails(cli("run", "--class-order", "0,10"), RehearsalException.USAGE, "'class-order'",
                "0 to 9");
        assertFails(cli("run", "--dataset", "fashion", "--class-order=-1,0"), RehearsalException.USAGE,
                "'class-order'", "classes of fashion, 0 to 9");
        assertFails(cli("run", "--classes-per-task", "3"), RehearsalException.USAGE, "'classes-per-task': 3",
                "a divisor of the 10 classes");
    }

    /** scale fits a growth: through one or two points, or a repeated one, any fit is "exact" and says nothing. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "2,2,5     | 2 is repeated",
        "5,10,5,20 | 5 is repeated",
        "2,5       | at least three distinct task counts",
        "5         | at least three distinct task counts",
        "0,2,5     | between 1 and 1000",
        "2,5,1001  | between 1 and 1000",
    })
    void scaleNeedsThreeDistinctTaskCounts(String tasks, String reason) {
        assertFails(cli("scale", "--tasks", tasks.strip()), RehearsalException.USAGE,
                "invalid value for 'tasks': [" + tasks.strip().replace(",", ", ") + "]", reason.strip());
    }

    @Test
    void missingAndCorruptDataSayWhatToDo(@TempDir Path dir) throws Exception {
        assertFails(cli("run", "--data", dir.resolve("none").toString(), "--quiet"), RehearsalException.DATA,
                "fetch");
        // A data directory whose training images are truncated.
        Path data = dir.resolve("mnist");
        Files.createDirectories(data);
        for (String f : new String[] {"train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
            "t10k-labels-idx1-ubyte"}) {
            Files.copy(Path.of("data", "mnist", f), data.resolve(f));
        }
        byte[] images = Files.readAllBytes(data.resolve("train-images-idx3-ubyte"));
        Files.write(data.resolve("train-images-idx3-ubyte"), java.util.Arrays.copyOf(images, 100_000));
        assertFails(cli("run", "--data", data.toString(), "--quiet"), RehearsalException.DATA, "train-images");
        // Wrong magic number.
        images[3] = 0x08;
        Files.write(data.resolve("train-images-idx3-ubyte"), images);
        assertFails(cli("run", "--data", data.toString(), "--quiet"), RehearsalException.DATA, "magic");
    }

    @Test
    void aLabelOutsideTheClassesIsCorruptDataNotADroppedSample(@TempDir Path dir) throws Exception {
        Path data = tinyMnist(dir.resolve("mnist"), (byte) 12);
        assertFails(cli("run", "--data", data.toString(), "--quiet"), RehearsalException.DATA,
                data.resolve("train-labels-idx1-ubyte").toString(), "label 12 at index 2",
                "outside the 10 classes 0 to 9");
    }

    @Test
    void trainAndTestImagesOfDifferentSizesAreOneLineOfData(@TempDir Path dir) throws Exception {
        // Every class in both splits, so only the image sizes are wrong: 10x10 to train, 28x28 to test.
        Path data = Files.createDirectories(dir.resolve("mnist"));
        byte[] labels = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        Files.write(data.resolve("train-images-idx3-ubyte"), idx(new int[] {10, 10, 10}, new byte[10 * 100]));
        Files.write(data.resolve("train-labels-idx1-ubyte"), idx(new int[] {10}, labels));
        Files.write(data.resolve("t10k-images-idx3-ubyte"), idx(new int[] {10, 28, 28}, new byte[10 * 784]));
        Files.write(data.resolve("t10k-labels-idx1-ubyte"), idx(new int[] {10}, labels));
        assertFails(cli("run", "--strategy", "naive", "--data", data.toString(), "--quiet", "--out",
                dir.resolve("out").toString()),
                RehearsalException.DATA, data.resolve("t10k-images-idx3-ubyte") + " holds 28x28 images",
                data.resolve("train-images-idx3-ubyte") + " holds 10x10");
    }

    /**
     * The CLI in child JVMs, one per case, started together: exit code, exactly one line on stderr starting
     * with "rehearsal: ", nothing on stdout, and no trace of an exception.
     */
    @Test
    void aRealProcessPrintsOneLineAndNoStackTrace(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("experiment.yaml");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13};
        Files.write(garbage, png);
        Path duplicate = dir.resolve("duplicate.json");
        Files.writeString(duplicate, "{\"lr\": 0.001,\n \"lr\": 0.01}\n");
        Path badLabels = tinyMnist(dir.resolve("mnist"), (byte) 200);
        Path out = dir.resolve("out");
        List<Child> children = List.of(
                Child.start(dir, 2, List.of("'lr': 1.0E-320", "becomes 0.0"), "run", "--lr", "1e-320"),
                Child.start(dir, 2, List.of("'lr-schedule': exp:NaN"), "run", "--lr-schedule", "exp:NaN"),
                Child.start(dir, 2, List.of(garbage + " is not a YAML or JSON text file (binary bytes at offset 0"),
                        "compare", "--config", garbage.toString()),
                Child.start(dir, 2, List.of("key 'lr' is given twice (lines 1 and 2)", duplicate.toString()),
                        "compare", "--config", duplicate.toString()),
                Child.start(dir, 3, List.of("label 200 at index 2"), "run", "--data", badLabels.toString(),
                        "--quiet", "--out", out.resolve("labels").toString()),
                Child.start(dir, 3, List.of(dir.resolve("none") + " does not exist", "fetch"), "run", "--data",
                        dir.resolve("none").toString(), "--quiet", "--out", out.resolve("none").toString()));
        for (Child c : children) {
            c.assertCleanFailure();
        }
    }

    @Test
    void nativeMemoryExhaustionNamesTheBlock(@TempDir Path dir) throws Exception {
        Child c = Child.start(dir, 4, List.of("out of memory", "block mnist-train.images"),
                List.of("-Dorg.bytedeco.javacpp.maxBytes=30000000", "-Dorg.bytedeco.javacpp.maxRetries=0"),
                "run", "--strategy", "er", "--quiet", "--out", dir.resolve("out").toString());
        c.assertCleanFailure();
    }

    /** A real process of the CLI, its output captured to files, and what its failure must look like. */
    private record Child(String command, Process process, Path out, Path err, int code, List<String> phrases) {
        private static int started;

        static Child start(Path dir, int code, List<String> phrases, String... args) throws IOException {
            return start(dir, code, phrases, List.of(), args);
        }

        static Child start(Path dir, int code, List<String> phrases, List<String> jvmOptions, String... args)
                throws IOException {
            List<String> cmd = dev.rehearsal.ChildJvm.java();
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.rehearsal.cli.Main"));
            cmd.addAll(List.of(args));
            int n = started++;
            Path out = dir.resolve("child" + n + ".out");
            Path err = dir.resolve("child" + n + ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("REHEARSAL_DEBUG"); // it would print stack traces on purpose
            return new Child(String.join(" ", args), pb.start(), out, err, code, phrases);
        }

        void assertCleanFailure() throws Exception {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), command + " did not finish");
            String stderr = Files.readString(err);
            String stdout = Files.readString(out);
            String both = command + "\nstderr: " + stderr + "\nstdout: " + stdout;
            assertEquals(code, process.exitValue(), both);
            assertEquals(1, stderr.strip().lines().count(), "one line on stderr: " + both);
            assertTrue(stderr.startsWith("rehearsal: "), both);
            assertEquals("", stdout, "nothing on stdout: " + both);
            for (String p : phrases) {
                assertTrue(stderr.contains(p), "expected '" + p + "': " + both);
            }
            for (String trace : new String[] {"\tat ", "Exception in thread", "Caused by"}) {
                assertFalse(stderr.contains(trace), "no stack trace: " + both);
            }
        }
    }

    /**
     * The four MNIST file names holding three 28x28 images per split; the third training label is
     * {@code badLabel} (the test split is intact).
     */
    private static Path tinyMnist(Path dir, byte badLabel) throws IOException {
        Files.createDirectories(dir);
        for (String split : new String[] {"train", "t10k"}) {
            Files.write(dir.resolve(split + "-images-idx3-ubyte"), idx(new int[] {3, 28, 28}, new byte[3 * 784]));
            byte[] labels = {0, 1, split.equals("train") ? badLabel : 2};
            Files.write(dir.resolve(split + "-labels-idx1-ubyte"), idx(new int[] {3}, labels));
        }
        return dir;
    }

    /** An unsigned-byte IDX file: magic 0x0000 08 rank, big-endian dimensions, then the data. */
    private static byte[] idx(int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(0x0800 | dims.length);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    /** A key set to null is refused by name, on every command that reads a config (run used to throw a NullPointerException). */
    @Test
    void aNullValueIsRefusedByKey(@TempDir Path dir) throws IOException {
        Path strategy = Files.writeString(dir.resolve("strategy.yaml"), "strategy: null\n");
        assertFails(cli("run", "--config", strategy.toString()), RehearsalException.USAGE, "'strategy' is null");
        assertFails(cli("compare", "--config", strategy.toString()), RehearsalException.USAGE, "'strategy' is null");
        for (String key : List.of("optimizer", "scenario", "seeds", "lr", "per-class", "storage", "class-order")) {
            Path f = Files.writeString(dir.resolve(key + ".yaml"), key + ":\n");
            assertFails(cli("run", "--config", f.toString()), RehearsalException.USAGE, "'" + key + "' is null");
        }
        Path json = Files.writeString(dir.resolve("head.json"), "{\"head\": null}");
        assertFails(cli("run", "--config", json.toString()), RehearsalException.USAGE, "'head' is null");
        Path grid = Files.writeString(dir.resolve("grid.yaml"), "grid:\n  optimizer: [sgd, null]\n");
        assertFails(cli("sweep", "--config", grid.toString(), "--dry-run", "--threads", "1"), RehearsalException.USAGE,
                "'optimizer' is null");
    }

    /** YAML's second document would be dropped by the parser: config and grid files with one are refused. */
    @Test
    void aSecondYamlDocumentIsRefused(@TempDir Path dir) throws IOException {
        Path config = Files.writeString(dir.resolve("two.yaml"), "strategy: er\n---\nstrategy: gr\n");
        assertFails(cli("run", "--config", config.toString()), RehearsalException.USAGE, "more than one YAML document",
                "line 3");
        Path grid = Files.writeString(dir.resolve("grid.yaml"), "grid:\n  seed: [1, 2]\n---\ngrid:\n  seed: [3]\n");
        assertFails(cli("sweep", "--config", grid.toString(), "--dry-run", "--threads", "1"), RehearsalException.USAGE,
                "more than one YAML document");
    }

    /**
     * A grid of 10^12 experiments is counted, not expanded (it used to expand for minutes and run out of
     * memory): refused with the count and the limit.
     */
    @Test
    void aGridAboveTheLimitIsRefusedBeforeItIsExpanded(@TempDir Path dir) throws IOException {
        StringBuilder yaml = new StringBuilder("grid:\n");
        for (String key : List.of("seed", "per-class", "batch", "epochs", "vae-epochs", "iterations", "vae-iterations",
                "pool-size", "train-limit", "test-limit", "tasks", "classes-per-task")) {
            yaml.append("  ").append(key).append(": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n");
        }
        Path grid = Files.writeString(dir.resolve("huge.yaml"), yaml);
        assertFails(cli("sweep", "--config", grid.toString(), "--dry-run", "--threads", "1"), RehearsalException.USAGE,
                "expands to 1000000000000 experiments", "more than the " + dev.rehearsal.sweep.Grid.MAX_EXPERIMENTS);
        // Points count too: each crosses the lists it does not set.
        Path points = Files.writeString(dir.resolve("points.yaml"), "grid:\n  seed: ["
                + java.util.stream.IntStream.rangeClosed(1, 101).mapToObj(Integer::toString)
                        .collect(java.util.stream.Collectors.joining(", ")) + "]\n  per-class: ["
                + java.util.stream.IntStream.rangeClosed(1, 100).mapToObj(Integer::toString)
                        .collect(java.util.stream.Collectors.joining(", ")) + "]\npoints:\n  - {per-class: 5}\n");
        assertFails(cli("sweep", "--config", points.toString(), "--dry-run", "--threads", "1"),
                RehearsalException.USAGE, "expands to 10201 experiments");
    }

    /**
     * A task count on a split scenario was accepted, ignored (its tasks follow from the class order) and recorded
     * as if it had run: refused in one line, on the command line and in a config file; a permuted scenario takes it.
     */
    @Test
    void aTaskCountOnASplitScenarioIsRefused(@TempDir Path dir) throws IOException {
        assertFails(cli("run", "--strategy", "naive", "--tasks", "2", "--dry-run"), RehearsalException.USAGE,
                "invalid value for 'tasks': 2", "--class-order 0,1,2,3");
        Path config = Files.writeString(dir.resolve("split.yaml"), "strategy: naive\ntasks: 3\n");
        assertFails(cli("run", "--config", config.toString(), "--dry-run"), RehearsalException.USAGE,
                "invalid value for 'tasks': 3");
        Cli permuted = cli("run", "--strategy", "naive", "--scenario", "permuted", "--tasks", "2", "--dry-run",
                "--out", dir.resolve("out").toString());
        assertEquals(0, permuted.exitCode(), permuted.err());
    }

    /** An infinity in a grid list names its key (it used to be reported under '?'). */
    @Test
    void anInfinityInAGridListNamesItsKey(@TempDir Path dir) throws IOException {
        Path grid = Files.writeString(dir.resolve("grid.yaml"), "grid:\n  lr: [0.001, .inf]\n");
        Cli r = cli("sweep", "--config", grid.toString(), "--dry-run", "--threads", "1");
        assertFails(r, RehearsalException.USAGE, "invalid value for 'lr': .inf", "line 2");
        assertFalse(r.err().contains("'?'"), r.err());
        Path points = Files.writeString(dir.resolve("points.yaml"), "points:\n  - {temperature: -.inf}\n");
        assertFails(cli("sweep", "--config", points.toString(), "--dry-run", "--threads", "1"), RehearsalException.USAGE,
                "invalid value for 'temperature': -.inf");
    }
}
