package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.Provenance;
import dev.rehearsal.strategy.BrainInspiredReplay;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * What {@code --help}, {@code --version}, a bare {@code rehearsal} and completion show, and how flags parse: the
 * help is grouped under headings with an example, defaults are the code's, flags of two forms parse both ways,
 * misspelt options get a suggestion.
 */
class UsageTest {
    /** The commands that run experiments, each of which takes --quick. */
    private static final List<String> EXPERIMENTS = List.of("run", "compare", "profile", "scale", "sweep", "bench");
    private static final List<String> EXPERIMENT_HEADINGS = List.of("Data:", "Model:", "Training:", "Replay:",
            "Strategy options", "Output:", "System:");

    /** The help of {@code command} as a user gets it (not through {@link Cli}, which adds runtime flags). */
    private static String help(String command) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        int code = Main.run(new String[] {command, "--help"}, new PrintStream(out, true, StandardCharsets.UTF_8), sink);
        assertEquals(0, code);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Every command's help renders without picocli's warnings (which go to System.err, not to the streams a
     * command is given): a description is a format string to picocli, so a literal '%' in an option's declared
     * text, such as proto's "10% of each task's training data", must reach it escaped, and print as written.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.MethodSource("commands")
    void helpRendersWithoutFormatWarningsAndKeepsPercentSigns(String command) {
        java.io.PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        String h;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            h = help(command);
        } finally {
            System.setErr(err);
        }
        String warnings = captured.toString(StandardCharsets.UTF_8);
        assertFalse(warnings.contains("WARN"), command + " --help printed warnings:\n" + warnings);
        if (List.of("run", "compare", "profile").contains(command)) {
            assertTrue(h.replaceAll("\\s+", " ").contains("10% of each task's training data held out"),
                    "proto's help lost its '%':\n" + h);
        }
    }

    /** Every command Main registers (so a new command is covered without editing this test). */
    static List<String> commands() {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        List<String> names = new ArrayList<>(Main.commandLine(sink, sink).getSubcommands().keySet());
        names.remove("help");
        assertTrue(names.containsAll(EXPERIMENTS), "commands: " + names);
        return names;
    }

    /** The description of {@code option} in a help text: its line and the indented lines that follow. */
    private static String describe(String help, String option) {
        List<String> lines = help.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i).trim();
            boolean optionLine = lines.get(i).length() - lines.get(i).stripLeading().length() <= 6;
            String name = l.startsWith("-q, ") ? l.substring(4) : l;
            if (optionLine && (name.startsWith(option + "=") || name.startsWith(option + " ") || name.equals(option))) {
                StringBuilder b = new StringBuilder(l);
                for (int j = i + 1; j < lines.size() && lines.get(j).startsWith("                  "); j++) {
                    b.append(' ').append(lines.get(j).trim());
                }
                return b.toString();
            }
        }
        throw new AssertionError(option + " is not in the help:\n" + help);
    }

    private static String printedDefault(String help, String option) {
        Matcher m = Pattern.compile("\\(default:? ([^;:)\\s]+)").matcher(describe(help, option));
        assertTrue(m.find(), "no default in: " + describe(help, option));
        return m.group(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "compare", "profile", "scale"})
    void experimentCommandsListTheirOptionsUnderTheGroupsInOrderWithAnExample(String command) {
        String h = help(command);
        int at = -1;
        for (String heading : EXPERIMENT_HEADINGS) {
            int i = h.indexOf("\n" + heading);
            assertTrue(i > at, heading + " missing or out of order in " + command + " --help:\n" + h);
            at = i;
        }
        // Each option sits under its group: a data option between Data and Model, a strategy's own option
        // (declared at start-up) between its heading and Output, the results folder under Output.
        assertTrue(between(h, "--train-limit=", "\nData:", "\nModel:"), h);
        assertTrue(between(h, "--lr=", "\nTraining:", "\nReplay:"), h);
        assertTrue(between(h, "--per-class=", "\nReplay:", "\nStrategy options"), h);
        assertTrue(between(h, "--ewc-lambda=", "\nStrategy options", "\nOutput:"), h);
        assertTrue(between(h, "--[no-]si ", "\nStrategy options", "\nOutput:"), h);
        assertTrue(between(h, "--out=", "\nOutput:", "\nSystem:"), h);
        assertTrue(between(h, "--threads=", "\nSystem:", "\nExample"), h);
        assertTrue(h.contains("-q, --quiet"), "-q stays --quiet: " + h);
        assertExample(h, command);
    }

    @ParameterizedTest
    @ValueSource(strings = {"sweep", "bench", "info", "model"})
    void otherCommandsGroupWhatTheyHaveAndShowAnExample(String command) {
        String h = help(command);
        assertTrue(between(h, "--threads=", "\nSystem:", "\nExample"), h);
        assertTrue(h.contains("\nOutput:"), h);
        assertExample(h, command);
    }

    private static void assertExample(String help, String command) {
        assertTrue(Pattern.compile("\nExamples?:\n  rehearsal " + command + " ").matcher(help).find(),
                "no example of " + command + ":\n" + help);
    }

    private static boolean between(String text, String what, String after, String before) {
        int i = text.indexOf(what);
        return i > text.indexOf(after) && text.indexOf(after) >= 0 && i < text.indexOf(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "compare", "profile", "scale", "sweep", "bench"})
    void everyCommandThatRunsExperimentsTakesQuick(String command) {
        assertTrue(EXPERIMENTS.contains(command));
        assertTrue(describe(help(command), "--quick").contains("short configuration")
                || describe(help(command), "--quick").contains("short study"), help(command));
    }

    /** The defaults --help prints are the config's field values, not text written beside them. */
    @Test
    void printedDefaultsAreTheConfigsInitialValues() {
        JsonNode config = Json.MAPPER.valueToTree(new ExperimentConfig());
        String run = help("run");
        for (String key : List.of("dataset", "scenario", "setting", "head", "preset", "precision", "batch", "epochs",
                "vae-epochs", "optimizer", "lr", "vae-lr", "momentum", "lr-schedule", "replay-ratio", "weighting",
                "generation", "replay-targets", "temperature", "per-class", "selection", "train-limit", "backend",
                "gemm", "omp-wait", "strategy", "seed")) {
            assertEquals(config.get(key).asText(), printedDefault(run, "--" + key), key);
        }
        assertTrue(describe(run, "--threads").contains("(default: all cores, " + config.get("threads") + " here)"));
        assertEquals("0,1,2,3,4,5,6,7,8,9", printedDefault(run, "--class-order"));
        assertEquals("true", printedDefault(run, "--[no-]reset-optimizer"));
        String compare = help("compare");
        assertEquals("naive,joint,er,gr", printedDefault(compare, "--strategies"));
        assertEquals("1", printedDefault(compare, "--seeds"));
        // scale's own defaults, from the code that sets them
        ExperimentConfig scale = new ExperimentConfig();
        new ScaleCommand().defaults(scale);
        String h = help("scale");
        assertEquals(scale.scenario.id(), printedDefault(h, "--scenario"));
        assertEquals(Integer.toString(scale.trainLimit), printedDefault(h, "--train-limit"));
        assertEquals(String.join(",", scale.strategies), printedDefault(h, "--strategies"));
        assertEquals("2,5,10,20,50", printedDefault(h, "--tasks"));
        assertEquals(ScaleCommand.TASK_COUNTS, ScaleCommand.taskCounts(null));
    }

    /** Parses {@code args} as Main does (defaults filled in, then cleared where not given) and applies them. */
    private static ExperimentConfig applied(ExperimentConfig onto, String... args) {
        PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        CommandLine cli = Main.commandLine(sink, sink);
        ParseResult parsed = cli.parseArgs(args);
        Usage.clearUnmatched(parsed);
        RunCommand run = cli.getSubcommands().get("run").getCommand();
        run.runtime.apply(onto);
        run.options.apply(onto);
        return onto;
    }

    @Test
    void negatableFlagsParseBothWaysAndOverrideAConfigOnlyWhenGiven() {
        ExperimentConfig kept = new ExperimentConfig();
        kept.resetOptimizer = false; // as a config file would set it
        kept.epochs = 7;
        applied(kept, "run");
        assertFalse(kept.resetOptimizer, "a flag not given leaves the file's value");
        assertEquals(7, kept.epochs, "an option not given leaves the file's value, not picocli's default");
        assertFalse(applied(new ExperimentConfig(), "run", "--no-reset-optimizer").resetOptimizer);
        ExperimentConfig on = new ExperimentConfig();
        on.resetOptimizer = false;
        assertTrue(applied(on, "run", "--reset-optimizer").resetOptimizer);
        ExperimentConfig si = applied(new ExperimentConfig(), "run", "--strategy", "bir", "--si");
        assertTrue(si.flag(BrainInspiredReplay.SI));
        ExperimentConfig noSi = new ExperimentConfig();
        noSi.set(BrainInspiredReplay.SI, true);
        assertFalse(applied(noSi, "run", "--no-si").flag(BrainInspiredReplay.SI));
        assertFalse(applied(new ExperimentConfig(), "run").has(BrainInspiredReplay.SI), "not given, not set");
    }

    @Test
    void aValueAttachedToAFlagOrAfterItIsRefused() {
        Cli attached = Cli.run("run", "--reset-optimizer=false");
        assertEquals(2, attached.exitCode());
        assertTrue(attached.oneLineError() && attached.err().contains("give --reset-optimizer or "
                + "--no-reset-optimizer"), attached.err());
        Cli separate = Cli.run("run", "--reset-optimizer", "false");
        assertEquals(2, separate.exitCode());
        assertTrue(separate.oneLineError() && separate.err().contains("flags take no value"), separate.err());
    }

    /** A number of the wrong form on the command line is refused as a config file refuses it (ConfigFilesTest). */
    @Test
    void aNumberOfTheWrongFormShowsTheValueAndWhatTheOptionTakes() {
        for (String[] c : new String[][] {
            {"--seed", "99999999999999999999", "a whole number from -9223372036854775808 to 9223372036854775807"},
            {"--iterations", "2.5", "a whole number from -2147483648 to 2147483647"},
            {"--batch", "0x10", "a whole number from -2147483648 to 2147483647"},
            {"--lr", "abc", "a number"}}) {
            Cli r = Cli.run("run", "--strategy", "er", c[0], c[1]);
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.oneLineError(), r.err());
            assertTrue(r.err().startsWith("rehearsal: Invalid value for option '" + c[0] + "': " + c[1] + " (expected "
                    + c[2] + ") (see 'rehearsal run --help')"), r.err());
        }
        Cli parallel = Cli.run("sweep", "--config", "g.yaml", "--out", "o", "--parallel", "two");
        assertEquals(2, parallel.exitCode(), parallel.err());
        assertTrue(parallel.err().contains("'--parallel': two (expected a whole number"), parallel.err());
    }

    @Test
    void aMisspeltOptionOrCommandGetsTheNearestName() {
        for (String[] c : new String[][] {{"run", "--epoch", "--epochs"}, {"compare", "--strategis", "--strategies"},
            {"run", "--replay_ratio", "--replay-ratio"}, {"run", "--no-reset-optimizr", "--no-reset-optimizer"},
            {"run", "--ewc-lamda", "--ewc-lambda"}, {"sweep", "--dryrun", "--dry-run"}}) {
            Cli r = Cli.run(c[0], c[1], "1");
            assertEquals(2, r.exitCode(), r.err());
            assertTrue(r.oneLineError(), r.err());
            assertTrue(r.err().startsWith("rehearsal: unknown option '" + c[1] + "': did you mean " + c[2] + "? "
                    + "(see 'rehearsal " + c[0] + " --help')"), r.err());
        }
        Cli command = Cli.run("compar");
        assertEquals(2, command.exitCode());
        assertTrue(command.err().startsWith("rehearsal: unknown command 'compar': did you mean compare? (see "
                + "'rehearsal --help')"), command.err());
        assertTrue(Cli.run("run", "--strat", "er").err().contains("did you mean --strategy?"), "an abbreviation");
        Cli far = Cli.run("run", "--completely-unrelated");
        assertEquals(2, far.exitCode());
        assertTrue(far.oneLineError() && !far.err().contains("did you mean"), far.err());
    }

    @Test
    void versionIsTheReleaseAndTheCommit() {
        Cli r = Cli.run("--version");
        assertEquals(0, r.exitCode(), r.err());
        Matcher m = Pattern.compile("rehearsal (\\S+) \\(commit ([0-9a-f]{12}|unknown)\\)").matcher(r.out().strip());
        assertTrue(m.matches(), r.out());
        assertEquals(Provenance.version(), m.group(1));
        assertFalse(m.group(1).equals("dev"), "the build stamps the project's version");
        String commit = Provenance.commit();
        assertEquals(commit == null ? "unknown" : commit.substring(0, 12), m.group(2));
        assertEquals(r.out(), Cli.run("run", "--version").out(), "every command prints the same version");
    }

    @Test
    void aBareRehearsalPrintsTheUsageOnceNamedAndExitsTwo() {
        Cli r = Cli.run();
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("Usage: rehearsal [-hV] [COMMAND]"), r.err());
        assertFalse(r.err().contains("rehearsal rehearsal"), r.err());
        for (String command : List.of("compare", "run", "sweep", "generate-completion")) {
            assertTrue(r.err().contains("\n  " + command + " "), command + " not listed: " + r.err());
        }
    }

    @Test
    void completionIsGeneratedFromTheCommands() {
        Cli r = Cli.run("generate-completion");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("complete -F"), "a bash completion script");
        for (String word : List.of("compare", "sweep", "--strategies", "--no-reset-optimizer", "--ewc-lambda")) {
            assertTrue(r.out().contains(word), word + " not completed");
        }
    }

    @Test
    void theCommandsNamesInErrorsAreNotDoubled() {
        Cli r = Cli.run("run", "--epochs");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("(see 'rehearsal run --help')"), r.err());
        List<String> all = new ArrayList<>(Main.commandLine(System.out, System.err).getSubcommands().keySet());
        assertTrue(all.containsAll(EXPERIMENTS), all.toString());
        assertNotNull(Usage.suggestion("--epoch", List.of("--epochs"), List.of()));
        assertNull(Usage.suggestion("--zzz", List.of("--epochs"), List.of()));
    }
}
