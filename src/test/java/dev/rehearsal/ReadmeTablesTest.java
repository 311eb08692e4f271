package dev.rehearsal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every generated block of the README is what its script makes of the committed files: a figure typed by hand, or
 * a committed file changed without regenerating the README, fails here. Each script's {@code --check README.md}
 * exits 1 when the README differs, and every block it is expected to write has its markers.
 */
class ReadmeTablesTest {

    /** The performance tables: benchmarks/results/ (JMH JSON, PyTorch's and the side-by-side runs, the sweep scaling). */
    @Test
    void thePerformanceTablesAreGeneratedFromTheCommittedResults() throws Exception {
        generated("benchmarks/readme_tables.py", "perf", "steps", "linear", "phases", "e2e", "sweep", "wait",
                "deferred-zero");
    }

    /**
     * The tables measured under the evaluation protocol: the committed sweep folders in docs/results/protocol/
     * (their means, SEMs and paired tests computed by dev.rehearsal.stats when the sweep merged them).
     */
    @Test
    void theProtocolTablesAreGeneratedFromTheCommittedSweeps() throws Exception {
        generated("docs/results/protocol_table.py", "protocol", "class", "class-baselines", "proto");
    }

    /**
     * The frontier tables: the committed frontier.json files of the class- and domain-incremental frontiers under
     * the protocol (docs/results/protocol/frontier/ and frontier-domain/), with ACC as mean ± SEM and the sweep's
     * paired best-against-runner-up.
     */
    @Test
    void theFrontierTablesAreGeneratedFromTheCommittedFrontiers() throws Exception {
        generated("docs/results/frontier_table.py", "frontier", "protocol", "domain");
    }

    /**
     * The figures the README quotes from Rehearsal's own commands (profile --strategy gr, the main job's compare):
     * the run folders committed in docs/results/measured/, with the date and machine they were measured on.
     */
    @Test
    void theCommandsFiguresAreGeneratedFromTheCommittedRuns() throws Exception {
        generated("docs/results/measured_figures.py", "measured", "profile-gr", "compare", "machine-use-er");
    }

    /**
     * The scaling study (the reference report's Problem 2): docs/results/scale/scale.json, as the sweep that merged
     * the study's runs wrote it.
     */
    @Test
    void theScalingStudyIsGeneratedFromItsCommittedSweep() throws Exception {
        generated("docs/results/scale_table.py", "scale", "permuted");
    }

