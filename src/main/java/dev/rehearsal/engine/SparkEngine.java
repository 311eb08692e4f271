package dev.rehearsal.engine;

import java.nio.file.Path;
import java.util.List;
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
 */
public final class SparkEngine implements Engine {
    private final JavaSparkContext sc;
    private final String description;

    private SparkEngine(SparkConf conf, String description) {
        // Netty reads this once, before Spark's first RPC (SPARK-NOTES: one of the flags Spark's launcher passes).
        System.setProperty("io.netty.tryReflectionSetAccessible", "true");
        this.sc = new JavaSparkContext(conf);
        this.sc.setLogLevel("WARN");
        this.description = description;
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
                + " experiment(s) at once x " + threads + " thread(s)");
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
                + " thread(s) per experiment");
    }

    /**
     * A standalone cluster at {@code master} (spark://host:port), {@code threads} threads per task, the
     * application's {@code jars} shipped to its executors.
     */
    public static SparkEngine cluster(String master, int threads, List<Path> jars, String executorMemory) {
        SparkConf conf = base(threads).setMaster(master)
                .setJars(jars.stream().map(Path::toString).toArray(String[]::new))
                .set("spark.executor.memory", executorMemory);
        if (master.contains("://127.0.0.1:") || master.contains("://localhost:")) {
            conf.set("spark.driver.bindAddress", "127.0.0.1").set("spark.driver.host", "127.0.0.1");
        }
        String host = System.getProperty("spark.driver.host");
        if (host != null) {
            conf.set("spark.driver.host", host);
        }
        return new SparkEngine(conf, "Spark cluster " + master + ": " + threads + " thread(s) per experiment, "
                + jars.size() + " jar(s) shipped");
    }

    @Override
    public void run(List<Task> tasks, Work work, Sink sink) {
        if (tasks.isEmpty()) {
            return;
        }
        JavaRDD<Task> rdd = sc.parallelize(tasks, tasks.size());
        ClassTag<Done> tag = ClassTag$.MODULE$.apply(Done.class);
        try {
            sc.sc().runJob(rdd.rdd(), new RunPartition(work), new Handler(sink), tag);
        } catch (RuntimeException e) {
            throw new EngineException(firstLine(e), e);
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
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        sc.stop();
    }
}
