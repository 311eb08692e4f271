package dev.rehearsal.cli;

import dev.rehearsal.Backends;
import dev.rehearsal.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real CLI in a child JVM ({@code java -cp <test classpath> dev.rehearsal.cli.Main}): its own
 * process, so exit codes come from {@code System.exit}, stderr is all it printed, and file locks are another
 * process's.
 */
public record ChildCli(int exitCode, String out, String err) {

    /** Runs {@code args} in the working directory {@code cwd} (null: this JVM's), waiting up to two minutes. */
    public static ChildCli run(Path cwd, String... args) throws IOException, InterruptedException {
        return run(List.of(), cwd, args);
    }

    /** Runs {@code args} in a JVM started with {@code jvmOptions} (for example -Xmx300m, or {@link #sparkFlags}). */
    public static ChildCli run(List<String> jvmOptions, Path cwd, String... args)
            throws IOException, InterruptedException {
        return runCommand(command(jvmOptions, args), cwd);
    }

    /**
     * Runs the {@code main} of another class on the test classpath (a probe that needs a process of its own, for
     * a native runtime set up differently from this JVM's) with {@code args}.
     */
    public static ChildCli runMain(Class<?> main, String... args) throws IOException, InterruptedException {
        return runMain(java.util.Map.of(), main, args);
    }

    /** As {@link #runMain(Class, String...)}, with {@code env} added to the child's environment. */
    public static ChildCli runMain(java.util.Map<String, String> env, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = ChildJvm.java();
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(Arrays.asList(args));
        return runCommand(cmd, null, env);
    }

    private static ChildCli runCommand(List<String> command, Path cwd) throws IOException, InterruptedException {
        return runCommand(command, cwd, java.util.Map.of());
    }

    private static ChildCli runCommand(List<String> command, Path cwd, java.util.Map<String, String> env)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("rehearsal-child", ".out");
        Path err = Files.createTempFile("rehearsal-child", ".err");
        try {
            ProcessBuilder b = new ProcessBuilder(command).redirectOutput(log.toFile())
                    .redirectError(err.toFile());
            b.environment().putAll(env);
            if (cwd != null) {
                b.directory(cwd.toFile());
            }
            return finish(b.start(), log, err);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Runs {@code args} exactly as given, as {@code java -jar target/rehearsal.jar ARGS} would (no --threads or
     * --omp-wait added), in {@code cwd} (null: this JVM's).
     */
    public static ChildCli runAsWritten(Path cwd, String... args) throws IOException, InterruptedException {
        Path log = Files.createTempFile("rehearsal-child", ".out");
        Path err = Files.createTempFile("rehearsal-child", ".err");
        try {
            List<String> cmd = ChildJvm.java();
            cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.rehearsal.cli.Main"));
            cmd.addAll(Arrays.asList(args));
            ProcessBuilder b = new ProcessBuilder(cmd).redirectOutput(log.toFile()).redirectError(err.toFile());
            if (cwd != null) {
                b.directory(cwd.toFile());
            }
            return finish(b.start(), log, err);
        } finally {
            Files.deleteIfExists(log);
            Files.deleteIfExists(err);
        }
    }

    /** Starts {@code args} without waiting; its output goes to the two files. */
    public static Process start(Path cwd, Path stdout, Path stderr, String... args) throws IOException {
        ProcessBuilder b = new ProcessBuilder(command(List.of(), args)).redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        if (cwd != null) {
            b.directory(cwd.toFile());
        }
        return b.start();
    }

    /** Waits for a process {@link #start} started and reads what it printed. */
    public static ChildCli finish(Process p, Path stdout, Path stderr) throws IOException, InterruptedException {
        return finish(p, stdout, stderr, 120);
    }

    /** As {@link #finish(Process, Path, Path)}, for a child that may take up to {@code seconds}. */
    public static ChildCli finish(Process p, Path stdout, Path stderr, long seconds)
            throws IOException, InterruptedException {
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the child CLI did not finish within " + seconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly(); // a test's @Timeout: the child must not outlive it
            throw e;
        }
        return new ChildCli(p.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }

    /** The flags Spark needs (its --add-opens list), as this test JVM got them from the build. */
    public static List<String> sparkFlags() {
        return ChildJvm.sparkFlags();
    }

    private static List<String> command(List<String> jvmOptions, String... args) {
        List<String> cmd = ChildJvm.java();
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "dev.rehearsal.cli.Main"));
        List<String> all = new ArrayList<>(Arrays.asList(args));
        if (!all.isEmpty() && List.of("run", "compare", "profile", "scale").contains(all.get(0))
                && !all.contains("--threads")) {
            all.addAll(List.of("--threads", Integer.toString(Backends.THREADS), "--omp-wait",
                    Backends.WAIT.name().toLowerCase(java.util.Locale.ROOT)));
        }
        cmd.addAll(all);
        return cmd;
    }

    /** Exactly one line on stderr, and no stack trace. */
    public boolean oneLineError() {
        return !err.isBlank() && err.strip().lines().count() == 1 && !err.contains("\tat ");
    }
}
