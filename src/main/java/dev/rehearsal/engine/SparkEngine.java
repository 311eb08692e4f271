package dev.rehearsal.engine;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.collection.Iterator;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * Apache Spark as an engine: one task per unit of work ({@code parallelize(tasks, tasks.size())}, so one
 * element per partition), {@code spark.task.cpus} = threads per task, and each result handed to the driver
 * as its task ends ({@code SparkContext.runJob} with a result handler), where the caller writes it.
 * <ul>
 * <li>{@link #embedded}: {@code local[P x T]} inside this process, P tasks at once; all tasks are threads of
 *     this JVM and share its native thread pools, so they all use the same T.</li>
 * <li>{@link #cluster}: a standalone master by URL, in client mode (the context lives here, the driver);
 *     the application's jars are shipped to executors ({@link AppJars}), which load the native libraries
 *     through JavaCPP as usual.</li>
 * </ul>
 * Traffic stays on 127.0.0.1 unless a master elsewhere is given: the driver binds to 127.0.0.1 for an embedded
 * engine and for a master on 127.0.0.1 (a remote master needs {@code spark.driver.host} reachable from the
 * workers, set with {@code -Dspark.driver.host=...}). The web UI is off.
 *
 * <p>A cluster that cannot be reached is found out in bounded time, before any task exists: the master must
 * accept a TCP connection within {@link SparkMaster#PROBE_TIMEOUT} (10 s) and then take the application within
 * {@link #REGISTRATION_TIMEOUT} (20 s), 30 s at most in all, where Spark alone retries for 60 s and then leaves
 * a stopped context behind. Either failure is {@link Engine.Unavailable}, one line naming the master.
 */
public final class SparkEngine implements Engine {
    /**
     * The longest a master that accepts connections may take to register the application (a Spark master answers
     * in well under a second; Spark's own first attempt lasts 20 s before it retries).
     */
    public static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(20);
    private final JavaSparkContext sc;
    private final String description;
    private final String where;
    /** Set while a job runs: a shutdown then stops a sweep part-way. */
    private volatile boolean running;
    /** Spark's shutdown hook of this engine ({@link #onShutdown}), removed by {@link #close}. */
    private final Object hook;

    /**
     * Runs before Spark stops its context on a shutdown (Spark's hooks run by priority, highest first, and its
     * context's is 50): Spark's own logging of the tasks it then cancels is a screen of errors with stack traces.
     */
    private static final int SHUTDOWN_PRIORITY = 55;

    private SparkEngine(SparkConf conf, String description, SparkMaster master) {
        // Netty reads this once, before Spark's first RPC (SPARK-NOTES: one of the flags Spark's launcher passes).
        System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        SparkLog.install();
        this.sc = master == null ? new JavaSparkContext(conf) : register(conf, master);
        this.sc.setLogLevel("WARN");
        this.description = description;
        this.where = master == null ? conf.get("spark.master") : master.url();
        this.hook = org.apache.spark.util.ShutdownHookManager.addShutdownHook(SHUTDOWN_PRIORITY,
                new scala.runtime.AbstractFunction0<BoxedUnit>() {
                    @Override
                    public BoxedUnit apply() {
                        onShutdown();
                        return BoxedUnit.UNIT;
                    }
                });
    }

    /**
     * The process is shutting down (Ctrl-C, kill) while this engine is open: Spark's logging is silenced before it
     * cancels the running job, and a sweep stopped part-way says so in one line (the main thread may not get to).
     */
    private void onShutdown() {
        sc.setLogLevel("OFF");
        // Levels alone do not silence a line whose logger was checked before the stop (an executor's "launch task
        // ... rejected" error once came after the stop message): the gate is closed with the message, under a lock.
        SparkLog.close(running && Engine.Stopped.announce() ? "rehearsal: " + stoppedMessage() : null);
    }

    private String stoppedMessage() {
        return "stopped before the sweep finished (Spark at " + where + " was shut down: Ctrl-C, kill, or the "
                + "cluster ended the application); every experiment recorded by then is kept, and the same command "
                + "resumes the others";
    }

    /**
     * The context of a cluster's application, created on a thread of its own so that a master which accepts
     * connections but never answers (not a Spark master, or a hung one) costs {@link #REGISTRATION_TIMEOUT}, not
     * Spark's 60 s and a stopped context. A context that arrives after that is stopped by the thread that made it.
     */
    private static JavaSparkContext register(SparkConf conf, SparkMaster master) {
        CompletableFuture<JavaSparkContext> started = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                JavaSparkContext sc = new JavaSparkContext(conf);
                if (!started.complete(sc)) {
                    sc.stop(); // the sweep gave up on it
                }
            } catch (Throwable e) {
                started.completeExceptionally(e);
            }
        }, "rehearsal-spark-register");
        t.setDaemon(true);
        t.start();
        JavaSparkContext sc;
        try {
            sc = started.get(REGISTRATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (started.completeExceptionally(e)) {
                throw new Engine.Unavailable("the Spark master at " + master + " accepts connections but did not "
                        + "take the application within " + REGISTRATION_TIMEOUT.toSeconds() + " s: is it a Spark "
                        + "4 master (not another service, or a master of another Spark version)?");
            }
            sc = started.join();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Engine.Unavailable("interrupted while the Spark master at " + master + " registered the sweep");
        }
        if (sc.sc().isStopped()) {
            throw new Engine.Unavailable("the Spark master at " + master + " did not take the application (Spark "
                    + "stopped its context)");
        }
        return sc;
    }

    private static SparkConf base(int threads) {
        return new SparkConf().setAppName("rehearsal sweep")
                .set("spark.ui.enabled", "false")
                .set("spark.ui.showConsoleProgress", "false")
                .set("spark.task.cpus", Integer.toString(threads))
                // A unit of work reports its own failures; a task that still fails lost its process: retry it
                // on another once, not four times.
                .set("spark.task.maxFailures", "2");
    }

    /** {@code parallel} tasks at once in this process, {@code threads} threads each. */
    public static SparkEngine embedded(int parallel, int threads) {
        SparkConf conf = base(threads).setMaster("local[" + parallel * threads + "]")
                .set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        return new SparkEngine(conf, "embedded Spark local[" + parallel * threads + "]: " + parallel
                + " experiment(s) at once x " + threads + " thread(s)", null);
    }

    /** The master spark-submit launched this process for (its {@code spark.master} property), or null. */
    public static String submittedMaster() {
        return System.getProperty("spark.master");
    }

    /**
     * The engine of a process that {@code spark-submit} started: the master, the application jar, deploy mode
     * and executor settings are spark-submit's (it passes them as {@code spark.*} system properties, which
     * {@link SparkConf} reads); {@code threads} threads per task as always.
     */
    public static SparkEngine submitted(int threads) {
        String master = submittedMaster();
        if (master == null) {
            throw new IllegalStateException("not started by spark-submit: no spark.master property");
        }
        SparkConf conf = base(threads);
        if (master.startsWith("local") || master.contains("://127.0.0.1:") || master.contains("://localhost:")) {
            conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1").setIfMissing("spark.driver.host", "127.0.0.1");
        }
        return new SparkEngine(conf, "spark-submit's master " + master + ": " + threads
                + " thread(s) per experiment", null);
    }

    /**
     * A standalone cluster at {@code master}, {@code threads} threads per task, the application's jars
     * ({@link AppJars#forExecutors}, directories packed into {@code jarDir}) shipped to its executors.
     *
     * @throws Engine.Unavailable when the master cannot be reached or does not take the application in time
     */
    public static SparkEngine cluster(SparkMaster master, int threads, Path jarDir, SparkMemory executorMemory) {
        try {
            master.probe();
        } catch (SparkMaster.Unreachable e) {
            throw new Engine.Unavailable(e.getMessage());
        }
        List<Path> jars = AppJars.forExecutors(jarDir);
        SparkConf conf = base(threads).setMaster(master.url())
                .setJars(jars.stream().map(Path::toString).toArray(String[]::new))
                .set("spark.executor.memory", executorMemory.text());
        if (master.addresses().stream().allMatch(a -> a.host().equals("127.0.0.1") || a.host().equals("localhost"))) {
            conf.set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        }
        String host = System.getProperty("spark.driver.host");
        if (host != null) {
            conf.set("spark.driver.host", host);
        }
        return new SparkEngine(conf, "Spark cluster " + master + ": " + threads + " thread(s) per experiment, "
                + jars.size() + " jar(s) shipped", master);
    }

    @Override
    public void run(List<Task> tasks, Work work, Sink sink) {
        if (tasks.isEmpty()) {
            return;
        }
        if (sc.sc().isStopped()) {
            // The cluster dropped the application before the sweep began (Spark stops its context then).
            throw new Engine.Unavailable("Spark stopped its context for " + where + " before the sweep began");
        }
        JavaRDD<Task> rdd = sc.parallelize(tasks, tasks.size());
        ClassTag<Done> tag = ClassTag$.MODULE$.apply(Done.class);
        running = true;
        try {
            sc.sc().runJob(rdd.rdd(), new RunPartition(work), new Handler(sink), tag);
        } catch (Exception e) { // SparkException is checked, though Scala does not declare it
            if (sc.sc().isStopped()) {
                // Nothing of Rehearsal stops the context while a job runs: the process is shutting down, or the
                // cluster ended the application. What Spark logs while it winds down is not shown.
                SparkLog.close(null);
                throw new Engine.Stopped(stoppedMessage());
            }
            throw new EngineException(firstLine(e), e);
        } finally {
            running = false;
        }
    }

    /** A task and its result, from an executor back to the driver. */
    record Done(Task task, String result) implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
    }

    /** Runs the one task of a partition on an executor. */
    static final class RunPartition extends AbstractFunction1<Iterator<Task>, Done> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final Work work;

        RunPartition(Work work) {
            this.work = work;
        }

        @Override
        public Done apply(Iterator<Task> it) {
            Task t = it.next();
            if (it.hasNext()) {
                throw new IllegalStateException("a partition holds more than one task");
            }
            return new Done(t, work.run(t));
        }
    }

    /** On the driver, as each task's result arrives (Spark calls it from one thread at a time). */
    static final class Handler extends AbstractFunction2<Object, Done, BoxedUnit> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final transient Sink sink;

        Handler(Sink sink) {
            this.sink = sink;
        }

        @Override
        public BoxedUnit apply(Object partition, Done done) {
            sink.finished(done.task(), done.result());
            return BoxedUnit.UNIT;
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return (nl < 0 ? m : m.substring(0, nl)).trim() + (root != e ? " (cause: " + root + ")" : "");
    }

    @Override
    public int slots() {
        // Spark's cores (local[N] embedded: N = parallel x threads; a cluster: its executors' cores) over the
        // cores each task takes.
        int cpus = Integer.parseInt(sc.getConf().get("spark.task.cpus", "1"));
        return Math.max(1, sc.defaultParallelism() / cpus);
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        org.apache.spark.util.ShutdownHookManager.removeShutdownHook(hook);
        sc.stop();
    }
}
