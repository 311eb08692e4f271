package dev.rehearsal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.junit.jupiter.api.Test;

/**
 * The gate in front of Spark's console logging: lines before the stop are written in log4j2.properties' layout,
 * the stop message is written once, and nothing logged after it reaches stderr, whatever the logger's level.
 */
class SparkLogTest {
    @Test
    void nothingSparkLogsAfterTheStopLineIsWritten() {
        PrintStream saved = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(buf, true, StandardCharsets.UTF_8));
            SparkLog.install();
            SparkLog.install(); // once a process: a second engine does not add a second appender
            Logger executor = LogManager.getLogger("org.apache.spark.executor.Executor");
            executor.error("before the stop");
            SparkLog.close("rehearsal: stopped");
            executor.error("launch task rejected");
            LogManager.getLogger("org.apache.spark.util.Utils").error("a logger with a level of its own");
        } finally {
            SparkLog.reopenForTest();
            System.setErr(saved);
        }
        List<String> lines = buf.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(2, lines.size(), String.join("\n", lines));
        assertTrue(lines.get(0).matches("\\d\\d:\\d\\d:\\d\\d ERROR Executor: before the stop"), lines.get(0));
        assertEquals("rehearsal: stopped", lines.get(1));
    }
}
