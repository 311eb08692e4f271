package dev.rehearsal.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.cli.ChildCli;
import dev.rehearsal.engine.AppJars;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real standalone Spark cluster on 127.0.0.1: a master and one worker (2 cores), each a JVM of its own
 * started from Spark's jars in a SPARK_HOME made of the test class path, the sweep's driver a third
 * (client mode, {@code --master}), executors launched by the worker. The results must equal the embedded
 * sweep's ({@link SweepTest}'s reference, same grid, same threads). Everything is stopped in the finally
 * block, executors included. Tagged {@code cluster}: {@code mvn -B verify -Dgroups=cluster -DexcludedGroups=}.
 */
@Tag("cluster")
class ClusterSweepTest {
    @Test
    void aSweepOnAStandaloneClusterEqualsTheEmbeddedOne() throws Exception {
        SweepTest.runTheReferenceSweep();
        Path home = SweepTest.WORK.resolve("spark-home");
        Path jars = Files.createDirectories(home.resolve("jars"));
        Set<String> spark = AppJars.sparkArtifacts();
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isRegularFile(p) && AppJars.isOneOf(p, spark)) {
                Path link = jars.resolve(p.getFileName());
                Files.createSymbolicLink(link, p.toAbsolutePath());
                cp.add(link.toString());
            }
        }
        int port = freePort();
        List<Process> started = new ArrayList<>();
        try {
            started.add(daemon(home, cp, "master.log", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", Integer.toString(port), "--webui-port", Integer.toString(freePort())));
            awaitPort(port, 90);
            Path work = Files.createDirectories(SweepTest.WORK.resolve("worker"));
            started.add(daemon(home, cp, "worker.log", "org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--port", Integer.toString(freePort()), "--webui-port", Integer.toString(freePort()), "--cores", "2",
                    "--memory", "2g", "--work-dir", work.toString(), "spark://127.0.0.1:" + port));
            long t0 = System.nanoTime();
            Path out = SweepTest.WORK.resolve("cluster");
            List<String> cmd = SweepTest.command("--out", out.toString());
            int at = cmd.indexOf("--parallel");
            cmd.subList(at, at + 2).clear(); // a cluster's slots decide
            cmd.addAll(List.of("--master", "spark://127.0.0.1:" + port));
            // The executors the worker starts get the daemons' temporary folder too.
            cmd.add(1, "-Dspark.executor.extraJavaOptions=-Djava.io.tmpdir=" + SweepTest.WORK.resolve("daemon-tmp"));
            Path o = SweepTest.WORK.resolve("cluster.out");
            Path e = SweepTest.WORK.resolve("cluster.err");
            Process driver = new ProcessBuilder(cmd).redirectOutput(o.toFile()).redirectError(e.toFile()).start();
            started.add(driver);
            ChildCli r = ChildCli.finish(driver, o, e);
            System.out.printf("cluster sweep: %.1f s (4 experiments, executors included)%n", (System.nanoTime() - t0) / 1e9);
            assertEquals(0, r.exitCode(), r.err() + "\n" + Files.readString(SweepTest.WORK.resolve("worker.log")));
            assertTrue(r.err().contains("Spark cluster spark://127.0.0.1:" + port), r.err());
            assertEquals(Files.readString(SweepTest.REFERENCE.resolve("sweep.csv")),
                    Files.readString(out.resolve("sweep.csv")), "the cluster computes what embedded Spark computes");
            assertEquals(SweepTest.table(SweepTest.REFERENCE), SweepTest.table(out));
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                stop(started.get(i));
            }
            SweepTest.cleanUp();
        }
    }

    /** A Spark daemon as a JVM of its own, with Spark's --add-opens flags; output to a log file. */
    private static Process daemon(Path home, List<String> cp, String log, String main, String... args)
            throws IOException {
        // Stopped with SIGTERM, or killed: its temporary files go inside WORK, which SweepTest.cleanUp removes.
        List<String> cmd = dev.rehearsal.ChildJvm.java(Files.createDirectories(SweepTest.WORK.resolve("daemon-tmp")));
        cmd.add("-Xmx512m");
        cmd.addAll(dev.rehearsal.ChildJvm.sparkFlags());
        cmd.addAll(List.of("-cp", String.join(java.io.File.pathSeparator, cp), main));
        cmd.addAll(List.of(args));
        ProcessBuilder b = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(SweepTest.WORK.resolve(log).toFile());
        b.environment().put("SPARK_HOME", home.toString());
        b.environment().put("SPARK_SCALA_VERSION", "2.13");
        b.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return b.start();
    }

    /** SIGTERM (the worker's shutdown hook stops its executors), then SIGKILL for it and anything it left. */
    private static void stop(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroy();
        if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(15, TimeUnit.SECONDS);
        }
        for (ProcessHandle c : children) {
            if (c.isAlive()) {
                c.destroyForcibly();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException e) {
                Thread.sleep(200);
            }
        }
        throw new AssertionError("the Spark master did not listen on 127.0.0.1:" + port + " within " + seconds + " s");
    }
}
