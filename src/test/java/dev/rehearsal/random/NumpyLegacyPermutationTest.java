package dev.rehearsal.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.ClassOrder;
import dev.rehearsal.config.ExperimentConfig;
import org.junit.jupiter.api.Test;

/**
 * NumPy's legacy generator, against values NumPy 1.24.2 printed (Debian's python3-numpy on this machine,
 * {@code np.random.RandomState(s).randint(0, 2**32, size=3, dtype=np.uint64)} and {@code np.random.seed(s);
 * np.random.permutation(n)}), and the class orders of the reference implementation, read from its own data
 * loader ({@code data/load.py}'s {@code get_context_set} after {@code np.random.seed(seed)}, the digits of each
 * context listed from its sub-dataset).
 */
class NumpyLegacyPermutationTest {
    @Test
    void rawOutputsAreMt19937AsNumpySeedsIt() {
        NumpyLegacyPermutation g = NumpyLegacyPermutation.seeded(5489);
        assertEquals(3499211612L, g.nextUint32(), "MT19937's published first output for 5489");
        assertEquals(581869302L, g.nextUint32());
        assertEquals(3890346734L, g.nextUint32());
        g = NumpyLegacyPermutation.seeded(2);
        assertEquals(1872583848L, g.nextUint32());
        assertEquals(794921487L, g.nextUint32());
        assertEquals(111352301L, g.nextUint32());
    }

    @Test
    void permutationsAreNumpys() {
        assertArrayEquals(new int[] {4, 1, 5, 0, 7, 2, 3, 6, 9, 8}, NumpyLegacyPermutation.seeded(2).permutation(10));
        assertArrayEquals(new int[] {5, 4, 1, 2, 9, 6, 7, 0, 3, 8}, NumpyLegacyPermutation.seeded(3).permutation(10));
        assertArrayEquals(new int[] {2, 8, 4, 9, 1, 6, 7, 3, 0, 5}, NumpyLegacyPermutation.seeded(0).permutation(10));
        assertArrayEquals(new int[] {6, 9, 5, 1, 8, 0, 7, 4, 2, 3},
                NumpyLegacyPermutation.seeded(4294967295L).permutation(10), "the largest seed");
        // 100 elements: masks up to 127, so the rejection loop redraws often; past the first 624-word block.
        int[] hundred = {80, 84, 33, 81, 93, 17, 36, 82, 69, 65, 92, 39, 56, 52, 51, 32, 31, 44, 78, 10, 2, 73, 97,
            62, 19, 35, 94, 27, 46, 38, 67, 99, 54, 95, 88, 40, 48, 59, 23, 34, 86, 53, 77, 15, 83, 41, 45, 91, 26, 98,
            43, 55, 24, 4, 58, 49, 21, 87, 3, 74, 30, 66, 70, 42, 47, 89, 8, 60, 0, 90, 57, 22, 61, 63, 7, 96, 13, 68,
            85, 14, 29, 28, 11, 18, 20, 50, 25, 6, 71, 76, 1, 16, 64, 79, 5, 75, 9, 72, 12, 37};
        assertArrayEquals(hundred, NumpyLegacyPermutation.seeded(1).permutation(100));
        assertThrows(IllegalArgumentException.class, () -> NumpyLegacyPermutation.seeded(-1));
        assertThrows(IllegalArgumentException.class, () -> NumpyLegacyPermutation.seeded(1L << 32));
    }

    @Test
    void theReferenceClassOrderIsTheReferenceLoadersForTheSeed() {
        ClassOrder reference = ClassOrder.parse("Reference");
        // The reference's contexts for seed 2: {1,3} {5,6} {0,2} {4,7} {8,9}, each as new labels 2k, 2k+1.
        assertArrayEquals(new int[] {3, 1, 5, 6, 0, 2, 7, 4, 9, 8}, reference.forSeed(2, 10));
        // Seed 3: {2,7} {3,8} {0,1} {5,6} {4,9}.
        assertArrayEquals(new int[] {7, 2, 3, 8, 1, 0, 5, 6, 9, 4}, reference.forSeed(3, 10));
        assertEquals("reference", reference.json());
        assertEquals(reference, ClassOrder.parse(reference.json()), "recorded and read back");
        ExperimentConfig c = new ExperimentConfig();
        c.classOrder = reference;
        c.seed = 3;
        c.validate();
        assertArrayEquals(new int[] {7, 2, 3, 8, 1, 0, 5, 6, 9, 4}, c.classOrderArray(), "the run's own seed");
        c.seed = -5;
        RehearsalException e = assertThrows(RehearsalException.class, c::validate, "refused when the config is read");
        assertEquals("invalid value for 'seed': -5 (expected 0 to 4294967295 with class-order reference (a NumPy "
                + "seed))", e.getMessage());
    }
}
