package dev.rehearsal.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.Synthetic;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ClassOrder;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.data.Dataset;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The protocol's data side: class orders (random per seed, fixed, explicit) and the validation split, checked
 * by index: disjoint from every task's training samples, stratified by class, the same for every permuted task.
 */
class ProtocolSplitTest {
    private static final Backend JVM = Backends.jvm();

    @Test
    void classOrderParsesEveryFormOnceAndRefusesTheRest() {
        assertTrue(ClassOrder.parse("Random").isRandom());
        assertTrue(ClassOrder.parse(" RANDOM ").isRandom());
        assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), ClassOrder.parse("fixed").resolvedFor(10).classes());
        assertEquals(List.of(3, 7, 0, 1), ClassOrder.parse("3, 7,0,1").classes());
        assertEquals(List.of(9, 8), ClassOrder.parse(List.of(9, 8)).classes());
        for (Object bad : new Object[] {"randm", "1,x", "", List.of("a"), 4.5, List.of(1.5), true}) {
            RehearsalException e = assertThrows(RehearsalException.class, () -> ClassOrder.parse(bad));
            assertTrue(e.getMessage().startsWith("invalid value for 'class-order'"), e.getMessage());
        }
        ExperimentConfig c = new ExperimentConfig();
        c.classOrder = ClassOrder.parse("1,1,2,3,4,5,6,7,8,9");
        assertThrows(RehearsalException.class, c::validate);
        c.classOrder = ClassOrder.parse("0,1,2,3,4,5,6,7,8,10");
        assertThrows(RehearsalException.class, c::validate);
        c.classOrder = ClassOrder.parse("fixed");
        c.validate();
        assertEquals(ClassOrder.labelOrder(10), c.classOrder, "fixed is recorded as the label order");
    }

    @Test
    void randomOrdersArePermutationsThatDifferBySeedAndRepeatForOneSeed() {
        ClassOrder random = ClassOrder.random();
        Set<List<Integer>> seen = new HashSet<>();
        int[] firstClassCount = new int[10];
        for (long seed = 1; seed <= 200; seed++) {
            int[] o = random.forSeed(seed, 10);
            int[] sorted = o.clone();
            Arrays.sort(sorted);
            assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, sorted, "a permutation of the classes");
            assertArrayEquals(o, random.forSeed(seed, 10), "the same seed draws the same order");
            seen.add(Arrays.stream(o).boxed().toList());
            firstClassCount[o[0]]++;
        }
        assertTrue(seen.size() >= 199, "200 seeds give (almost surely) 200 orders: " + seen.size());
        for (int k = 0; k < 10; k++) {
            // each class leads about 20 of 200 orders; 5 or fewer would be a biased shuffle (p < 1e-4)
            assertTrue(firstClassCount[k] > 5, "class " + k + " leads " + firstClassCount[k] + " of 200 orders");
        }
        ExperimentConfig c = new ExperimentConfig();
        c.classOrder = ClassOrder.random();
        c.seed = 7;
        c.validate();
        assertArrayEquals(random.forSeed(7, 10), c.classOrderArray());
        c.seed = 8;
        assertNotEquals(Arrays.toString(random.forSeed(7, 10)), Arrays.toString(c.classOrderArray()));
    }

    @Test
    void validationIsHeldOutOfTrainingClassByClass() {
        Dataset train = Synthetic.dataset(JVM, "syn-train", 10, 50, 1);
        Dataset test = Synthetic.dataset(JVM, "syn-test", 10, 10, 2);
        int[] order = {3, 7, 0, 1, 2, 4, 5, 6, 8, 9};
        try (Scenario sc = Scenario.split(train, test, order, 2, Setting.CLASS, true, 0, 0, 0.1, 5)) {
            assertTrue(sc.hasValidation());
            assertSame(train, Held.VALIDATION.images(sc), "validation images come from the training file");
            assertSame(test, Held.TEST.images(sc));
            Set<Integer> trained = new HashSet<>();
            sc.tasks().forEach(t -> Arrays.stream(t.trainIndices()).forEach(trained::add));
            for (Task t : sc.tasks()) {
                // 50 samples a class: 5 held out each (round(0.1 x 50)), 45 trained
                assertEquals(10, t.validationSize());
                assertEquals(90, t.trainSize());
                for (int k = 0; k < t.validationSize(); k++) {
                    int i = t.validationIndices()[k];
                    assertTrue(!trained.contains(i), "validation sample " + i + " is trained on");
                    assertEquals(t.lo() + indexOf(t.classes(), train.label(i)), t.validationTargets()[k]);
                }
                for (int c : t.classes()) {
                    long held = Arrays.stream(t.validationIndices()).filter(i -> train.label(i) == c).count();
                    assertEquals(5, held, "stratified: class " + c);
                }
                // the task's samples are exactly its training plus its validation samples
                Set<Integer> all = new HashSet<>();
                Arrays.stream(t.trainIndices()).forEach(all::add);
                Arrays.stream(t.validationIndices()).forEach(all::add);
                assertEquals(100, all.size());
            }
        }
        try (Scenario none = Scenario.split(train, test, order, 2, Setting.CLASS, true, 0, 0, 0, 5);
                Scenario same = Scenario.split(train, test, order, 2, Setting.CLASS, true, 0, 0, 5)) {
            assertTrue(!none.hasValidation());
            for (int t = 0; t < 5; t++) {
                assertArrayEquals(same.tasks().get(t).trainIndices(), none.tasks().get(t).trainIndices());
            }
        }
    }

    @Test
    void trainLimitAppliesAfterTheHoldOutAndWithoutOneIsUnchanged() {
        Dataset train = Synthetic.dataset(JVM, "syn-train", 10, 50, 1);
        Dataset test = Synthetic.dataset(JVM, "syn-test", 10, 10, 2);
        int[] order = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        try (Scenario sc = Scenario.split(train, test, order, 2, Setting.CLASS, true, 30, 0, 0.2, 9)) {
            for (Task t : sc.tasks()) {
                assertEquals(30, t.trainSize());
                assertEquals(20, t.validationSize());
                Set<Integer> val = new HashSet<>();
                Arrays.stream(t.validationIndices()).forEach(val::add);
                assertTrue(Arrays.stream(t.trainIndices()).noneMatch(val::contains));
            }
        }
    }

    @Test
    void permutedTasksShareOneHeldOutSetNoTaskTrainsOn() {
        Dataset train = Synthetic.dataset(JVM, "syn-train", 10, 40, 1);
        Dataset test = Synthetic.dataset(JVM, "syn-test", 10, 10, 2);
        try (Scenario sc = Scenario.permuted(JVM, train, test, 3, Setting.DOMAIN, false, 0, 0, 0.25, 4)) {
            int[] held = sc.tasks().get(0).validationIndices();
            assertEquals(100, held.length, "10 a class of 40");
            for (Task t : sc.tasks()) {
                assertArrayEquals(held, t.validationIndices(), "the same images for every permutation");
                Set<Integer> trained = new HashSet<>();
                Arrays.stream(t.trainIndices()).forEach(trained::add);
                assertTrue(Arrays.stream(held).noneMatch(trained::contains));
                assertEquals(300, t.trainSize());
            }
        }
    }

    @Test
    void validationFractionIsRangeChecked() {
        for (double bad : new double[] {-0.1, 0.51, Double.NaN, 1}) {
            ExperimentConfig c = new ExperimentConfig();
            c.validation = bad;
            RehearsalException e = assertThrows(RehearsalException.class, c::validate);
            assertTrue(e.getMessage().startsWith("invalid value for 'validation'"), e.getMessage());
        }
    }

    private static int indexOf(int[] a, int v) {
        for (int i = 0; i < a.length; i++) {
            if (a[i] == v) {
                return i;
            }
        }
        return -1;
    }
}
