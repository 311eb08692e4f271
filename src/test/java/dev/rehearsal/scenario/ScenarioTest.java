package dev.rehearsal.scenario;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.Backends;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.Synthetic;
import dev.rehearsal.data.Dataset;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScenarioTest {
    private static Dataset train;
    private static Dataset test;

    @BeforeAll
    static void data() {
        train = Synthetic.dataset(Backends.jvm(), "syn-train", 10, 20, 1);
        test = Synthetic.dataset(Backends.jvm(), "syn-test", 10, 5, 2);
    }

    @AfterAll
    static void close() {
        train.close();
        test.close();
    }

    private static int[] order() {
        return new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    }

    @Test
    void splitMnistHasFiveTasksOfTwoClassesInTheirOwnUnits() {
        try (Scenario sc = Scenario.split(train, test, order(), 2, Setting.CLASS, true, 0, 1)) {
            assertEquals(5, sc.taskCount());
            for (Task t : sc.tasks()) {
                assertArrayEquals(new int[] {2 * t.index(), 2 * t.index() + 1}, t.classes());
                assertEquals(40, t.trainSize());
                assertEquals(10, t.testSize());
                for (int i = 0; i < t.trainSize(); i++) {
                    int label = train.label(t.trainIndices()[i]);
                    assertTrue(label == t.classes()[0] || label == t.classes()[1]);
                    assertEquals(label, t.trainTargets()[i], "unit = position in the class order");
                }
                assertEquals(2 * t.index() + 2, sc.outputsDuring(t.index()), "the head grows by two per task");
                assertArrayEquals(new int[] {0, 2 * t.index() + 2}, sc.classRange(t, sc.outputsDuring(t.index())));
                assertNull(sc.permutation(t));
            }
            assertEquals(10, sc.outputCapacity());
            assertEquals(2, sc.initialOutputs());
        }
    }

    @Test
    void classOrderMapsClassesToUnitsInOrderOfAppearance() {
        int[] order = {9, 3, 0, 1, 2, 4, 5, 6, 7, 8};
        try (Scenario sc = Scenario.split(train, test, order, 2, Setting.CLASS, true, 0, 1)) {
            Task first = sc.tasks().get(0);
            assertArrayEquals(new int[] {9, 3}, first.classes());
            for (int i = 0; i < first.trainSize(); i++) {
                int label = train.label(first.trainIndices()[i]);
                assertEquals(label == 9 ? 0 : 1, first.trainTargets()[i]);
            }
        }
    }

    @Test
    void taskAndDomainSettingsUseTheTasksOwnUnits() {
        try (Scenario task = Scenario.split(train, test, order(), 2, Setting.TASK, true, 0, 1);
                Scenario domain = Scenario.split(train, test, order(), 2, Setting.DOMAIN, true, 0, 1)) {
            assertEquals(10, task.outputsDuring(0), "task-IL head is whole from the start");
            assertArrayEquals(new int[] {6, 8}, task.classRange(task.tasks().get(3), 10));
            assertEquals(2, domain.outputCapacity());
            Task t = domain.tasks().get(3);
            assertArrayEquals(new int[] {0, 2}, domain.classRange(t, 2));
            for (int i = 0; i < t.trainSize(); i++) {
                assertEquals(train.label(t.trainIndices()[i]) - 6, t.trainTargets()[i], "within-task position");
            }
        }
    }

    @Test
    void fixedHeadHasAllOutputsFromTheStart() {
        try (Scenario sc = Scenario.split(train, test, order(), 2, Setting.CLASS, false, 0, 1)) {
            assertEquals(10, sc.initialOutputs());
            assertArrayEquals(new int[] {0, 10}, sc.classRange(sc.tasks().get(0), 10));
        }
    }

    @Test
    void trainLimitKeepsASeededSubset() {
        try (Scenario a = Scenario.split(train, test, order(), 2, Setting.CLASS, true, 7, 5);
                Scenario b = Scenario.split(train, test, order(), 2, Setting.CLASS, true, 7, 5);
                Scenario c = Scenario.split(train, test, order(), 2, Setting.CLASS, true, 7, 6)) {
            assertEquals(7, a.tasks().get(0).trainSize());
            assertArrayEquals(a.tasks().get(2).trainIndices(), b.tasks().get(2).trainIndices());
            assertNotEquals(Arrays.toString(a.tasks().get(2).trainIndices()),
                    Arrays.toString(c.tasks().get(2).trainIndices()));
            assertEquals(10, a.tasks().get(0).testSize(), "test sets are never subsampled");
        }
    }

    @Test
    void permutedTasksHaveFixedSeededPermutations() {
        try (Scenario a = Scenario.permuted(Backends.jvm(), train, test, 4, Setting.DOMAIN, true, 0, 3);
                Scenario b = Scenario.permuted(Backends.jvm(), train, test, 4, Setting.DOMAIN, true, 0, 3)) {
            assertEquals(4, a.taskCount());
            int[] identity = new int[784];
            Arrays.setAll(identity, i -> i);
            assertArrayEquals(identity, a.permutation(a.tasks().get(0)).toIntArray(), "task 0 is plain MNIST");
            for (Task t : a.tasks()) {
                int[] p = a.permutation(t).toIntArray();
                int[] sorted = p.clone();
                Arrays.sort(sorted);
                assertArrayEquals(identity, sorted, "a permutation of the pixels");
                assertArrayEquals(p, b.permutation(b.tasks().get(t.index())).toIntArray(), "same seed, same tasks");
                assertEquals(10, t.hi() - t.lo());
            }
            assertNotEquals(Arrays.toString(a.permutation(a.tasks().get(1)).toIntArray()),
                    Arrays.toString(a.permutation(a.tasks().get(2)).toIntArray()));
            assertEquals(4L * 4 * 784, a.permutationBytes());
        }
        try (Scenario classIl = Scenario.permuted(Backends.jvm(), train, test, 3, Setting.CLASS, true, 0, 3)) {
            assertEquals(30, classIl.outputCapacity());
            assertEquals(20, classIl.outputsDuring(1));
            assertEquals(15, classIl.tasks().get(1).trainTargets()[firstOf(classIl.tasks().get(1), 5)]);
        }
    }

    private static int firstOf(Task t, int label) {
        for (int i = 0; i < t.trainSize(); i++) {
            if (train.label(t.trainIndices()[i]) == label) {
                return i;
            }
        }
        throw new AssertionError("no sample of " + label);
    }

    @Test
    void invalidClassOrdersAreRejected() {
        assertThrows(RehearsalException.class,
                () -> Scenario.split(train, test, new int[] {0, 1, 1, 2}, 2, Setting.CLASS, true, 0, 1));
        assertThrows(RehearsalException.class,
                () -> Scenario.split(train, test, new int[] {0, 1, 2}, 2, Setting.CLASS, true, 0, 1));
        RehearsalException e = assertThrows(RehearsalException.class,
                () -> Scenario.split(train, test, new int[] {0, 11}, 2, Setting.CLASS, true, 0, 1));
        assertTrue(e.getMessage().contains("no samples"), e.getMessage());
    }
}