    /**
     * scale_table.py lays a hand-made study out as strategy x T tables: a cell with fewer seeds than the grid's
     * says how many it has, a cell without a run says so, a label is shortened to its strategy only when no other
     * label shares it (its options listed once), exact bytes keep every digit, and a crossing reads as scale.json
     * records it (T to one decimal, the ACCs, the verdict or the reason there is none).
     */
    @Test
    void theScalingTableLaysOutAHandMadeStudy(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".rehearsal-manifest.json"),
                "{\"started\": \"2026-12-07T09:00:00Z\", \"finished\": \"2026-12-08T01:00:00Z\"}");
        Files.writeString(dir.resolve("grid.json"), "{\"grid\": {\"seed\": [2, 3, 4]}}");
        String m = "{\"strategy\": \"%s\", \"tasks\": %d, \"seeds\": %d, \"acc\": %s, \"acc_sem\": %s, "
                + "\"forgetting\": 0.02, \"replay_memory_bytes\": %d, \"memory_bytes\": 1, \"training_macs\": "
                + "3316224000000, \"evaluation_macs\": 10764000000, \"seconds\": 45.5}";
        Files.writeString(dir.resolve("scale.json"), "{\"schema_version\": 4, \"machine\": {\"cpu\": \"X\", "
                + "\"cores\": 2}, \"strategies\": [\"gr\", \"er per-class=100\", \"er per-class=20\"], "
                + "\"tasks\": [2, 50], \"runs\": 4, \"runs_not_finished\": 5, \"measurements\": ["
                + String.format(java.util.Locale.ROOT, m, "gr", 2, 3, "0.95", "0.01", 38167912L) + ", "
                + String.format(java.util.Locale.ROOT, m, "gr", 50, 1, "0.9", "null", 38167912L) + ", "
                + String.format(java.util.Locale.ROOT, m, "er per-class=100", 2, 3, "0.97", "0.005", 1568000L)
                + "], \"fits\": [{\"strategy\": \"gr\", \"quantity\": \"replay_memory_bytes\", \"slope\": 0.0, "
                + "\"growth\": \"constant\"}], \"crossovers\": [{\"quantity\": \"replay_memory_bytes\", \"a\": "
                + "\"gr\", \"b\": \"er per-class=100\", \"at_tasks\": 48.68, \"cheaper_below\": \"er per-class=100\", "
                + "\"nearest_tasks\": 50, \"a_acc\": 0.9, \"b_acc\": 0.7}]}");
        String code = "import sys; sys.path.insert(0, 'docs/results'); import scale_table as s\n"
                + "s.FOLDER = sys.argv[1]\nprint(s.permuted())\n";
        Path root = Path.of("").toAbsolutePath();
        Process p = new ProcessBuilder("python3", "-c", code, dir.toString()).directory(root.toFile())
                .redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 finished");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        for (String line : new String[] {
            "4 of the study's 9 runs (2026-12-07 to 2026-12-08; merged on X, 2 cores",
            "| gr | 0.9500 ± 0.0100 | 0.9000 (1 seed) |",
            "| er per-class=100 | 0.9700 ± 0.0050 | not run yet |",
            "| er per-class=20 | not run yet | not run yet |",
            "| gr | 38,167,912 | 38,167,912 |",
            "| er per-class=100 | 1,568,000 | not run yet |",
            "| gr | 3.32e+12 | 3.32e+12 |",
            "| gr | 46 | 46 |",
            "| gr | 0.00 (constant) | n/a | n/a | n/a |",
            "- replay memory: gr's and er per-class=100's fitted lines cross at T = 48.7; below it er per-class=100 "
                + "costs less, above it gr. At T = 50, the nearest measured, ACC gr 0.9000 against er per-class=100 "
                + "0.7000; no paired test (fewer than two shared seeds)."}) {
            assertTrue(out.contains(line), line + "\n in:\n" + out);
        }
        assertTrue(!out.contains("Options beside the grid's"), "no label was shortened: " + out);
    }

    /**
     * The one figure protocol_table.py computes itself, a row against its published figure by Welch's test, on
     * the hand values of {@code StatsTest}'s: ours 0.9000 ± 0.0030 (20 seeds) against 0.8900 ± 0.0040 (20) is
     * 0.0100 over sqrt(0.003² + 0.004²) = 0.0050, 2.0 SE, at 35 degrees of freedom (2.03), within; with a reading
     * uncertainty of 0.0100 the spread is sqrt(0.003² + 0.004² + 0.01²) = 0.011180, so -0.0250 is 2.2 SE, at 880
     * degrees of freedom (1.96), a miss; a published figure without a spread counts ours alone: 0.0060 / 0.0030 =
     * 2.0 SE is within at 3 seeds (2 degrees of freedom, 4.30) and 4.3 SE (0.0130) beyond it; without any spread
     * (one seed) the difference alone, as the report prints it. The quantiles are checked against a table of
     * Student's t.
     */
    @Test
    void aRowIsSetAgainstItsPublishedFigureInCombinedStandardErrors() throws Exception {
        String code = "import sys; sys.path.insert(0, 'docs/results'); from protocol_table import against_published as g\n"
                + "print(g({'acc': 0.9, 'acc_sem': 0.003, 'n': 20}, {'acc': 0.89, 'std': 0.004, 'seeds': 20}))\n"
                + "print(g({'acc': 0.9, 'acc_sem': 0.003, 'n': 20}, {'acc': 0.925, 'std': 0.004, 'reading': 0.01, "
                + "'seeds': 20}))\n"
                + "print(g({'acc': 0.9, 'acc_sem': 0.003, 'n': 3}, {'acc': 0.894, 'std': None, 'seeds': 20}))\n"
                + "print(g({'acc': 0.9, 'acc_sem': 0.003, 'n': 3}, {'acc': 0.887, 'std': None, 'seeds': 20}))\n"
                + "print(repr(g({'acc': 0.9, 'acc_sem': None, 'n': 1}, {'acc': 0.894, 'std': None, 'seeds': 20})))\n"
                + "from protocol_table import t_quantile_975 as q\n"
                + "print(' '.join('%.3f' % q(df) for df in (1, 2, 4, 10, 19, 30)))\n";
        String out = python(code);
        assertEquals(String.join("\n", "+0.0100 (2.00 SE; limit 2.03): within", "-0.0250 (2.24 SE; limit 1.96): **misses**",
                "+0.0060 (2.00 SE; limit 4.30): within", "+0.0130 (4.33 SE; limit 4.30): **misses**", "'+0.0060'",
                "12.706 4.303 2.776 2.228 2.093 2.042") + "\n", out);
    }

    /**
     * The tables print a value as Java's String.format does (the frontier's and the sweep's own Markdown are
     * written by Java): the shortest decimal of the double, rounded half up. Hand values: the Wilcoxon p-value
     * 0.03125 (exact in binary, a tie) is 0.0313, not Python's 0.0312; 1.0005 (just below in binary) is 1.001 as
     * Java prints it; -0.03125 is -0.0313 (half away from zero); p-values below 1e-4 stay scientific, and below
     * 1e-12 (a t-test's 0 included, its last digits being rounding) read "< 1e-12" in both.
     */
    @Test
    void valuesArePrintedAsJavaPrintsThem() throws Exception {
        String code = "import sys; sys.path.insert(0, 'benchmarks'); from readme_tables import fixed, p_value\n"
                + "print(fixed(0.03125, 4), fixed(1.0005, 3), fixed(-0.03125, 4), fixed(0.0, 4), p_value(0.03125), "
                + "p_value(5.04e-8), p_value(2.4e-12), p_value(9.9e-13), p_value(0.0))\n";
        assertEquals("0.0313 1.001 -0.0313 0.0000 0.0313 5.0e-08 2.4e-12 < 1e-12 < 1e-12\n", python(code));
        for (double p : new double[] {0.03125, 5.04e-8, 2.4e-12, 9.9e-13, 0.0}) {
            assertTrue(python(code).contains(dev.rehearsal.stats.Verdict.formatP(p)), "Java prints " + p + " the same");
        }
        for (String v : new String[] {"0.03125", "1.0005", "-0.03125"}) {
            double x = Double.parseDouble(v);
            assertTrue(python(code).contains(String.format(java.util.Locale.ROOT, v.equals("1.0005") ? "%.3f" : "%.4f",
                    x)), "Java prints " + v + " the same way");
        }
    }

    /**
     * protocol_table.py sets a published figure beside a row by the rule the report applies (Published): every
     * key of the protocol and of the figure's requirements, a list accepting any of its values, 0 met by an absent
     * limit. Hand-made files: a run on a random or the reference's order gets the figure, a fixed order, a growing
     * head where the figure needs a fixed one, or another setting gets none.
     */
    @Test
    void aPublishedFigureStandsOnlyBesideRunsOfItsProtocol() throws Exception {
        String code = "import sys; sys.path.insert(0, 'docs/results'); from protocol_table import published_for as f\n"
                + "pub = {'protocol': {'preset': 'wide', 'train-limit': 0, 'class-order': ['random', 'reference']},\n"
                + "       'values': [{'setting': 'class', 'strategy': 'er', 'acc': 0.8879, 'requires': {'head': 'fixed'}}]}\n"
                + "run = {'preset': 'wide', 'class-order': 'random', 'head': 'fixed'}\n"
                + "for change in ({}, {'class-order': 'reference'}, {'class-order': 'fixed'}, {'class-order': [1, 0]},\n"
                + "               {'head': 'grow'}, {'train-limit': 1000}, {'train-limit': 0}):\n"
                + "    p = f('class', 'er', dict(run, **change), pub)\n"
                + "    print(p['acc'] if p else None)\n"
                + "print(f('domain', 'er', run, pub))\n";
        String out = python(code);
        assertEquals(String.join("\n", "0.8879", "0.8879", "None", "None", "None", "None", "0.8879", "None") + "\n", out);
    }

    /** What python3 prints for {@code code}, run in the project folder (exit 0 required, 60 s at most). */
    private static String python(String code) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", code).directory(Path.of("").toAbsolutePath().toFile())
                .redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("python3 did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    /** Runs {@code script --check README.md} (exit 0 required) and checks that each block has its markers. */
    private static void generated(String script, String prefix, String... blocks) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        Process p = new ProcessBuilder("python3", root.resolve(script).toString(), "--check", "README.md")
                .directory(root.toFile()).redirectErrorStream(true).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(script + " did not finish in 60 s");
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), script + ": " + out);
        String readme = Files.readString(root.resolve("README.md"));
        for (String block : blocks) {
            assertTrue(readme.contains("<!-- " + prefix + ":" + block + ":begin -->"), prefix + ":" + block);
        }
    }
}
