package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input: a one-line error and a documented non-zero exit, never a stack trace. */
class BadInputTest {

    private static void assertFails(Cli r, int code, String phrase) {
        assertEquals(code, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), "one line, got: " + r.err());
        assertTrue(r.err().contains(phrase), "expected '" + phrase + "' in: " + r.err());
        assertTrue(!r.err().contains("\tat "), "no stack trace");
    }

    @Test
    void invalidConfigurationsNameWhatIsWrong() {
        assertFails(Cli.run("run", "--epochs", "-2"), RehearsalException.USAGE, "'epochs'");
        assertFails(Cli.run("run", "--strategy", "ewc"), RehearsalException.USAGE, "'strategy'");
        assertFails(Cli.run("run", "--preset", "huge"), RehearsalException.USAGE, "'preset'");
        assertFails(Cli.run("compare", "--strategies", "er,sgd"), RehearsalException.USAGE, "'strategies'");
        assertFails(Cli.run("run", "--per-class", "100000", "--quiet"), RehearsalException.USAGE,
                "exceeds the");
        assertFails(Cli.run("run", "--lr", "1e9"), RehearsalException.USAGE, "'lr'");
        assertFails(Cli.run("run", "--resume", "/nonexistent/folder"), RehearsalException.USAGE, "nothing to resume");
    }

    @Test
    void missingAndCorruptDataSayWhatToDo(@TempDir Path dir) throws Exception {
        assertFails(Cli.run("run", "--data", dir.resolve("none").toString(), "--quiet"), RehearsalException.DATA,
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
        assertFails(Cli.run("run", "--data", data.toString(), "--quiet"), RehearsalException.DATA, "train-images");
        // Wrong magic number.
        images[3] = 0x08;
        Files.write(data.resolve("train-images-idx3-ubyte"), images);
        assertFails(Cli.run("run", "--data", data.toString(), "--quiet"), RehearsalException.DATA, "magic");
    }

    @Test
    void nativeMemoryExhaustionNamesTheBlock(@TempDir Path dir) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dorg.bytedeco.javacpp.maxBytes=30000000", "-Dorg.bytedeco.javacpp.maxRetries=0",
                "-cp", System.getProperty("java.class.path"), "dev.rehearsal.cli.Main", "run", "--strategy", "er",
                "--quiet", "--out", dir.resolve("out").toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(dir.resolve("out.txt").toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(RehearsalException.RUN, p.exitValue(), err);
        assertEquals(1, err.strip().lines().count(), err);
        assertTrue(err.contains("out of memory") && err.contains("block mnist-train.images"), err);
    }
}
