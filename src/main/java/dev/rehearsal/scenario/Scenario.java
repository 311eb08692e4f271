package dev.rehearsal.scenario;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A task sequence over one dataset. Output units: in the class and task settings every (task, class) has
 * its own unit, numbered in the order tasks meet them; in the domain setting a task's k-th class is unit k
 * for every task. The class setting's head grows: after task t it has the units of tasks 0..t.
 */
public final class Scenario implements AutoCloseable {
    private final String name;
    private final Setting setting;
    private final boolean growingHead;
    private final Dataset train;
    private final Dataset test;
    private final List<Task> tasks;
    private final int outputCapacity;
    private final Arena permutationArena;
    private final List<Tensor> permutations;

    private Scenario(String name, Setting setting, boolean growingHead, Dataset train, Dataset test, List<Task> tasks,
            int outputCapacity, Arena permutationArena, List<Tensor> permutations) {
        this.name = name;
        this.setting = setting;
        this.growingHead = growingHead;
        this.train = train;
        this.test = test;
        this.tasks = List.copyOf(tasks);
        this.outputCapacity = outputCapacity;
        this.permutationArena = permutationArena;
        this.permutations = permutations;
    }

    /**
     * Split-MNIST: consecutive pairs of {@code classOrder} form the tasks (the default order 0..9 gives
     * {0,1},{2,3},{4,5},{6,7},{8,9}). {@code growingHead} applies to the class setting (otherwise the head
     * has all outputs from the start). {@code trainLimit > 0} keeps the first that many training samples of
     * each task (after a seeded shuffle), for short configurations.
     */
    public static Scenario split(Dataset train, Dataset test, int[] classOrder, int classesPerTask, Setting setting,
            boolean growingHead, int trainLimit, long seed) {
        return split(train, test, classOrder, classesPerTask, setting, growingHead, trainLimit, 0, seed);
    }

    /** As above; {@code testLimit > 0} also keeps a seeded subset of each task's test samples. */
    public static Scenario split(Dataset train, Dataset test, int[] classOrder, int classesPerTask, Setting setting,
            boolean growingHead, int trainLimit, int testLimit, long seed) {
        return split(train, test, classOrder, classesPerTask, setting, growingHead, trainLimit, testLimit, 0, seed);
    }

