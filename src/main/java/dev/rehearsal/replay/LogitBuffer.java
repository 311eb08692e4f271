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

/**
 * Dark Experience Replay's memory (Buzzega et al. 2020; aimagelab/mammoth {@code utils/buffer.py}): a
 * reservoir over the stream of every training step's current rows, keeping for each stored sample its
 * pixels, its label and the logits the solver produced for it in the step that offered it. One arena,
 * allocated once for {@code N} slots:
 * <pre>
 * samples U8  [N, R]   the image as the model sees it (permuted in permuted scenarios), in a {@link Storage}
 *                      format of R bytes a row (D for uint8)
 * labels  I32 [N, 1]   its output unit
 * logits  F32 [N, C]   the solver's logits at insertion over the units it had then (the rest unused)
 * </pre>
 * plus, on the heap, each slot's task and the number of units it had logits for (8 bytes a slot: replay
 * memory too, {@link #bytesPerSlot}).
 *
 * <p>Selection is Vitter's algorithm R over the whole stream, as mammoth's {@code reservoir}: the first N
 * offered rows fill the slots in order, the n-th one after that (0-based) replaces slot j, drawn uniformly
 * from [0, n], if j &lt; N. Every step offers its rows, every epoch: the stored logits are sampled along the
 * optimisation trajectory, which is the method's point.
 *
 * <p>A draw of n rows is two independent mini-batches, each drawn without replacement (with replacement
 * while the buffer holds fewer samples than asked): the first {@code n / 2} rows are matched to their stored
 * logits ({@link Segment.Loss#LOGITS}, weight {@code alpha}, a mean over rows and matched units as
 * {@code F.mse_loss}), the others classified against their labels ({@link Segment.Loss#HARD}, weight
 * {@code beta}, a mean over rows). Logits are matched over the units the solver had when it stored them in
 * the class setting (the head grows: later units did not exist), over the task's own units otherwise.
 */
public final class LogitBuffer implements ReplaySource {
    private final Backend backend;
    private final Scenario scenario;
    private final float alpha;
    private final float beta;
    private final int features;
    private final Storage storage;
    private final int rowBytes;
    private final byte[] packed;
    private final Arena arena;
    private final Tensor samples;
    private final Tensor labels;
    private final Tensor logits;
    private final int[] slotTask;
    private final int[] slotWidth;
    private long seen;
    /** The identity permutation of the slots, swapped while drawing without replacement and restored after. */
    private final int[] order;
    private final int[] chosen;
    private final long[] keys;
    private final int[] rowIndex;
    private final int[] rowTarget;
    private final TaskImages images;

    /**
     * @param capacity N, the slots
     * @param maxDraw  the most rows one draw asks for
     * @param maxOffer the most rows one step offers
     */
    public LogitBuffer(Backend backend, Scenario scenario, int capacity, float alpha, float beta, int maxDraw,
            int maxOffer) {
        this(backend, scenario, capacity, Storage.UINT8, alpha, beta, maxDraw, maxOffer);
    }

