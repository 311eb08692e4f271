package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import dev.rehearsal.ResultsSchema;

/**
 * Where a result came from, written into every results JSON: the layout's version ({@link ResultsSchema#VERSION})
 * and the file's kind (which definition of the schema it follows), Rehearsal's
 * version and the git commit it was built from (from {@code META-INF/rehearsal/build.properties}, which the
 * build writes with {@code git rev-parse HEAD}; null when the build had no git), and the machine (CPU model,
 * cores, the widest vector ISA the CPU reports).
 */
public final class Provenance {
    private static final Properties BUILD = build();

    private Provenance() {
    }

    /**
     * Adds {@code schema_version}, {@code kind} (results, run, sweep, scale, profile or frontier: the
     * schema's definition of the file), {@code rehearsal} (version, commit) and {@code machine} to {@code o}.
     */
    public static ObjectNode stamp(ObjectNode o, String kind) {
        ResultsSchema.stamp(o, kind);
        ObjectNode r = o.putObject("rehearsal");
        r.put("version", version());
        r.put("commit", commit());
        ObjectNode m = o.putObject("machine");
        m.put("cpu", cpuModel());
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("isa", isa());
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        m.put("java", System.getProperty("java.runtime.version"));
        // How idle OpenMP threads waited in this process (what --omp-wait auto decided), once the native
        // runtime has started: a run whose wait policy differs can differ a lot in wall time.
        dev.rehearsal.backend.nativ.NativeRuntime.OmpWait wait = dev.rehearsal.backend.nativ.NativeRuntime.waitPolicy();
        if (wait != null) {
            m.put("omp_wait", wait.name().toLowerCase(java.util.Locale.ROOT));
        }
        return o;
    }

    /**
     * Adds {@code cpu}, {@code cores}, {@code date} (UTC) and {@code rehearsal_commit} to {@code o}: which machine
     * and day a measurement printed outside the results schema (bench, report --efficiency) was taken on, so that
     * figures of different machines or days are never compared.
     */
    public static ObjectNode whereAndWhen(ObjectNode o) {
        o.put("cpu", cpuModel());
        o.put("cores", Runtime.getRuntime().availableProcessors());
        o.put("date", java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        o.put("rehearsal_commit", commit());
        return o;
    }

    /** Rehearsal's version ({@code dev} when run from classes the build did not stamp). */
    public static String version() {
        String v = BUILD.getProperty("version", "");
        return v.isBlank() ? "dev" : v;
    }

    /** The git commit of the build, or null when unknown. */
    public static String commit() {
        String c = BUILD.getProperty("commit", "").trim();
        return c.matches("[0-9a-f]{40}") ? c : null;
    }

    /** The CPU's model name from /proc/cpuinfo, or the architecture where that is not readable. */
    public static String cpuModel() {
        String m = cpuInfo("model name");
        return m != null ? m : System.getProperty("os.arch");
    }

    /** The widest vector extension the CPU reports: avx512, avx2, avx, sse4_2, or the architecture. */
    public static String isa() {
        String flags = cpuInfo("flags");
        if (flags != null) {
            List<String> f = List.of(flags.split("\\s+"));
            for (String[] isa : new String[][] {{"avx512f", "avx512"}, {"avx2", "avx2"}, {"avx", "avx"},
                {"sse4_2", "sse4_2"}}) {
                if (f.contains(isa[0])) {
                    return isa[1];
                }
            }
        }
        return System.getProperty("os.arch");
    }

    private static String cpuInfo(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith(key) && line.indexOf(':') > 0) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: unknown
        }
        return null;
    }

    private static Properties build() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("/META-INF/rehearsal/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // unknown build: version "dev", commit null
        }
        return p;
    }
}