    /**
     * As above; {@code validation > 0} first holds out that fraction of each task's training samples, class by
     * class ({@link #holdOut}), as the task's validation set; {@code trainLimit} then applies to the rest.
     */
    public static Scenario split(Dataset train, Dataset test, int[] classOrder, int classesPerTask, Setting setting,
            boolean growingHead, int trainLimit, int testLimit, double validation, long seed) {
        int classes = classOrder.length;
        if (classesPerTask < 1 || classes % classesPerTask != 0) {
            throw new RehearsalException(RehearsalException.USAGE, "class order of " + classes
                    + " classes cannot be split into tasks of " + classesPerTask);
        }
        int[] sorted = classOrder.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            if (sorted[i] < 0 || (i > 0 && sorted[i] == sorted[i - 1])) {
                throw new RehearsalException(RehearsalException.USAGE, "class order " + Arrays.toString(classOrder)
                        + " must list distinct non-negative classes");
            }
        }
        int[] present = new int[256];
        for (byte b : train.labels()) {
            present[b & 0xff]++;
        }
        for (int c : classOrder) {
            if (c > 255 || present[c] == 0) {
                throw new RehearsalException(RehearsalException.USAGE, "class " + c + " of the class order has no "
                        + "samples in " + train.name());
            }
        }
        int taskCount = classes / classesPerTask;
        Rng rng = new Rng(seed ^ 0x5EEDL);
        Rng held = new Rng(seed ^ VALIDATION_STREAM);
        List<Task> tasks = new ArrayList<>();
        for (int t = 0; t < taskCount; t++) {
            int[] cls = Arrays.copyOfRange(classOrder, t * classesPerTask, (t + 1) * classesPerTask);
            int lo = setting == Setting.DOMAIN ? 0 : t * classesPerTask;
            int[][] all = select(train, cls, lo, 0, null);
            int[][] va = holdOut(all, validation, held);
            int[][] tr = limit(without(all, va[0]), trainLimit, rng);
            int[][] te = select(test, cls, lo, testLimit, testLimit > 0 ? rng : null);
            if (tr[0].length == 0 || te[0].length == 0) {
                throw new RehearsalException(RehearsalException.DATA, "task " + t + " (classes " + Arrays.toString(cls)
                        + ") has no samples in " + (tr[0].length == 0 ? train.name() : test.name()));
            }
            tasks.add(new Task(t, "classes " + Arrays.toString(cls), cls, tr[0], tr[1], te[0], te[1], lo,
                    lo + classesPerTask, -1, va[0], va[1]));
        }
        int capacity = setting == Setting.DOMAIN ? classesPerTask : classes;
        return new Scenario("split-" + train.name().replaceAll("-train$", ""), setting,
                growingHead && setting == Setting.CLASS, train, test, tasks, capacity, null, List.of());
    }

    /**
     * Permuted MNIST: every task holds all classes with its own fixed pixel permutation drawn from
     * {@code seed}; task 0 keeps the original images.
     */
    public static Scenario permuted(Backend backend, Dataset train, Dataset test, int taskCount, Setting setting,
            boolean growingHead, int trainLimit, long seed) {
        return permuted(backend, train, test, taskCount, setting, growingHead, trainLimit, 0, seed);
    }

    /** As above; {@code testLimit > 0} also keeps a seeded subset of each task's test samples. */
    public static Scenario permuted(Backend backend, Dataset train, Dataset test, int taskCount, Setting setting,
            boolean growingHead, int trainLimit, int testLimit, long seed) {
        return permuted(backend, train, test, taskCount, setting, growingHead, trainLimit, testLimit, 0, seed);
    }

    /**
     * As above; {@code validation > 0} holds out that fraction of the training images, class by class, once for
     * every task (each task sees them through its own permutation), so no task trains on an image another
     * task validates on.
     */
    public static Scenario permuted(Backend backend, Dataset train, Dataset test, int taskCount, Setting setting,
            boolean growingHead, int trainLimit, int testLimit, double validation, long seed) {
        if (taskCount < 1) {
            throw new RehearsalException(RehearsalException.USAGE, "need at least one task, got " + taskCount);
        }
        int classes = 1 + max(train.labels());
        int d = train.features();
        int[] all = new int[classes];
        for (int c = 0; c < classes; c++) {
            all[c] = c;
        }
        Rng rng = new Rng(seed ^ 0xBE12L);
        int[] heldImages = holdOut(select(train, all, 0, 0, null), validation, new Rng(seed ^ VALIDATION_STREAM))[0];
        Arena arena = backend.newArena("permutations");
        List<Tensor> perms = new ArrayList<>();
        List<Task> tasks = new ArrayList<>();
        try {
            Block block = arena.allocate("pixels", DType.I32, (long) taskCount * d);
            for (int t = 0; t < taskCount; t++) {
                int[] p = new int[d];
                for (int j = 0; j < d; j++) {
                    p[j] = j;
                }
                if (t > 0) {
                    rng.shuffle(p, d);
                }
                Tensor view = new Tensor(block, (long) t * d, 1, d, d);
                view.copyFrom(p);
                perms.add(view);
                int lo = setting == Setting.DOMAIN ? 0 : t * classes;
                int[][] every = select(train, all, lo, 0, null);
                int[][] va = restrict(every, heldImages);
                int[][] tr = limit(without(every, heldImages), trainLimit, rng);
                int[][] te = select(test, all, lo, testLimit, testLimit > 0 ? rng : null);
                tasks.add(new Task(t, "permutation " + t, all, tr[0], tr[1], te[0], te[1], lo, lo + classes, t, va[0],
                        va[1]));
            }
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        int capacity = setting == Setting.DOMAIN ? classes : classes * taskCount;
        return new Scenario("permuted-" + train.name().replaceAll("-train$", ""), setting,
                growingHead && setting == Setting.CLASS, train, test, tasks, capacity, arena, perms);
    }

    /** Indices and targets of the samples of {@code classes}; target = lo + position of the class. */
    private static int[][] select(Dataset ds, int[] classes, int lo, int limit, Rng rng) {
        int[] unit = new int[256];
        Arrays.fill(unit, -1);
        for (int k = 0; k < classes.length; k++) {
            if (classes[k] > 255) {
                throw new RehearsalException(RehearsalException.USAGE, "class " + classes[k] + " is not a label of "
                        + ds.name());
            }
            unit[classes[k]] = lo + k;
        }
        int n = 0;
        int[] idx = new int[ds.size()];
        for (int i = 0; i < ds.size(); i++) {
            if (unit[ds.label(i)] >= 0) {
                idx[n++] = i;
            }
        }
        int[] indices = Arrays.copyOf(idx, n);
        int[] targets = new int[n];
        for (int i = 0; i < n; i++) {
            targets[i] = unit[ds.label(indices[i])];
        }
        return limit(new int[][] {indices, targets}, limit, rng);
    }

    /** Mixed into the seed for the validation hold-out's own random stream. */
    public static final long VALIDATION_STREAM = 0x7A11DA7EL;

    /**
     * {@code limit > 0}: a seeded subset of {@code limit} samples (indices sorted, targets with them); else all.
     */
    private static int[][] limit(int[][] sel, int limit, Rng rng) {
        int n = sel[0].length;
        if (rng == null || limit <= 0 || limit >= n) {
            return sel;
        }
        int[] idx = sel[0].clone();
        rng.shuffle(idx, n);
        int[] kept = Arrays.copyOf(idx, limit);
        Arrays.sort(kept);
        return restrict(sel, kept);
    }

    /**
     * The validation part of a selection: for every target (class) separately, round(fraction x its samples)
     * of them chosen by {@code rng}, at least one of a class with two or more when the fraction is positive;
     * indices sorted. A fraction of 0 holds out nothing and draws nothing.
     */
    static int[][] holdOut(int[][] sel, double fraction, Rng rng) {
        if (fraction <= 0) {
            return new int[][] {new int[0], new int[0]};
        }
        java.util.TreeMap<Integer, List<Integer>> byTarget = new java.util.TreeMap<>();
        for (int i = 0; i < sel[0].length; i++) {
            byTarget.computeIfAbsent(sel[1][i], k -> new ArrayList<>()).add(sel[0][i]);
        }
        List<Integer> held = new ArrayList<>();
        for (List<Integer> members : byTarget.values()) {
            int[] m = members.stream().mapToInt(Integer::intValue).toArray();
            int k = (int) Math.round(fraction * m.length);
            if (k == 0 && m.length >= 2) {
                k = 1;
            }
            k = Math.min(k, m.length - 1);
            rng.shuffle(m, m.length);
            for (int i = 0; i < k; i++) {
                held.add(m[i]);
            }
        }
        int[] kept = held.stream().mapToInt(Integer::intValue).sorted().toArray();
        return restrict(sel, kept);
    }

    /** The samples of a selection whose indices are in {@code keep} (sorted), with their targets. */
    private static int[][] restrict(int[][] sel, int[] keep) {
        int[] idx = new int[keep.length];
        int[] tgt = new int[keep.length];
        int n = 0;
        for (int i = 0; i < sel[0].length; i++) {
            if (Arrays.binarySearch(keep, sel[0][i]) >= 0) {
                idx[n] = sel[0][i];
                tgt[n++] = sel[1][i];
            }
        }
        return new int[][] {Arrays.copyOf(idx, n), Arrays.copyOf(tgt, n)};
    }

    /** The samples of a selection whose indices are not in {@code drop} (sorted). */
    private static int[][] without(int[][] sel, int[] drop) {
        if (drop.length == 0) {
            return sel;
        }
        int[] idx = new int[sel[0].length];
        int[] tgt = new int[sel[0].length];
        int n = 0;
        for (int i = 0; i < sel[0].length; i++) {
            if (Arrays.binarySearch(drop, sel[0][i]) < 0) {
                idx[n] = sel[0][i];
                tgt[n++] = sel[1][i];
            }
        }
        return new int[][] {Arrays.copyOf(idx, n), Arrays.copyOf(tgt, n)};
    }

    private static int max(byte[] labels) {
        int m = 0;
        for (byte b : labels) {
            m = Math.max(m, b & 0xff);
        }
        return m;
    }

    public String name() {
        return name;
    }

    public Setting setting() {
        return setting;
    }

    public boolean growingHead() {
        return growingHead;
    }

    public List<Task> tasks() {
        return tasks;
    }

    public int taskCount() {
        return tasks.size();
    }

    /** Whether every task holds out a validation set. */
    public boolean hasValidation() {
        return !tasks.isEmpty() && tasks.stream().allMatch(t -> t.validationSize() > 0);
    }

    public Dataset train() {
        return train;
    }

    public Dataset test() {
        return test;
    }

    /** Output units the head is allocated for. */
    public int outputCapacity() {
        return outputCapacity;
    }

    /** Output units active while training task t (the head grows in the class setting). */
    public int outputsDuring(int t) {
        if (!growingHead) {
            return outputCapacity;
        }
        return tasks.get(t).hi();
    }

    /** Active output units of a fresh model. */
    public int initialOutputs() {
        return outputsDuring(0);
    }

    /**
     * The output units a task's samples are classified over, while the model has {@code outputs} active:
     * in the class setting every active unit; otherwise the task's own units.
     */
    public int[] classRange(Task task, int outputs) {
        return setting == Setting.CLASS ? new int[] {0, outputs} : new int[] {task.lo(), task.hi()};
    }

    /** The pixel permutation of a task ({@code I32 [1, D]}), or null. */
    public Tensor permutation(Task task) {
        return task.permutation() < 0 ? null : permutations.get(task.permutation());
    }

    /** Exact bytes of the permutation tables (0 for split scenarios). */
    public long permutationBytes() {
        return permutationArena == null ? 0 : permutationArena.bytes();
    }

    /** Frees the permutations; the datasets belong to the caller. */
    @Override
    public void close() {
        if (permutationArena != null) {
            permutationArena.close();
        }
    }
}