    /** A buffer whose samples are kept in {@code storage}. */
    public LogitBuffer(Backend backend, Scenario scenario, int capacity, Storage storage, float alpha, float beta,
            int maxDraw, int maxOffer) {
        if (capacity < 1) {
            throw new IllegalArgumentException("a logit buffer needs at least one slot, got " + capacity);
        }
        this.backend = backend;
        this.scenario = scenario;
        this.alpha = alpha;
        this.beta = beta;
        this.features = scenario.train().features();
        this.storage = storage;
        this.rowBytes = storage.rowBytes(features);
        this.packed = new byte[rowBytes];
        int c = scenario.outputCapacity();
        this.arena = backend.newArena("derpp_buffer");
        try {
            this.samples = Tensor.of(arena.allocate("samples", DType.U8, (long) capacity * rowBytes), capacity,
                    rowBytes);
            this.labels = Tensor.of(arena.allocate("labels", DType.I32, capacity), capacity, 1);
            this.logits = Tensor.of(arena.allocate("logits", DType.F32, (long) capacity * c), capacity, c);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.slotTask = new int[capacity];
        this.slotWidth = new int[capacity];
        this.order = new int[capacity];
        for (int i = 0; i < capacity; i++) {
            order[i] = i;
        }
        this.chosen = new int[maxDraw];
        this.keys = new long[maxDraw];
        this.rowIndex = new int[maxOffer];
        this.rowTarget = new int[maxOffer];
        this.images = new TaskImages(scenario);
    }

    /** Slots allocated. */
    public int capacity() {
        return samples.rows();
    }

    /** Slots holding a sample: slots [0, size) are the filled ones. */
    public int size() {
        return (int) Math.min(seen, capacity());
    }

    /** Rows offered so far (the reservoir's n). */
    public long seen() {
        return seen;
    }

    @Override
    public boolean isEmpty() {
        return seen == 0;
    }

    /**
     * Exact bytes of one slot: its pixels as stored, its label, its row of logits and, on the heap, its task
     * and logit width.
     */
    public long bytesPerSlot() {
        return slotBytes(storage.rowBytes(features), logits.cols());
    }

    /** Bytes of a slot of {@code rowBytes} pixel bytes and {@code units} logits (see {@link #bytesPerSlot}). */
    public static long slotBytes(int rowBytes, int units) {
        return rowBytes + DType.I32.bytes() + (long) units * DType.F32.bytes() + 8;
    }

    public Storage storage() {
        return storage;
    }

    /** Pixels of a sample (D). */
    public int features() {
        return features;
    }

    /** Heap bytes of the slots' task ids and logit widths. */
    public long heapBytes() {
        return 8L * capacity();
    }

    @Override
    public long bytes() {
        return arena.bytes();
    }

    public List<Block> blocks() {
        return arena.blocks();
    }

    /** The stored rows, as stored ({@link #storage()}); {@link #pixels} decodes one. */
    public Tensor samples() {
        return samples;
    }

    /** The decoded pixels of a slot in [0, 1], on the heap (for reports and tests). */
    public float[] pixels(int slot) {
        return storage.decode(samples, slot, features);
    }

    public Tensor labels() {
        return labels;
    }

    /** The stored logits, {@code F32 [N, C]}; slot s holds {@link #width} of them. */
    public Tensor logits() {
        return logits;
    }

    public int taskOf(int slot) {
        return slotTask[slot];
    }

    /** Units the solver had when slot's logits were stored. */
    public int width(int slot) {
        return slotWidth[slot];
    }

    /**
     * Offers a step's first {@code n} rows, all of {@code task}: their dataset indices and targets are rows
     * [0, n) of {@code batch}, their logits {@code studentLogits [n, outputs]} from this step's forward pass.
     */
    public void offer(Task task, Batch batch, Tensor studentLogits, int n, Rng rng) {
        Tensor idx = batch.indices(0, n);
        Tensor tgt = batch.targets(0, n);
        idx.block().readInts(idx.offset(), rowIndex, 0, n);
        tgt.block().readInts(tgt.offset(), rowTarget, 0, n);
        int width = studentLogits.cols();
        for (int i = 0; i < n; i++) {
            long j = seen < capacity() ? seen : (long) (rng.nextDouble() * (seen + 1));
            seen++;
            if (j < capacity()) {
                store((int) j, task, rowIndex[i], rowTarget[i]);
                backend.copy(logits.rows((int) j, (int) j + 1).cols(0, width), studentLogits.rows(i, i + 1));
                slotWidth[(int) j] = width;
            }
        }
    }

    /** Copies training image {@code index} of the dataset (permuted as the task's model sees it) into a slot. */
    private void store(int slot, Task task, int index, int target) {
        storage.encode(images.read(task, index), features, packed);
        samples.block().writeBytes(samples.offset() + (long) slot * rowBytes, packed, 0, rowBytes);
        labels.block().putInt(labels.offset() + slot, target);
        slotTask[slot] = task.index();
    }

    @Override
    public List<Segment> draw(Tensor input, Batch batch, int from, int n, int outputs, Rng rng, Ledger ledger) {
        if (isEmpty()) {
            throw new IllegalStateException("the logit buffer is empty");
        }
        if (n > chosen.length) {
            throw new IllegalArgumentException("asked for " + n + " replayed rows, the buffer was planned for "
                    + chosen.length);
        }
        int matched = n / 2;
        pick(0, matched, rng);
        pick(matched, n, rng);
        int[] targets = batch.stage();
        for (int i = 0; i < n; i++) {
            targets[i] = labels.block().getInt(labels.offset() + chosen[i]);
        }
        batch.setIndices(from, from + n, chosen, 0);
        batch.setTargets(from, from + n, targets, 0);
        backend.gatherPacked(input.rows(from, from + n), samples, batch.indices(from, from + n), storage.bits(),
                storage.scale());
        List<Segment> segments = new ArrayList<>();
        addSegments(segments, batch, from, 0, matched, outputs, true);
        addSegments(segments, batch, from, matched, n, outputs, false);
        return segments;
    }

    /** Draws chosen[a, b) uniformly, without replacement when the buffer holds enough; sorts them by task. */
    private void pick(int a, int b, Rng rng) {
        int m = b - a;
        int size = size();
        if (m <= size) {
            for (int i = 0; i < m; i++) {
                int j = i + rng.nextInt(size - i);
                int s = order[j];
                order[j] = order[i];
                order[i] = s;
                chosen[a + i] = s;
                keys[i] = j;
            }
            for (int i = m - 1; i >= 0; i--) {
                int j = (int) keys[i];
                int s = order[j];
                order[j] = order[i];
                order[i] = s;
            }
        } else {
            for (int i = 0; i < m; i++) {
                chosen[a + i] = rng.nextInt(size);
            }
        }
        // Rows of one task (and so one logit width) next to each other: one segment each.
        for (int i = 0; i < m; i++) {
            keys[i] = (long) slotTask[chosen[a + i]] * capacity() + chosen[a + i];
        }
        Arrays.sort(keys, 0, m);
        for (int i = 0; i < m; i++) {
            chosen[a + i] = (int) (keys[i] % capacity());
        }
    }

    /**
     * The segments of rows [a, b) of this draw (batch rows from + a ...), one per run of one task's slots;
     * for logit matching, writes the stored logits into the batch's soft-target rows.
     */
    private void addSegments(List<Segment> out, Batch batch, int from, int a, int b, int outputs, boolean match) {
        int start = a;
        for (int i = a + 1; i <= b; i++) {
            if (i < b && slotTask[chosen[i]] == slotTask[chosen[start]]) {
                continue;
            }
            Task t = scenario.tasks().get(slotTask[chosen[start]]);
            if (match) {
                int width = slotWidth[chosen[start]];
                int[] range = scenario.setting() == Setting.CLASS ? new int[] {0, Math.min(width, outputs)}
                        : scenario.classRange(t, outputs);
                int units = range[1] - range[0];
                for (int r = start; r < i; r++) {
                    backend.copy(batch.softTargets(from + r, from + r + 1, units),
                            logits.rows(chosen[r], chosen[r] + 1).cols(range[0], range[1]));
                }
                out.add(new Segment(from + start, from + i, range[0], range[1], alpha / ((b - a) * (float) units),
                        Segment.Loss.LOGITS));
            } else {
                int[] range = scenario.classRange(t, outputs);
                out.add(new Segment(from + start, from + i, range[0], range[1], beta / (b - a), Segment.Loss.HARD));
            }
            start = i;
        }
    }

    /** Adds the stored samples, labels, logits and bookkeeping to a checkpoint. */
    public void saveState(java.util.Map<String, Tensor> tensors, com.fasterxml.jackson.databind.node.ObjectNode values) {
        tensors.put("derpp.samples", samples);
        tensors.put("derpp.labels", labels);
        tensors.put("derpp.logits", logits);
        values.put("derpp.seen", seen);
        var task = values.putArray("derpp.slot_task");
        var width = values.putArray("derpp.slot_width");
        for (int i = 0; i < size(); i++) {
            task.add(slotTask[i]);
            width.add(slotWidth[i]);
        }
    }

    /** Restores what {@link #saveState} saved into a buffer built for the same scenario and config. */
    public void restoreState(java.util.Map<String, dev.rehearsal.checkpoint.Safetensors.Loaded> tensors,
            com.fasterxml.jackson.databind.JsonNode values) {
        seen = values.path("derpp.seen").asLong();
        var task = values.path("derpp.slot_task");
        var width = values.path("derpp.slot_width");
        if (seen < 0 || task.size() != size() || width.size() != size()) {
            throw new IllegalStateException("checkpoint holds " + task.size() + " logit-buffer slots for " + seen
                    + " offered rows, expected " + size());
        }
        for (int i = 0; i < size(); i++) {
            slotTask[i] = task.get(i).asInt();
            slotWidth[i] = width.get(i).asInt();
        }
        get(tensors, "derpp.samples").copyInto(samples);
        get(tensors, "derpp.labels").copyInto(labels);
        get(tensors, "derpp.logits").copyInto(logits);
    }

    private static dev.rehearsal.checkpoint.Safetensors.Loaded get(
            java.util.Map<String, dev.rehearsal.checkpoint.Safetensors.Loaded> tensors, String name) {
        var l = tensors.get(name);
        if (l == null) {
            throw new IllegalStateException("checkpoint has no tensor '" + name + "'");
        }
        return l;
    }

    @Override
    public void close() {
        arena.close();
    }
}
