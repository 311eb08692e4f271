package dev.rehearsal.cli;

import dev.rehearsal.RehearsalException;
import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point. Exit codes: 0 success, 1 internal error (a bug: please report it), 2 invalid arguments or
 * configuration, 3 missing or corrupt data, 4 a run that failed (diverged, out of memory).
 */
@Command(name = "rehearsal", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Continual-learning replay experiments on CPU servers.",
        subcommands = {CompareCommand.class, RunCommand.class, ProfileCommand.class, ScaleCommand.class,
            SweepCommand.class,
            ReportCommand.class,
            InfoCommand.class,
            ModelCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class})
public final class Main {
    /** Set REHEARSAL_DEBUG=1 to get stack traces of internal errors. */
    private static final boolean DEBUG = "1".equals(System.getenv("REHEARSAL_DEBUG"));

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs a command line and returns its exit code (tests call this in-process). */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli = new CommandLine(new Main());
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (ExperimentOptions.mixedInto(sub.getCommandSpec())) {
                ExperimentOptions.declareStrategyOptions(sub.getCommandSpec());
            }
        }
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler((ex, argv) -> {
            err.println("rehearsal: " + oneLine(ex.getMessage()) + " (see 'rehearsal "
                    + ex.getCommandLine().getCommandName() + " --help')");
            return RehearsalException.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> report(ex, err));
        try {
            return cli.execute(args);
        } catch (Error e) {
            // picocli hands Exceptions to the handler above; Errors (out of memory) arrive here.
            return report(e, err);
        }
    }

    static int report(Throwable ex, PrintStream err) {
        if (ex instanceof RehearsalException r) {
            err.println("rehearsal: " + oneLine(r.getMessage()));
            return r.exitCode();
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

    /** The version from the jar's manifest (or "dev" when run from classes). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rehearsal " + (v == null ? "dev" : v)};
        }
    }
}
