package dev.rehearsal.bench.backend.nativ;

import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.backend.nativ.GemmEngine;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.bench.TrainStep;
import dev.rehearsal.nn.Preset;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bytedeco.javacpp.Pointer;

/**
 * What oneDNN and OpenBLAS allocate for themselves, outside Rehearsal's exact figures: the process's
 * anonymous resident memory ({@code RssAnon} of /proc/self/status) before and after each library's first use,
 * with JavaCPP's own counter beside it (what Rehearsal allocated in the same window, to subtract). A
 * measurement, not an exact footprint: the JVM's own allocations in the window count too, so each window
 * runs only native work after a warm-up.
 *
 * <p>Usage: {@code java -cp benchmarks/target/benchmarks.jar dev.rehearsal.bench.backend.nativ.LibraryMemoryProbe
 * [threads]}
 */
public final class LibraryMemoryProbe {
    private LibraryMemoryProbe() {
    }

    private static long rssAnon() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("RssAnon:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IllegalStateException("no RssAnon in /proc/self/status");
    }

    private static long[] mark() throws IOException {
        return new long[] {rssAnon(), Pointer.totalBytes()};
    }

    private static void report(String what, long[] before, long[] after, String extra) {
        long rss = after[0] - before[0];
        long ours = after[1] - before[1];
        System.out.printf(Locale.ROOT, "%-58s resident %+,13d  Rehearsal (JavaCPP) %+,12d  libraries %+,13d%s%n",
                what, rss, ours, rss - ours, extra);
    }

    public static void main(String[] args) throws IOException {
        int threads = args.length > 0 ? Integer.parseInt(args[0]) : 2;
        // Load and compile the Java side first (on the jvm backend), so the windows below hold native work.
        try (JvmBackend jvm = new JvmBackend(1)) {
            for (String model : new String[] {"mlp", "vae"}) {
                try (TrainStep step = TrainStep.open(model, jvm, Preset.SEED, 16)) {
                    for (int i = 0; i < 200; i++) {
                        step.run();
                    }
                }
            }
        }
        long[] m0 = mark();
        NativeRuntime.init(threads, NativeRuntime.OmpWait.PASSIVE);
        long[] m1 = mark();
        report("load JavaCPP, OpenBLAS, oneDNN (" + threads + " threads)", m0, m1, "");
        // Models stay open until the end: memory freed in a window would be reused by the next one.
        List<TrainStep> open = new ArrayList<>();
        try (NativeBackend dnnl = new NativeBackend(threads, GemmEngine.DNNL, NativeRuntime.OmpWait.PASSIVE);
                NativeBackend blas = new NativeBackend(threads, GemmEngine.OPENBLAS, NativeRuntime.OmpWait.PASSIVE)) {
            for (NativeBackend be : new NativeBackend[] {dnnl, blas}) {
                String lib = be == dnnl ? "oneDNN" : "OpenBLAS";
                for (Preset p : Preset.values()) {
                    for (String model : new String[] {"mlp", "vae"}) {
                        int before = dnnl.primitiveCount();
                        long[] a = mark();
                        TrainStep step = TrainStep.open(model, be, p, 128);
                        open.add(step);
                        for (int i = 0; i < 3; i++) {
                            step.run();
                        }
                        long[] b = mark();
                        String made = be == dnnl
                                ? String.format(Locale.ROOT, "  (%d primitives)", dnnl.primitiveCount() - before) : "";
                        report(lib + ": " + p.id() + " " + model + ", its first 3 steps", a, b, made);
                        for (int i = 0; i < 200; i++) {
                            step.run();
                        }
                        report(lib + ": the same, 200 more steps", b, mark(), "");
                    }
                }
            }
        } finally {
            open.forEach(TrainStep::close);
        }
    }
}
