package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A master that cannot be reached, and a driver JVM too small for Spark, each in a child JVM of its own (a real
 * process: its exit code, everything it printed, and that it exits at all). One line naming the master, exit 4,
 * within the documented bound, and no experiment recorded as failed: the cluster's failure is not theirs.
 * All traffic stays on 127.0.0.1.
 */
class UnreachableMasterTest {
    private static ChildCli sweep(Path dir, List<String> jvm, String... args) throws Exception {
        Path grid = dir.resolve("grid.yaml");
        Files.writeString(grid, "grid: {seed: [1, 2]}\n");
        List<String> all = new ArrayList<>(List.of("sweep", "--config", grid.toString(), "--out",
                dir.resolve("out").toString(), "--threads", "1"));
        all.addAll(List.of(args));
        List<String> flags = new ArrayList<>(ChildCli.sparkFlags());
        flags.addAll(jvm);
        return ChildCli.run(flags, null, all.toArray(String[]::new));
    }

    private static void assertNothingRecorded(Path dir) {
        assertFalse(Files.exists(dir.resolve("out").resolve("runs")), "no experiment was recorded");
        assertFalse(Files.exists(dir.resolve("out").resolve("sweep.json")), "no sweep.json");
    }

    private static void assertUnreachable(ChildCli r, String master) {
        assertEquals(RehearsalException.RUN, r.exitCode(), r.err());
        assertTrue(r.oneLineError(), "one line, got: " + r.err());
        assertTrue(r.err().startsWith("rehearsal: ") && r.err().contains(master), r.err());
    }

    @Test
    @Timeout(90)
    void aPortNothingListensOnIsOneLineAndNoFailedExperiment(@TempDir Path dir) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        String master = "spark://127.0.0.1:" + port;
        ChildCli r = sweep(dir, List.of(), "--master", master);
        assertUnreachable(r, master);
        assertTrue(r.err().contains("refused"), r.err());
        assertNothingRecorded(dir);
    }

    /** A name that does not resolve ({@code .invalid} is reserved; the resolver answers at once). */
    @Test
    @Timeout(90)
    void aHostThatDoesNotResolveIsOneLine(@TempDir Path dir) throws Exception {
        ChildCli r = sweep(dir, List.of(), "--master", "spark://nohost.invalid:7077");
        assertUnreachable(r, "spark://nohost.invalid:7077");
        assertNothingRecorded(dir);
    }

    /** A port that accepts and never answers: Spark would wait for its registration; the sweep gives up in time. */
    @Test
    @Timeout(110)
    void aPortThatIsNotASparkMasterFailsInBoundedTime(@TempDir Path dir) throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 10, InetAddress.getByName("127.0.0.1"))) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket s = silent.accept();
                        synchronized (accepted) {
                            accepted.add(s);
                        }
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-master");
            acceptor.setDaemon(true);
            acceptor.start();
            String master = "spark://127.0.0.1:" + silent.getLocalPort();
            ChildCli r = sweep(dir, List.of(), "--master", master);
            assertUnreachable(r, master);
            assertNothingRecorded(dir);
        } finally {
            synchronized (accepted) {
                for (Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    /** Spark's driver needs 450 MB of heap (300 MB reserved x 1.5): refused before it starts, in one line. */
    @Test
    @Timeout(60)
    void aDriverHeapBelowSparksMinimumIsRefused(@TempDir Path dir) throws Exception {
        ChildCli r = sweep(dir, List.of("-Xmx300m"), "--parallel", "1");
        assertEquals(RehearsalException.USAGE, r.exitCode(), r.err());
        assertTrue(r.oneLineError() && r.err().contains("-Xmx"), r.err());
        assertNothingRecorded(dir);
    }
}
