package dev.rehearsal.random;

/**
 * SplitMix64 (Steele, Lea and Flood 2014): one 64-bit word of state, so a run's random stream can be
 * checkpointed and resumed bit for bit. Gaussians come from the Marsaglia polar method, in pairs, with the
 * spare kept as part of the state.
 */
public final class Rng {
    /** SplitMix64's increment: the state after n draws from seed s is s + n * GAMMA (mod 2^64). */
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    /** GAMMA's inverse mod 2^64 (GAMMA is odd), so a state tells how many draws led to it. */
    private static final long GAMMA_INVERSE = inverse(GAMMA);
    private long state;
    private boolean hasSpare;
    private double spare;

    public Rng(long seed) {
        this.state = seed;
    }

    /** An independent stream derived from this one (advances this one by one draw). */
    public Rng split() {
        return new Rng(nextLong() ^ GAMMA);
    }

    public long nextLong() {
        long z = (state += GAMMA);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in [0, bound), without modulo bias (Lemire 2019). */
    public int nextInt(int bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be positive, got " + bound);
        }
        long m = (nextLong() >>> 32) * bound;
        long low = m & 0xffffffffL;
        if (low < bound) {
            long threshold = (0x100000000L - bound) % bound;
            while (low < threshold) {
                m = (nextLong() >>> 32) * bound;
                low = m & 0xffffffffL;
            }
        }
        return (int) (m >>> 32);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** Uniform in [lo, hi). */
    public double uniform(double lo, double hi) {
        return lo + (hi - lo) * nextDouble();
    }

    /** Standard normal. */
    public double nextGaussian() {
        if (hasSpare) {
            hasSpare = false;
            return spare;
        }
        double u;
        double v;
        double s;
        do {
            u = 2 * nextDouble() - 1;
            v = 2 * nextDouble() - 1;
            s = u * u + v * v;
        } while (s >= 1 || s == 0);
        double f = Math.sqrt(-2 * Math.log(s) / s);
        spare = v * f;
        hasSpare = true;
        return u * f;
    }

    public void fillGaussian(float[] out, int offset, int n) {
        for (int i = 0; i < n; i++) {
            out[offset + i] = (float) nextGaussian();
        }
    }

    public void fillUniform(float[] out, int offset, int n, double lo, double hi) {
        for (int i = 0; i < n; i++) {
            out[offset + i] = (float) uniform(lo, hi);
        }
    }

    /** Fisher-Yates shuffle of {@code a[0..n)}. */
    public void shuffle(int[] a, int n) {
        for (int i = n - 1; i > 0; i--) {
            int j = nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }

    /** The full state, for checkpoints: {@code {state, hasSpare ? 1 : 0, bits of spare}}. */
    public long[] saveState() {
        return new long[] {state, hasSpare ? 1 : 0, Double.doubleToRawLongBits(spare)};
    }

    /**
     * Why {@code saved} cannot be the state of a stream started with {@code seed} after at most
     * {@code maxDraws} draws, or null when it can: 3 words, a spare flag of 0 or 1, a finite spare, and a
     * state word {@code seed + n * GAMMA} with 1 <= n <= maxDraws (a checkpoint is written after a task, so
     * its stream has drawn; any other word, an all-zero state among them, was not written by that run).
     */
    public static String invalidState(long seed, long[] saved, long maxDraws) {
        if (saved.length != 3) {
            return "it has " + saved.length + " words, expected 3";
        }
        if (saved[1] != 0 && saved[1] != 1) {
            return "its spare flag is " + saved[1] + ", expected 0 or 1";
        }
        if (!Double.isFinite(Double.longBitsToDouble(saved[2]))) {
            return "its spare Gaussian is " + Double.longBitsToDouble(saved[2]) + ", expected a finite number";
        }
        long draws = (saved[0] - seed) * GAMMA_INVERSE;
        if (Long.compareUnsigned(draws, 1) < 0 || Long.compareUnsigned(draws, maxDraws) > 0) {
            return "its state word " + saved[0] + " is not reached from seed " + seed + " within " + maxDraws
                    + " draws";
        }
        return null;
    }

    /** The inverse of an odd number mod 2^64 (Newton's iteration doubles the correct bits each step). */
    private static long inverse(long odd) {
        long x = odd; // correct to 3 bits: odd * odd = 1 mod 8
        for (int i = 0; i < 5; i++) {
            x *= 2 - odd * x;
        }
        return x;
    }

    public void restoreState(long[] saved) {
        if (saved.length != 3) {
            throw new IllegalArgumentException("an Rng state has 3 words, got " + saved.length);
        }
        state = saved[0];
        hasSpare = saved[1] != 0;
        spare = Double.longBitsToDouble(saved[2]);
    }
}
