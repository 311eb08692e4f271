package dev.rehearsal.backend.nativ;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_full;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * Loads the native libraries once per process, in the order that makes one thread setting hold for both:
 * our kernels first (they can set environment variables), then {@code OMP_NUM_THREADS} and
 * {@code OMP_WAIT_POLICY} for the OpenMP runtime oneDNN brings (read when it loads), then OpenBLAS (its
 * pthread pool takes {@code blas_set_num_threads}), then oneDNN.
 *
 * <p>The arrangement is fixed at start-up: a second request for another thread count or wait policy in
 * the same process is refused rather than silently ignored.
 */
public final class NativeRuntime {
    /** What idle OpenMP threads do between oneDNN calls. */
    public enum OmpWait {
        /** The runtime's default: spin for a while, then sleep. */
        DEFAULT,
        /** Sleep at once: leaves the cores to OpenBLAS and the JVM. */
        PASSIVE,
        /** Spin: lowest latency when oneDNN owns the cores. */
        ACTIVE,
        /**
         * Spin briefly (GOMP_SPINCOUNT 20,000 spins, well under a millisecond), then sleep: covers the
         * microseconds of Java work between the primitives of one step without holding a core between steps.
         */
        BRIEF,
        /**
         * Decided at start-up: {@link #BRIEF} when the machine has a free core for every thread (measured over
         * {@link #SAMPLE_MILLIS} ms from /proc/stat, this process's own CPU time left out), {@link #PASSIVE}
         * otherwise, or when /proc cannot be read. Spinning threads are 1.4x faster on an idle machine of this
         * kind (waking a sleeping virtual CPU costs tens of microseconds, several times a step) and 2.5x slower
         * on one where another process holds a core (README, Performance).
         */
        AUTO
    }

    /** How long {@link OmpWait#AUTO} watches the machine before it decides. */
    static final long SAMPLE_MILLIS = 120;

    /** Spins of {@link OmpWait#BRIEF}; libgomp's own default is 300,000. */
    static final int BRIEF_SPINS = 20_000;

    private static int threads;
    private static OmpWait wait;
    /** Whether {@link #wait} was decided by {@link OmpWait#AUTO}, and the free cores it saw. */
    private static boolean decided;
    private static double freeSeen = Double.NaN;

    private NativeRuntime() {
    }

