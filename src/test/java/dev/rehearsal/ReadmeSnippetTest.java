package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.experiment.ResultsCsv;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's pandas snippet ("Results files") runs as printed on the results.csv of a real compare (the
 * report fixture's results.json, written by compare --quick, as its CSV), in a run folder as a compare without
 * --out leaves it, and draws a PNG. CI installs pandas
 * and matplotlib (.ci/run); the test uses the first python3 that has them: the one on the PATH, else Debian's.
 */
class ReadmeSnippetTest {
    private static final Pattern SNIPPET = Pattern.compile(
            "<!-- readme:pandas-snippet:begin -->\\n```python\\n(.*?)```\\n<!-- readme:pandas-snippet:end -->",
            Pattern.DOTALL);

    @Test
    void thePandasSnippetDrawsTheStandardFigure(@TempDir Path dir) throws Exception {
        Matcher m = SNIPPET.matcher(Files.readString(Path.of("README.md")));
        assertTrue(m.find(), "the README has the snippet between its markers");
        Files.writeString(dir.resolve("snippet.py"), m.group(1));
        // As a compare without --out leaves it: a run folder of its own, and results/compare/latest naming it.
        try (ResultsFolder run = RunFolders.openNew(dir.resolve("results/compare"), "compare")) {
            AtomicFiles.write(run.dir().resolve("results.csv"), ResultsCsv.of(new ObjectMapper().readTree(
                    Path.of("src/test/resources/report/results.json").toFile())).getBytes(StandardCharsets.UTF_8));
            run.finish();
        }
        String python = python();
        Process p = new ProcessBuilder(python, "snippet.py").directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the snippet did not finish in 120 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), python + ": " + out);
        byte[] png = Files.readAllBytes(dir.resolve("average-accuracy.png"));
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4), "a PNG");
        assertTrue(png.length > 10_000, "a drawn figure, " + png.length + " bytes");
    }

    /** The first python3 that imports pandas and matplotlib (fails naming what to install when none does). */
    private static String python() throws Exception {
        for (String candidate : List.of("python3", "/usr/bin/python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import pandas, matplotlib").redirectErrorStream(true)
                        .start();
                if (p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
                p.destroyForcibly();
            } catch (java.io.IOException e) {
                // not installed: try the next one
            }
        }
        throw new AssertionError("no python3 with pandas and matplotlib: apt-get install python3-pandas "
                + "python3-matplotlib (.ci/run does)");
    }
}
