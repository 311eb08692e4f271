package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's performance tables are what benchmarks/readme_tables.py makes of the committed result files
 * in benchmarks/results/ (JMH JSON, PyTorch's and the side-by-side runs, the sweep scaling): a figure typed
 * by hand, or a result file changed without regenerating the README, fails here; likewise the tables measured
 * under the evaluation protocol and docs/results/protocol_table.py, and the figures of Rehearsal's own commands
 * (profile, the main job's compare) and docs/results/measured_figures.py.
 */
class ReadmeTablesTest {

    @Test
    void thePerformanceTablesAreGeneratedFromTheCommittedResults() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Path script = root.resolve("benchmarks/readme_tables.py");
        Process p = new ProcessBuilder("python3", script.toString(), "--check", "README.md").directory(root.toFile())
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("readme_tables.py did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        // Every table the script writes has its markers in the README.
        String readme = Files.readString(root.resolve("README.md"));
        for (String table : new String[] {"steps", "linear", "phases", "e2e", "sweep", "wait"}) {
            assertEquals(true, readme.contains("<!-- perf:" + table + ":begin -->"), table);
        }
    }

    /**
     * The tables measured under the evaluation protocol are what docs/results/protocol_table.py makes of the
     * committed sweep folders in docs/results/protocol/ (their means, SEMs and paired tests computed by
     * dev.rehearsal.stats when the sweep merged them).
     */
    @Test
    void theProtocolTablesAreGeneratedFromTheCommittedSweeps() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Process p = new ProcessBuilder("python3", root.resolve("docs/results/protocol_table.py").toString(), "--check",
                "README.md").directory(root.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("protocol_table.py did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        String readme = Files.readString(root.resolve("README.md"));
        for (String table : new String[] {"class", "class-baselines", "proto"}) {
            assertEquals(true, readme.contains("<!-- protocol:" + table + ":begin -->"), table);
        }
    }

    /**
     * The figures the README quotes from Rehearsal's own commands (profile --strategy gr, the main job's compare)
     * are what docs/results/measured_figures.py makes of the run folders committed in docs/results/measured/, with
     * the date and machine they were measured on: a figure typed by hand, or a committed output changed without
     * regenerating the README, fails here.
     */
    @Test
    void theCommandsFiguresAreGeneratedFromTheCommittedRuns() throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Process p = new ProcessBuilder("python3", root.resolve("docs/results/measured_figures.py").toString(), "--check",
                "README.md").directory(root.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("measured_figures.py did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        String readme = Files.readString(root.resolve("README.md"));
        for (String block : new String[] {"profile-gr", "compare"}) {
            assertEquals(true, readme.contains("<!-- measured:" + block + ":begin -->"), block);
        }
    }
}
