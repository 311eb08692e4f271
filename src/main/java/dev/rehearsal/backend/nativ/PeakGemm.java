package dev.rehearsal.backend.nativ;

import static org.bytedeco.dnnl.global.dnnl.dnnl_sgemm;
import static org.bytedeco.dnnl.global.dnnl.dnnl_success;

import dev.rehearsal.random.Rng;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The machine's limit as {@code bench} measures it beside the train steps: a square SGEMM
 * {@code C [n, n] = A [n, n] · B [n, n]} (n = {@link #N} = 1024 there) through oneDNN's {@code dnnl_sgemm}, on
 * the threads the native runtime was started with, on off-heap operands (uniform in [-1, 1)) this object owns
 * until {@link #close}. The JMH {@code PeakGemmBench} times the same GEMM ({@link #sgemm}) on the same operands,
 * with forks and warm-up iterations.
 */
public final class PeakGemm implements AutoCloseable {
    /** The side of the square GEMM {@code bench} measures. */
    public static final int N = 1024;

    private final int n;
    private final FloatPointer a;
    private final FloatPointer b;
    private final FloatPointer c;

    /** Allocates and fills the operands of an {@link #N}-sided GEMM, and runs {@code warmUp} GEMMs. */
    public PeakGemm(int warmUp) {
        this(N, warmUp);
    }

    /** As above for a side of {@code n}. */
    public PeakGemm(int n, int warmUp) {
        NativeRuntime.requireInit();
        this.n = n;
        long elements = (long) n * n;
        float[] values = new float[(int) elements];
        Rng rng = new Rng(5);
        a = new FloatPointer(elements);
        b = new FloatPointer(elements);
        c = new FloatPointer(elements);
        rng.fillUniform(values, 0, values.length, -1, 1);
        a.put(values);
        rng.fillUniform(values, 0, values.length, -1, 1);
        b.put(values);
        c.zero();
        for (int i = 0; i < warmUp; i++) {
            sgemm();
        }
    }

    /** GFLOP/s (2 n^3 FLOPs per GEMM) of {@code reps} GEMMs in a row, on the wall clock. */
    public double round(int reps) {
        return round(reps, System::nanoTime);
    }

    /** As {@link #round(int)}, timed on {@code clock} (nanoseconds; the calling thread's CPU time, say). */
    public double round(int reps, java.util.function.LongSupplier clock) {
        return rate(n, reps, clock, this::sgemm);
    }

    /** GFLOP/s of {@code reps} square products of side {@code n} (2 n^3 FLOPs each) run by {@code product}. */
    static double rate(int n, int reps, java.util.function.LongSupplier clock, Runnable product) {
        long t = clock.getAsLong();
        for (int i = 0; i < reps; i++) {
            product.run();
        }
        return 2.0 * n * n * n * reps / ((clock.getAsLong() - t) / 1e9) / 1e9;
    }

    /**
     * The one-thread peak as every command measures it at start-up: {@link #ROUNDS} rounds of
     * {@link #PER_ROUND} {@link #N}-sided GEMMs after {@link #WARM_UP}, on the calling thread alone (its OpenMP
     * thread count is set to 1 for the measurement and given back after it, so the team the native runtime was
     * started with, and every primitive built for it, are untouched); about 0.8 s. Starts nothing:
     * the native runtime must be running.
     */
    public static OneThread measureOneThread() {
        NativeRuntime.requireInit();
        long start = System.nanoTime();
        java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
        Kernels.rh_omp_set_threads(1);
        try (PeakGemm peak = new PeakGemm(N, WARM_UP)) {
            warmUp(() -> {
                long c0 = cpu.getCurrentThreadCpuTime();
                peak.sgemm();
                return (cpu.getCurrentThreadCpuTime() - c0) / 1e9;
            }, MIN_WARM_UP_SECONDS, MAX_WARM_UP_SECONDS, RAMP);
            double[] rounds = new double[ROUNDS];
            double[] wall = new double[ROUNDS];
            double flops = 2.0 * N * N * N * PER_ROUND;
            for (int r = 0; r < ROUNDS; r++) {
                // One thread: the GEMM runs on this thread, so its CPU time is the time the GEMM had a core.
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                for (int i = 0; i < PER_ROUND; i++) {
                    peak.sgemm();
                }
                long t1 = System.nanoTime();
                long c1 = cpu.getCurrentThreadCpuTime();
                rounds[r] = flops / ((c1 - c0) / 1e9) / 1e9;
                wall[r] = flops / ((t1 - t0) / 1e9) / 1e9;
            }
            return new OneThread(median(rounds), rounds, wall, (System.nanoTime() - start) / 1e9);
        } finally {
            Kernels.rh_omp_set_threads(NativeRuntime.threads());
        }
    }

    /** GEMMs before the timed rounds of {@link #measureOneThread}, before its timed warm-up. */
    public static final int WARM_UP = 1;
    /**
     * Seconds of GEMMs {@link #measureOneThread} runs at least before timing: an idle core of an AMD EPYC Zen 5
     * virtual machine ran the first 0.3-0.4 s of these GEMMs at about 132 GFLOP/s and then 206 (measured
     * 2026-12-07 in fresh processes), so a measurement inside that first stretch put the peak about a third low and
     * machine-use fractions above 100%.
     */
    static final double MIN_WARM_UP_SECONDS = 0.6;
    /** The warm-up goes on past its minimum while a GEMM still runs this much faster than the one before it. */
    static final double RAMP = 0.05;
    /** ... but stops after this many seconds whatever the GEMMs do. */
    static final double MAX_WARM_UP_SECONDS = 2.0;

    /**
     * Runs {@code gemm} (one product; it returns the seconds it took) for at least {@code minSeconds}, and on while
     * the last product ran more than {@code ramp} faster than the one before it (a clock or vector unit still
     * ramping up), at most {@code maxSeconds} in all. Returns how many products it ran.
     */
    static int warmUp(java.util.function.DoubleSupplier gemm, double minSeconds, double maxSeconds, double ramp) {
        double spent = 0;
        double previous = Double.NaN;
        int products = 0;
        while (spent < maxSeconds) {
            double seconds = gemm.getAsDouble();
            spent += seconds;
            products++;
            boolean ramping = !Double.isNaN(previous) && previous > seconds * (1 + ramp);
            previous = seconds;
            if (spent >= minSeconds && !ramping) {
                break;
            }
        }
        return products;
    }
    /** Timed rounds of {@link #measureOneThread}. */
    public static final int ROUNDS = 5;
    /** GEMMs per round of {@link #measureOneThread}. */
    public static final int PER_ROUND = 2;

    /**
     * A one-thread peak: the median of the rounds' GFLOP per second of the measuring thread's CPU time (what a
     * core does when it is the GEMM's: other processes sharing the machine do not lower it), each round's, each
     * round's per second of wall time (which they do lower), and the seconds the whole measurement took
     * (allocation and warm-up included).
     */
    public record OneThread(double gflops, double[] rounds, double[] wallRounds, double seconds) {
        /** How it was measured, in one sentence (results files and the console say it beside the figure). */
        public String how() {
            return N + "^3 SGEMM through oneDNN (dnnl_sgemm) on one thread, median of " + ROUNDS + " rounds of "
                    + PER_ROUND + " GEMMs after at least " + MIN_WARM_UP_SECONDS + " s of warm-up (longer while the "
                    + "GEMMs still speed up), in GFLOP per second of the thread's CPU "
                    + "time (a machine shared with other processes does not lower it; the rounds' wall-clock rates "
                    + "are beside it)";
        }
    }

    static double median(double[] v) {
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** One GEMM {@code C = A · B}. */
    public void sgemm() {
        int status = dnnl_sgemm((byte) 'N', (byte) 'N', n, n, n, 1f, a, n, b, n, 0f, c, n);
        if (status != dnnl_success) {
            throw new IllegalStateException("dnnl_sgemm failed with status " + status);
        }
    }

    /** The side n of the square operands. */
    public int side() {
        return n;
    }

    /** The operands [n, n], row-major: for other GEMMs of the same shape on the same data. */
    public FloatPointer a() {
        return a;
    }

    public FloatPointer b() {
        return b;
    }

    public FloatPointer c() {
        return c;
    }

    @Override
    public void close() {
        a.deallocate();
        b.deallocate();
        c.deallocate();
    }
}
