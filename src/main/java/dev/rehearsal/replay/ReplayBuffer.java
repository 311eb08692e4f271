package dev.rehearsal.replay;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.random.Rng;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.scenario.Setting;
import dev.rehearsal.scenario.Task;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Experience replay's memory: raw samples, balanced over groups, a group being one class of one task (in
 * Split-MNIST simply a class). Every group has {@code perGroup} slots, allocated once for all the scenario's
 * groups, group after group: {@code samples U8 [groups * perGroup, R]} is the whole buffer, a row holding one
 * sample's D pixels in a {@link Storage} format of R bytes (D for uint8, D / 2 for u4, D / 8 for binary). A
 * slot's group, and so its target and task, follows from its position ({@code slot / perGroup}): no label is
 * stored, and the buffer's replay memory is its sample block, {@link #bytes()}.
 *
 * <p>Selection: {@link Selection#RANDOM} picks each group's samples uniformly after its task;
 * {@link Selection#RESERVOIR} keeps a uniform sample of the stream seen while training (Vitter's algorithm R,
 * per group); {@link Selection#HERDING} stores the samples a strategy chose after the task with
 * {@link Herding} (iCaRL's selection, Rebuffi et al. 2017), through {@link #addGroup}.
 */
public final class ReplayBuffer implements ReplaySource {
    /** How samples enter the buffer. */
    public enum Selection {
        RANDOM,
        RESERVOIR,
        /** After the task, by herding on the solver's features: the strategy computes them, see {@link Herding}. */
        HERDING;

        public static Selection parse(String s) {
            try {
                return valueOf(s.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown selection '" + s + "': use random, reservoir or herding");
            }
        }
    }

    private final Backend backend;
    private final Scenario scenario;
    private final int perGroup;
    private final Selection selection;
    private final Storage storage;
    /** Per group: its output unit and its task. */
    private final int[] groupTarget;
    private final int[] groupTask;
    private final int[] groupBase;
    private final int features;
    private final Arena arena;
    private final Tensor samples;
    private final int rowBytes;
    private final int[] filled;
    private final long[] seen;
    private final boolean[] occupied;
    private final int[] used;
    private int usedCount;
    private final TaskImages images;
    private final byte[] packed;
    private final int[] chosen;

    /** A uint8 buffer. */
    public ReplayBuffer(Backend backend, Scenario scenario, int perGroup, Selection selection, int maxDraw) {
        this(backend, scenario, perGroup, selection, Storage.UINT8, maxDraw);
    }

    public ReplayBuffer(Backend backend, Scenario scenario, int perGroup, Selection selection, Storage storage,
            int maxDraw) {
        if (perGroup < 1) {
            throw new IllegalArgumentException("samples per class must be >= 1, got " + perGroup);
        }
        this.backend = backend;
        this.scenario = scenario;
        this.perGroup = perGroup;
        this.selection = selection;
        this.storage = storage;
        this.groupBase = new int[scenario.taskCount() + 1];
        for (Task t : scenario.tasks()) {
            groupBase[t.index() + 1] = groupBase[t.index()] + (t.hi() - t.lo());
        }
        int groups = groupBase[scenario.taskCount()];
        this.groupTarget = new int[groups];
        this.groupTask = new int[groups];
        for (Task t : scenario.tasks()) {
            for (int c = t.lo(); c < t.hi(); c++) {
                groupTarget[groupBase[t.index()] + c - t.lo()] = c;
                groupTask[groupBase[t.index()] + c - t.lo()] = t.index();
            }
        }
        long capacity = (long) groups * perGroup;
        if (capacity > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a buffer of " + capacity + " samples is too large");
        }
        this.features = scenario.train().features();
        this.rowBytes = storage.rowBytes(features);
        this.arena = backend.newArena("buffer");
        try {
            Block block = arena.allocate("samples", DType.U8, capacity * rowBytes);
            this.samples = Tensor.of(block, (int) capacity, rowBytes);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.filled = new int[groups];
        this.seen = new long[groups];
        this.occupied = new boolean[(int) capacity];
        this.used = new int[(int) capacity];
        this.images = new TaskImages(scenario);
        this.packed = new byte[rowBytes];
        this.chosen = new int[maxDraw];
    }

    public Selection selection() {
        return selection;
    }

    public int perGroup() {
        return perGroup;
    }

    public Storage storage() {
        return storage;
    }

    /** Pixels of a sample (D); a stored row takes {@code storage().rowBytes(D)} bytes. */
    public int features() {
        return features;
    }

    /** Slots allocated (groups x per group). */
    public int capacity() {
        return samples.rows();
    }

    /** Slots holding a sample. */
    public int size() {
        return usedCount;
    }

    /** Exact bytes of the sample block: capacity x R. */
    public long sampleBytes() {
        return samples.numel();
    }

    /** Bytes the filled slots hold: size x R (labels follow from the slots' positions). */
    public long storedBytes() {
        return (long) usedCount * rowBytes;
    }

    /** Bytes of one stored sample (R). */
    public int rowBytes() {
        return rowBytes;
    }

    @Override
    public long bytes() {
        return arena.bytes();
    }

    @Override
    public boolean isEmpty() {
        return usedCount == 0;
    }

    /** Samples of one group currently stored. */
    public int groupSize(Task task, int target) {
        return filled[group(task, target)];
    }

    private int group(Task task, int target) {
        if (target < task.lo() || target >= task.hi()) {
            throw new IllegalArgumentException("target " + target + " is not a class of task " + task.index());
        }
        return groupBase[task.index()] + target - task.lo();
    }

    /** After a task (RANDOM selection): picks up to {@code perGroup} samples of each of its classes. */
    public void addTask(Task task, Rng rng) {
        int k = task.hi() - task.lo();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < k; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < task.trainSize(); i++) {
            byClass.get(task.trainTargets()[i] - task.lo()).add(i);
        }
        for (int c = 0; c < k; c++) {
            List<Integer> pool = byClass.get(c);
            int[] order = pool.stream().mapToInt(Integer::intValue).toArray();
            rng.shuffle(order, order.length);
            int g = groupBase[task.index()] + c;
            for (int i = 0; i < Math.min(perGroup, order.length) && filled[g] < perGroup; i++) {
                store(g, filled[g]++, task, order[i]);
            }
        }
    }

    /**
     * After a task (HERDING selection): stores the task's samples at {@code positions} (indices into its
     * training samples, all of class {@code target}), in that order, into the group's free slots.
     */
    public void addGroup(Task task, int target, int[] positions) {
        int g = group(task, target);
        if (filled[g] + positions.length > perGroup) {
            throw new IllegalArgumentException("group of class " + target + " in task " + task.index() + " holds "
                    + filled[g] + " of " + perGroup + " samples: no room for " + positions.length + " more");
        }
        for (int i : positions) {
            if (task.trainTargets()[i] != target) {
                throw new IllegalArgumentException("sample " + i + " of task " + task.index() + " has target "
                        + task.trainTargets()[i] + ", not " + target);
            }
            store(g, filled[g]++, task, i);
        }
    }

    /** During a task (RESERVOIR selection): offers the {@code i}-th training sample of {@code task}. */
    public void observe(Task task, int i, Rng rng) {
        int g = group(task, task.trainTargets()[i]);
        long n = ++seen[g];
        if (filled[g] < perGroup) {
            store(g, filled[g]++, task, i);
        } else {
            long j = (long) (rng.nextDouble() * n);
            if (j < perGroup) {
                store(g, (int) j, task, i);
            }
        }
    }

    /** Copies the task's i-th training image (permuted as the model sees it) into slot {@code k} of group g. */
    private void store(int g, int k, Task task, int i) {
        int slot = g * perGroup + k;
        storage.encode(images.read(task, task.trainIndices()[i]), features, packed);
        samples.block().writeBytes(samples.offset() + (long) slot * rowBytes, packed, 0, rowBytes);
        if (!occupied[slot]) {
            occupied[slot] = true;
            used[usedCount++] = slot;
        }
    }

    @Override
    public List<Segment> draw(Tensor input, Batch batch, int from, int n, int outputs, Rng rng, Ledger ledger) {
        pick(n, rng);
        // Sorted slots are grouped by task, so each task's rows are contiguous (task-IL masks per task).
        Arrays.sort(chosen, 0, n);
        int[] targets = batch.stage();
        for (int i = 0; i < n; i++) {
            targets[i] = targetOf(chosen[i]);
        }
        batch.setIndices(from, from + n, chosen, 0);
        batch.setTargets(from, from + n, targets, 0);
        gatherRows(input.rows(from, from + n), batch.indices(from, from + n));
        List<Segment> segments = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= n; i++) {
            if (i == n || (scenario.setting() == Setting.TASK && taskOf(chosen[i]) != taskOf(chosen[start]))) {
                Task t = scenario.tasks().get(taskOf(chosen[start]));
                int[] range = scenario.classRange(t, outputs);
                segments.add(new Segment(from + start, from + i, range[0], range[1], 0f, false));
                start = i;
            }
        }
        return segments;
    }

    private void pick(int n, Rng rng) {
        if (usedCount == 0) {
            throw new IllegalStateException("the replay buffer is empty");
        }
        if (n > chosen.length) {
            throw new IllegalArgumentException("asked for " + n + " replayed rows, the buffer was planned for "
                    + chosen.length);
        }
        for (int i = 0; i < n; i++) {
            chosen[i] = used[rng.nextInt(usedCount)];
        }
    }

    /** Adds the stored samples and their bookkeeping to a checkpoint. */
    public void saveState(java.util.Map<String, Tensor> tensors, com.fasterxml.jackson.databind.node.ObjectNode values) {
        tensors.put("buffer.samples", samples);
        putInts(values, "buffer.filled", filled, filled.length);
        putInts(values, "buffer.used", used, usedCount);
        var seenArr = values.putArray("buffer.seen");
        for (long v : seen) {
            seenArr.add(v);
        }
    }

    /**
     * Restores what {@link #saveState} saved into a buffer built for the same scenario and config, after
     * checking it against this buffer: every group's count within its capacity, the used slots exactly the
     * filled ones, each once, and the stream counts (reservoir's) non-negative. A checkpoint's checksum
     * has no key, so these checks, not the checksum, are what refuse a forged one.
     */
    public void restoreState(dev.rehearsal.checkpoint.Safetensors.Loaded stored,
            com.fasterxml.jackson.databind.JsonNode values) {
        var f = values.path("buffer.filled");
        var u = values.path("buffer.used");
        var seenArr = values.path("buffer.seen");
        for (var a : List.of(f, u, seenArr)) {
            if (!a.isArray()) {
                throw new IllegalArgumentException("a replay buffer's 'buffer.filled', 'buffer.used' and "
                        + "'buffer.seen' must be lists, got " + a);
            }
        }
        if (f.size() != filled.length || seenArr.size() != seen.length) {
            throw new IllegalArgumentException("'buffer.filled' and 'buffer.seen' hold " + f.size() + " and "
                    + seenArr.size() + " groups, the buffer has " + filled.length);
        }
        long total = 0;
        for (int g = 0; g < filled.length; g++) {
            int n = (int) integer(f.get(g), "'buffer.filled'[" + g + "]", 0, perGroup, " (capacity " + perGroup
                    + " per class)");
            long s = integer(seenArr.get(g), "'buffer.seen'[" + g + "]", 0, Long.MAX_VALUE, "");
            filled[g] = n;
            seen[g] = s;
            total += n;
        }
        if (u.size() != total) {
            throw new IllegalArgumentException("'buffer.used' lists " + u.size() + " slots, 'buffer.filled' counts "
                    + total);
        }
        java.util.Arrays.fill(occupied, false);
        for (int i = 0; i < u.size(); i++) {
            int slot = (int) integer(u.get(i), "'buffer.used'[" + i + "]", 0, capacity() - 1, "");
            if (slot % perGroup >= filled[slot / perGroup] || occupied[slot]) {
                throw new IllegalArgumentException("'buffer.used'[" + i + "] is slot " + slot + ", which is "
                        + (occupied[slot] ? "listed twice" : "not filled"));
            }
            occupied[slot] = true;
            used[i] = slot;
        }
        usedCount = u.size();
        stored.copyInto(samples);
    }

    /** An integer value in [min, max], or the checkpoint is refused naming {@code what}. */
    private static long integer(com.fasterxml.jackson.databind.JsonNode v, String what, long min, long max,
            String why) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            throw new IllegalArgumentException(what + " is " + v + ", expected an integer in [" + min + ", "
                    + (max == Long.MAX_VALUE ? "..." : max) + "]" + why);
        }
        return v.asLong();
    }

    private static void putInts(com.fasterxml.jackson.databind.node.ObjectNode o, String key, int[] a, int n) {
        var arr = o.putArray(key);
        for (int i = 0; i < n; i++) {
            arr.add(a[i]);
        }
    }

    /** The stored rows, as stored ({@link #storage()}): decode them with {@link #gatherRows} or {@link #pixels}. */
    public Tensor samples() {
        return samples;
    }

    /** Decodes the slots {@code indices I32 [B, 1]} into {@code out F32 [B, D]} in [0, 1]. */
    public void gatherRows(Tensor out, Tensor indices) {
        backend.gatherPacked(out, samples, indices, storage.bits(), storage.scale());
    }

    /** The decoded pixels of a slot in [0, 1], on the heap (for reports and tests). */
    public float[] pixels(int slot) {
        return storage.decode(samples, slot, features);
    }

    /** Groups (a class of a task each). */
    public int groups() {
        return groupTarget.length;
    }

    /** The group of class {@code target} of {@code task}. */
    public int groupOf(Task task, int target) {
        return group(task, target);
    }

    /** The group a slot belongs to. */
    public int groupOfSlot(int slot) {
        return slot / perGroup;
    }

    /** Target of a slot: its group's. */
    public int targetOf(int slot) {
        return groupTarget[slot / perGroup];
    }

    /** Task of a slot: its group's. */
    public int taskOf(int slot) {
        return groupTask[slot / perGroup];
    }

    /** The slots holding samples, in the order they were filled. */
    public int[] usedSlots() {
        return Arrays.copyOf(used, usedCount);
    }

    @Override
    public void close() {
        arena.close();
    }
}