    /** Loads everything with {@code threads} threads for both libraries; idempotent for the same settings. */
    public static synchronized void init(int requestedThreads, OmpWait requestedWait) {
        if (requestedThreads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + requestedThreads);
        }
        if (threads != 0) {
            // AUTO accepts the policy already decided; an explicit request must match it.
            if (threads != requestedThreads || (requestedWait != OmpWait.AUTO && wait != requestedWait)) {
                throw new IllegalStateException("the native libraries were started with " + threads + " threads ("
                        + wait + " wait); a process cannot switch to " + requestedThreads + " (" + requestedWait
                        + "): run it in a new process");
            }
            return;
        }
        Loader.load(Kernels.class);
        if (Kernels.rh_omp_max_threads() != -1) {
            throw new IllegalStateException("the OpenMP runtime was loaded before Rehearsal could configure it");
        }
        Kernels.rh_setenv("OMP_NUM_THREADS", Integer.toString(requestedThreads));
        if (requestedWait == OmpWait.AUTO) {
            freeSeen = requestedThreads == 1 ? Double.NaN : freeCpus(SAMPLE_MILLIS);
            requestedWait = decide(requestedThreads, freeSeen);
            decided = true;
        }
        switch (requestedWait) {
            case PASSIVE, ACTIVE -> Kernels.rh_setenv("OMP_WAIT_POLICY", requestedWait.name());
            case BRIEF -> Kernels.rh_setenv("GOMP_SPINCOUNT", Integer.toString(BRIEF_SPINS));
            case DEFAULT, AUTO -> {
            }
        }
        Kernels.rh_setenv("OPENBLAS_NUM_THREADS", Integer.toString(requestedThreads));
        Loader.load(openblas_nolapack.class);
        org.bytedeco.openblas.presets.openblas_nolapack.blas_set_num_threads(requestedThreads);
        Loader.load(dnnl.class);
        // Our long elementwise passes (Adam, SGD, fills) run on the team oneDNN just brought.
        int team = Kernels.rh_team_init(requestedThreads);
        if (team != 0) {
            throw new IllegalStateException("the OpenMP runtime oneDNN loaded has no GOMP_parallel (code " + team
                    + ")");
        }
        threads = requestedThreads;
        wait = requestedWait;
    }

    /**
     * The policy AUTO chooses for {@code threads} threads when {@code freeCpus} cores are free (NaN: unknown):
     * one thread never waits for a team; spinning only when every thread has a core of its own.
     */
    static OmpWait decide(int threads, double freeCpus) {
        if (threads == 1) {
            return OmpWait.PASSIVE;
        }
        return !Double.isNaN(freeCpus) && freeCpus >= threads - 0.25 ? OmpWait.BRIEF : OmpWait.PASSIVE;
    }

    /**
     * Cores no other process used over the next {@code millis} ms: all cores minus the busy time of
     * /proc/stat (idle and iowait excluded) not spent by this process (/proc/self/stat); NaN if /proc cannot
     * be read.
     */
    static double freeCpus(long millis) {
        try {
            long[] a = cpuTicks();
            Thread.sleep(millis);
            long[] b = cpuTicks();
            long total = b[0] - a[0];
            long busyOthers = (b[1] - a[1]) - (b[2] - a[2]);
            if (total <= 0 || b[3] <= 0) {
                return Double.NaN;
            }
            double free = b[3] - Math.max(0, busyOthers) * (double) b[3] / total;
            // A container may see fewer cores than the host's /proc/stat lists.
            return Math.min(free, Runtime.getRuntime().availableProcessors());
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    /** {all ticks of all cores, busy ticks of all cores, this process's ticks, cores counted}. */
    private static long[] cpuTicks() throws java.io.IOException {
        long total = 0;
        long busy = 0;
        int cores = 0;
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat"))) {
            if (line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3))) {
                cores++;
            } else if (line.startsWith("cpu ")) {
                String[] f = line.trim().split("\\s+");
                for (int i = 1; i < f.length && i <= 8; i++) { // user nice system idle iowait irq softirq steal
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) {
                        busy += v;
                    }
                }
            }
        }
        String self = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
        // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
        String[] f = self.substring(self.lastIndexOf(')') + 2).trim().split("\\s+");
        long mine = Long.parseLong(f[11]) + Long.parseLong(f[12]);
        return new long[] {total, busy, mine, cores};
    }

    /** The wait policy in force (AUTO already decided), or null before {@link #init}. */
    public static synchronized OmpWait waitPolicy() {
        return wait;
    }

    public static synchronized int threads() {
        return threads;
    }

    /** Whether {@link #init} ran in this process (its settings are then fixed). */
    public static synchronized boolean started() {
        return threads != 0;
    }

    static void requireInit() {
        if (threads == 0) {
            throw new IllegalStateException("NativeRuntime.init was not called");
        }
    }

    /** Bytes JavaCPP has allocated and not freed in this process: the cross-check for arenas' counters. */
    public static long allocatedBytes() {
        return Pointer.totalBytes();
    }

    /**
     * {@link #allocatedBytes()} after JavaCPP's garbage is collected: some presets allocate small objects
     * and drop them, and they leave the count only when the collector finds them.
     *
     * <p>The collector hands dropped pointers to JavaCPP asynchronously, so two equal readings in a row prove
     * nothing on a busy machine (the hand-over may simply not have happened yet). A sentinel block is
     * allocated and dropped first: once the count is back below where it was before the sentinel, the
     * collection that found the sentinel has been handed over, and with it everything dropped before it;
     * then two equal readings end the wait. Bounded at about two seconds.
     */
    public static long settledAllocatedBytes() {
        long before = Pointer.totalBytes();
        BytePointer sentinel = new BytePointer(SENTINEL_BYTES);
        sentinel.put(0L, (byte) 1); // touched, so it is a real block
        sentinel = null;
        long last = -1;
        long deadline = System.nanoTime() + 2_000_000_000L;
        for (int round = 0; System.nanoTime() < deadline; round++) {
            System.gc();
            Pointer.deallocateReferences();
            long now = Pointer.totalBytes();
            if (now <= before && now == last) {
                return now;
            }
            last = now;
            try {
                Thread.sleep(Math.min(50, 2 + round));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return last;
    }

    /** The sentinel of {@link #settledAllocatedBytes()}: large enough that no rounding hides its release. */
    private static final long SENTINEL_BYTES = 4096;

    /** Resident memory of the whole process (JVM heap included): a measurement, never a footprint. */
    public static long residentBytes() {
        return Pointer.physicalBytes();
    }

    /** Versions and settings of the native stack, for {@code rehearsal info}. */
    public static synchronized Map<String, String> describe() {
        requireInit();
        Map<String, String> out = new LinkedHashMap<>();
        try {
            out.put("javacpp", Loader.getVersion());
        } catch (IOException e) {
            out.put("javacpp", "unknown (" + e.getMessage() + ")");
        }
        out.put("platform", Loader.getPlatform());
        Loader.load(openblas_full.class);
        BytePointer config = openblas_full.openblas_get_config();
        BytePointer core = openblas_full.openblas_get_corename();
        out.put("openblas", openblas_nolapack.OPENBLAS_VERSION.trim());
        out.put("openblas_config", config == null ? "" : config.getString().trim());
        out.put("openblas_core", core == null ? "" : core.getString());
        out.put("openblas_threads", Integer.toString(openblas_full.openblas_get_num_threads()));
        dnnl_version_t v = dnnl.dnnl_version();
        out.put("onednn", v.major() + "." + v.minor() + "." + v.patch());
        out.put("onednn_cpu_runtime", switch (v.cpu_runtime()) {
            case 1 -> "sequential";
            case 2 -> "OpenMP";
            case 4 -> "TBB";
            case 8 -> "threadpool";
            default -> "code " + v.cpu_runtime();
        });
        out.put("onednn_isa", isaName(dnnl.dnnl_get_effective_cpu_isa()));
        out.put("onednn_avx512_bf16", Boolean.toString(hasBf16()));
        out.put("onednn_amx", Boolean.toString(hasAmx()));
        out.put("onednn_threads", Integer.toString(Kernels.rh_omp_max_threads()));
        out.put("omp_wait_policy", !decided ? wait.name() : wait.name() + " (auto" + (Double.isNaN(freeSeen) ? ""
                : String.format(java.util.Locale.ROOT, ": %.2f free cores at start-up", freeSeen)) + ")");
        out.put("kernel_team_threads", Integer.toString(Kernels.rh_team_threads()));
        out.put("kernels_isa", Kernels.rh_kernel_isa());
        return out;
    }

    /**
     * Whether oneDNN runs bfloat16 matmuls natively here: its ISA includes avx512_core_bf16 (AVX512_BF16, as
     * on AMD Zen 4 and newer and Intel Cooper Lake) or is newer (AMX). oneDNN's ISA codes are bit masks in
     * which a newer ISA contains every bit of the older ones.
     */
    public static boolean hasBf16() {
        requireInit();
        int isa = dnnl.dnnl_get_effective_cpu_isa();
        return (isa & dnnl.dnnl_cpu_isa_avx512_core_bf16) == dnnl.dnnl_cpu_isa_avx512_core_bf16;
    }

    /**
     * Whether oneDNN can use AMX tiles here (Intel Sapphire Rapids and newer): its ISA includes every bit of
     * avx10_1_512_amx (oneDNN's avx512_core_amx).
     */
    public static boolean hasAmx() {
        requireInit();
        int isa = dnnl.dnnl_get_effective_cpu_isa();
        return (isa & dnnl.dnnl_cpu_isa_avx10_1_512_amx) == dnnl.dnnl_cpu_isa_avx10_1_512_amx;
    }

    /**
     * The ISA oneDNN dispatches to on this CPU (its effective-ISA query, {@code dnnl_get_effective_cpu_isa}), by
     * oneDNN's own name: {@code dnnl_cpu_isa_<name>} of its API, the newer name where two share a value.
     */
    public static String isa() {
        requireInit();
        return isaName(dnnl.dnnl_get_effective_cpu_isa());
    }

    static String isaName(int isa) {
        // Highest first; several names share a value, so this is a chain rather than a switch.
        int[] codes = {dnnl.dnnl_cpu_isa_avx10_2_512_amx_2, dnnl.dnnl_cpu_isa_avx10_2_512,
            dnnl.dnnl_cpu_isa_avx10_1_512_amx_fp16, dnnl.dnnl_cpu_isa_avx10_1_512_amx, dnnl.dnnl_cpu_isa_avx10_1_512,
            dnnl.dnnl_cpu_isa_avx512_core_bf16, dnnl.dnnl_cpu_isa_avx512_core_vnni, dnnl.dnnl_cpu_isa_avx512_core,
            dnnl.dnnl_cpu_isa_avx2_vnni_2, dnnl.dnnl_cpu_isa_avx2_vnni, dnnl.dnnl_cpu_isa_avx2, dnnl.dnnl_cpu_isa_avx,
            dnnl.dnnl_cpu_isa_sse41};
        String[] names = {"avx10_2_512_amx_2", "avx10_2_512", "avx10_1_512_amx_fp16", "avx10_1_512_amx",
            "avx10_1_512", "avx512_core_bf16", "avx512_core_vnni", "avx512_core", "avx2_vnni_2",
            "avx2_vnni", "avx2", "avx", "sse41"};
        for (int i = 0; i < codes.length; i++) {
            if (isa == codes[i]) {
                return names[i];
            }
        }
        // A code this list does not know (a newer oneDNN): the newest ISA of the list it contains every bit of.
        for (int i = 0; i < codes.length; i++) {
            if ((isa & codes[i]) == codes[i]) {
                return names[i];
            }
        }
        return "default";
    }
}
