package dev.rehearsal.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The forms Spark accepts are accepted, as typed values; the checks need no Spark (none is loaded here). */
class SparkSettingsTest {
    @Test
    void mastersSparkAcceptsParseIntoHostsAndPorts() {
        assertEquals(List.of(new SparkMaster.Address("127.0.0.1", 7077)),
                SparkMaster.parse("spark://127.0.0.1:7077").addresses());
        assertEquals(List.of(new SparkMaster.Address("[::1]", 7077)), SparkMaster.parse("spark://[::1]:7077").addresses());
        assertEquals(List.of(new SparkMaster.Address("m1.example.org", 7077), new SparkMaster.Address("m2", 17077)),
                SparkMaster.parse("spark://m1.example.org:7077,m2:17077").addresses(), "masters in standby");
        assertEquals("spark://m1:1", SparkMaster.parse("spark://m1:1").url());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SparkMaster.parse("spark://host:7077,host2"));
        assertTrue(e.getMessage().contains("'host2'") && e.getMessage().contains("no port"), e.getMessage());
    }

    @Test
    void sizesFollowSparksUnitsAndMinimum() {
        assertEquals(2L << 30, SparkMemory.parse("2g").bytes());
        assertEquals(2L << 30, SparkMemory.parse("2GB").bytes());
        assertEquals(450L << 20, SparkMemory.parse("450m").bytes(), "Spark's minimum itself");
        assertEquals(SparkMemory.MIN_BYTES, 450L << 20);
        assertEquals(1L << 40, SparkMemory.parse("1t").bytes());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkMemory.parse("449m")).getMessage()
                .contains("minimum"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SparkMemory.parse("2048")).getMessage()
                .contains("give a unit"));
    }

    /** A port on 127.0.0.1 that nothing listens on is refused at once: the probe names it. */
    @Test
    @Timeout(30)
    void theProbeNamesAMasterThatRefuses() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        SparkMaster m = SparkMaster.parse("spark://127.0.0.1:" + port);
        SparkMaster.Unreachable e = assertThrows(SparkMaster.Unreachable.class, m::probe);
        assertTrue(e.getMessage().contains("spark://127.0.0.1:" + port) && e.getMessage().contains("refused"),
                e.getMessage());
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            SparkMaster.parse("spark://127.0.0.1:" + listening.getLocalPort()).probe(); // accepts: no exception
        }
    }
}
