package dev.rehearsal.random;

/**
 * The permutation NumPy's legacy global generator gives after {@code np.random.seed(seed)}:
 * {@code np.random.permutation(n)}, bit for bit. It is what GMvandeVen/continual-learning's data loader draws to
 * assign classes to tasks for a seed ({@code data/load.py}: {@code np.random.permutation(list(range(classes)))}
 * right after {@code main.py} seeds NumPy), so that Rehearsal can run the reference implementation's very class
 * orders. MT19937 seeded with {@code init_genrand} (NumPy's seeding of a scalar integer), the Fisher-Yates
 * shuffle from the last element down, and each index drawn by NumPy's bounded rejection: the draw masked to the
 * bound's bit length, redrawn while above it.
 */
public final class NumpyLegacyPermutation {
    private static final int N = 624;
    private static final int M = 397;
    private final int[] mt = new int[N];
    private int index;

    private NumpyLegacyPermutation(long seed) {
        if (seed < 0 || seed > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("NumPy seeds are 0 to 2^32 - 1, not " + seed);
        }
        mt[0] = (int) seed;
        for (int i = 1; i < N; i++) {
            mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }
        index = N;
    }

    /** MT19937's next 32-bit output (genrand_int32), as an unsigned value. */
    long nextUint32() {
        if (index >= N) {
            for (int k = 0; k < N; k++) {
                int y = (mt[k] & 0x80000000) | (mt[(k + 1) % N] & 0x7fffffff);
                mt[k] = mt[(k + M) % N] ^ (y >>> 1) ^ ((y & 1) == 0 ? 0 : 0x9908b0df);
            }
            index = 0;
        }
        int y = mt[index++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y & 0xFFFFFFFFL;
    }

    /** A uniform integer in [0, max] by NumPy's legacy rejection (random_interval / rk_interval). */
    private int interval(int max) {
        if (max == 0) {
            return 0;
        }
        long mask = max;
        mask |= mask >>> 1;
        mask |= mask >>> 2;
        mask |= mask >>> 4;
        mask |= mask >>> 8;
        mask |= mask >>> 16;
        long value;
        do {
            value = nextUint32() & mask;
        } while (value > max);
        return (int) value;
    }

    /** The generator as {@code np.random.seed(seed)} leaves it. */
    public static NumpyLegacyPermutation seeded(long seed) {
        return new NumpyLegacyPermutation(seed);
    }

    /** {@code np.random.permutation(n)}: 0..n-1 shuffled in place from the last element down. */
    public int[] permutation(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = interval(i);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
