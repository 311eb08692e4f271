package dev.rehearsal.cli;

import dev.rehearsal.Backends;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs the CLI in-process and captures what it prints. */
public record Cli(int exitCode, String out, String err) {

    /** The commands and their options, to see which take --threads and --omp-wait (never executed). */
    private static final picocli.CommandLine COMMANDS = Main.commandLine(System.out, System.err);

    /** Runs {@code args}; computing commands get {@code --threads} of the test JVM's native runtime. */
    public static Cli run(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        // Every command that can start the native runtime in this JVM gets the tests' settings (see Backends):
        // one started with another setting would refuse every later test's.
        picocli.CommandLine sub = all.isEmpty() ? null : COMMANDS.getSubcommands().get(all.get(0));
        picocli.CommandLine.Model.CommandSpec command = sub == null ? null : sub.getCommandSpec();
        if (command != null && command.findOption("--threads") != null && !all.contains("--threads")) {
            all.add("--threads");
            all.add(Integer.toString(Backends.THREADS));
        }
        if (command != null && command.findOption("--omp-wait") != null && !all.contains("--omp-wait")) {
            // The test JVM's native runtime runs with the tests' wait policy (see Backends).
            all.add("--omp-wait");
            all.add(Backends.WAIT.name().toLowerCase(java.util.Locale.ROOT));
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Exactly one line on stderr. */
    public boolean oneLineError() {
        return !err.isBlank() && err.strip().lines().count() == 1;
    }
}
