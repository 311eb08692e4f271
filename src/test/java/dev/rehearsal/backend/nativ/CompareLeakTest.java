package dev.rehearsal.backend.nativ;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.rehearsal.cli.Cli;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** After a whole compare, every off-heap byte it allocated is released. */
class CompareLeakTest {

    @Test
    void compareReleasesEveryNativeByte(@TempDir Path out) {
        dev.rehearsal.Backends.nativ(); // the runtime is up before we take the baseline
        long before = settled();
        Cli r = Cli.run("compare", "--quick", "--train-limit", "600", "--vae-epochs", "1", "--per-class", "50", "--quiet", "--out",
                out.toString());
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(before, settled(), "Pointer.totalBytes() is back to its baseline");
    }

    /** JavaCPP's count after its garbage (small objects its presets allocate and drop) is freed. */
    private static long settled() {
        return NativeRuntime.settledAllocatedBytes();
    }
}
