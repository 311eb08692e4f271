package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.experiment.Provenance;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Entry point. Exit codes: 0 success, 1 internal error (a bug: please report it), 2 invalid arguments or
 * configuration, 3 missing or corrupt data, 4 a run that failed (diverged, out of memory) or could not run (a
 * sweep's Spark master unreachable). A bare {@code rehearsal} prints the usage and exits 2.
 */
@Command(name = "rehearsal", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Continual-learning replay experiments on CPU servers.",
        subcommands = {CompareCommand.class, RunCommand.class, ProfileCommand.class, ScaleCommand.class,
            SweepCommand.class,
            ReportCommand.class, RunsCommand.class,
            InfoCommand.class,
            ModelCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class, AutoComplete.GenerateCompletion.class},
        footerHeading = "%nExample:%n", footer = "  rehearsal compare --quick --seeds 1,2,3")
public final class Main implements Callable<Integer> {
    /** Set REHEARSAL_DEBUG=1 to get stack traces of internal errors. */
    private static final boolean DEBUG = "1".equals(System.getenv("REHEARSAL_DEBUG"));

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        WallClock.processOwnsTheCommand();
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line and returns its exit code (tests call this in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = commandLine(out, err);
        try {
            return cli.execute(args);
        } catch (Error e) {
            // picocli hands Exceptions to the handler above; Errors (out of memory) arrive here.
            return report(e, err);
        }
    }

    /** The command line, arranged ({@link Usage}) and with Rehearsal's error handling. */
    static CommandLine commandLine(PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main());
        Usage.arrange(cli);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        // A number of the wrong form is refused as a config file refuses it, not as "'x' is not a long".
        CommandLine.ITypeConverter<Long> asLong = t -> typed(() -> dev.rehearsal.config.ValueType.parseLong(t));
        CommandLine.ITypeConverter<Integer> asInt = t -> typed(() -> dev.rehearsal.config.ValueType.parseInt(t));
        CommandLine.ITypeConverter<Double> asDouble = t -> typed(() -> dev.rehearsal.config.ValueType.parseDouble(t));
        cli.registerConverter(Long.class, asLong).registerConverter(long.class, asLong)
                .registerConverter(Integer.class, asInt).registerConverter(int.class, asInt)
                .registerConverter(Double.class, asDouble).registerConverter(double.class, asDouble);
        cli.setParameterExceptionHandler((ex, argv) -> {
            CommandSpec where = ex.getCommandLine().getCommandSpec();
            String message = ex instanceof UnmatchedArgumentException u ? unmatched(u, where) : ex.getMessage();
            err.println("rehearsal: " + oneLine(message) + " (see '" + where.qualifiedName() + " --help')");
            return RehearsalException.USAGE;
        });
        cli.setExecutionStrategy(parsed -> {
            Usage.clearUnmatched(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, err));
        return cli;
    }

    /** A converter's refusal as picocli reports it: "Invalid value for option '--KEY': MESSAGE". */
    private static <T> T typed(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    /** A bare {@code rehearsal}: the usage, on stderr, and exit code 2. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return RehearsalException.USAGE;
    }

    /** An unknown option or command, with the nearest known name ("did you mean"). */
    private static String unmatched(UnmatchedArgumentException u, CommandSpec where) {
        String typed = u.getUnmatched().isEmpty() ? "" : u.getUnmatched().get(0);
        boolean option = typed.startsWith("-");
        if (option && typed.contains("=")) {
            typed = typed.substring(0, typed.indexOf('='));
        }
        List<String> known = option ? Usage.optionNames(where) : new ArrayList<>(where.subcommands().keySet());
        if (!option && known.isEmpty()) {
            return "unexpected argument '" + typed + "'" + (typed.equals("true") || typed.equals("false")
                    ? ": flags take no value (--KEY sets one, --no-KEY clears it)" : "");
        }
        String near = Usage.suggestion(typed, known, u.getSuggestions());
        return "unknown " + (option ? "option" : "command") + " '" + typed + "'"
                + (near == null ? "" : ": did you mean " + near + "?");
    }

    static int report(Throwable ex, PrintStream err) {
        if (ex instanceof RehearsalException r) {
            err.println("rehearsal: " + oneLine(r.getMessage()));
            return r.exitCode();
        }
        if (ex instanceof dev.rehearsal.engine.Engine.Unavailable u) {
            // The cluster could not be reached or used: the sweep ran nothing (exit 4, like a run that failed).
            err.println("rehearsal: " + oneLine(u.getMessage()));
            return RehearsalException.RUN;
        }
        if (ex instanceof dev.rehearsal.engine.Engine.Stopped stopped) {
            if (dev.rehearsal.engine.Engine.Stopped.announce()) { // else the shutdown already said it
                err.println("rehearsal: " + oneLine(stopped.getMessage()));
            }
            return RehearsalException.RUN;
        }
        if (ex instanceof OutOfMemoryError) {
            err.println("rehearsal: out of memory: " + oneLine(ex.getMessage()));
            return RehearsalException.RUN;
        }
        err.println("rehearsal: internal error: " + ex.getClass().getSimpleName() + ": " + oneLine(ex.getMessage())
                + (DEBUG ? "" : " (set REHEARSAL_DEBUG=1 for the stack trace)"));
        if (DEBUG) {
            ex.printStackTrace(err);
        }
        return 1;
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", "; ").trim();
    }

    /** The release and the git commit the build was made from ("unknown" without git), as the build stamped them. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String commit = Provenance.commit();
            return new String[] {"rehearsal " + Provenance.version() + " (commit "
                    + (commit == null ? "unknown" : commit.substring(0, 12)) + ")"};
        }
    }
}
