package dev.rehearsal;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How a test starts a child JVM: this JVM's {@code java} with a temporary folder. Every child gets a
 * {@code java.io.tmpdir}: by default this JVM's (the build's {@code target/test-tmp}, which the build requires
 * to be empty once the tests end), and a folder of the test's own for a child the test kills, because SIGKILL
 * skips what a JVM deletes on exit (Spark's block-manager folders, native libraries unpacked for the run).
 */
public final class ChildJvm {
    private ChildJvm() {
    }

    /** {@code java -Djava.io.tmpdir=<this JVM's>}. */
    public static List<String> java() {
        return java(Path.of(System.getProperty("java.io.tmpdir")));
    }

    /** {@code java -Djava.io.tmpdir=<tmp>}; {@code tmp} must exist. */
    public static List<String> java(Path tmp) {
        return new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp.toAbsolutePath()));
    }

    /** The flags Spark needs (its --add-opens list), as this test JVM got them from the build. */
    public static List<String> sparkFlags() {
        List<String> out = new ArrayList<>();
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("-Dio.netty") || a.equals("-XX:+IgnoreUnrecognizedVMOptions")) {
                out.add(a);
            }
        }
        return out;
    }
}
