package dev.rehearsal.engine;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Spark's log lines on stderr, behind a gate that a stopped sweep closes. Turning loggers off is not enough: a
 * thread that passed its logger's level check before the stop still wrote its line after the stop message (an
 * executor's "launch task ... rejected" error, seen once in CI). Here a line is written and the gate is closed
 * under one lock, so every line of Spark's either comes before the stop message or is not written.
 *
 * <p>{@link #install} replaces the console appender of {@code log4j2.properties} (named {@code stderr}) with
 * this one, same layout, on every logger that used it.
 */
final class SparkLog extends AbstractAppender {
    private static final Object LOCK = new Object();
    private static boolean closed;
    private static boolean installed;

    private SparkLog(Appender console) {
        super("rehearsal-stderr", null, console.getLayout(), true, Property.EMPTY_ARRAY);
    }

    /** Routes Spark's console logging through the gate (once a process; later calls do nothing). */
    static void install() {
        synchronized (LOCK) {
            if (installed || !(LogManager.getContext(false) instanceof LoggerContext ctx)) {
                return;
            }
            Configuration config = ctx.getConfiguration();
            Appender console = config.getAppender("stderr");
            if (console == null) {
                return; // not our log4j2.properties (a user's own configuration): left as the user set it
            }
            SparkLog gate = new SparkLog(console);
            gate.start();
            config.addAppender(gate);
            java.util.List<LoggerConfig> loggers = new java.util.ArrayList<>(config.getLoggers().values());
            if (!loggers.contains(config.getRootLogger())) {
                loggers.add(config.getRootLogger());
            }
            for (LoggerConfig logger : loggers) {
                if (logger.getAppenders().containsKey("stderr")) {
                    logger.removeAppender("stderr");
                    logger.addAppender(gate, null, null);
                }
            }
            ctx.updateLoggers();
            installed = true;
        }
    }

    /**
     * Closes the gate: no line of Spark's is written after this. {@code lastLine}, when not null, is written
     * first, under the same lock (the stop message).
     */
    static void close(String lastLine) {
        synchronized (LOCK) {
            closed = true;
            if (lastLine != null) {
                System.err.println(lastLine);
                System.err.flush();
            }
        }
    }

    /** Opens the gate again: for tests only, which close it in a process that goes on. */
    static void reopenForTest() {
        synchronized (LOCK) {
            closed = false;
        }
    }

    @Override
    public void append(LogEvent event) {
        synchronized (LOCK) {
            if (!closed) {
                System.err.print(getLayout().toSerializable(event));
                System.err.flush();
            }
        }
    }
}
