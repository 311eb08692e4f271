package dev.rehearsal.replay;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.random.Rng;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Generated replay materialised once per task: {@code capacity} samples drawn from a
 * {@link GenerativeReplay} source, quantised to uint8 like raw samples, with their targets (and soft
 * targets), then sampled uniformly like a buffer. Trades memory (exact: capacity x D bytes, plus
 * capacity x C floats for soft targets) for generation compute.
 */
public final class ReplayPool implements ReplaySource {
    private final Backend backend;
    private final int capacity;
    private final int features;
    private final Arena arena;
    private final Tensor samples;
    private final Tensor soft;
    private final int softWidth;
    private final Tensor staging;
    private final Batch stagingBatch;
    private final int[] target;
    private final long[] key;
    private final Segment[] segmentOf;
    private final float[] rowFloats;
    private final byte[] rowBytes;
    private int size;
    private final int[] chosen;
    private final long[] drawKeys;

    /**
     * @param capacity  samples in the pool
     * @param features  pixels per sample
     * @param softWidth classes of soft targets (0 for hard targets only)
     * @param maxDraw   largest number of rows drawn at once (the staging size)
     */
    public ReplayPool(Backend backend, int capacity, int features, int softWidth, int maxDraw) {
        this.backend = backend;
        this.capacity = capacity;
        this.features = features;
        this.softWidth = softWidth;
        this.arena = backend.newArena("pool");
        try {
            Block s = arena.allocate("samples", DType.U8, (long) capacity * features);
            this.samples = Tensor.of(s, capacity, features);
            this.soft = softWidth > 0 ? Tensor.of(arena.allocate("soft_targets", DType.F32,
                    (long) capacity * softWidth), capacity, softWidth) : null;
            this.staging = Tensor.of(arena.allocate("staging", DType.F32, (long) maxDraw * features), maxDraw,
                    features);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        this.stagingBatch = new Batch(backend, "pool_batch", maxDraw, softWidth);
        this.target = new int[capacity];
        this.key = new long[capacity];
        this.segmentOf = new Segment[capacity];
        this.rowFloats = new float[features];
        this.rowBytes = new byte[features];
        this.chosen = new int[maxDraw];
        this.drawKeys = new long[maxDraw];
    }

    /** Replaces the pool's content with {@code n} fresh samples from {@code source}. */
    void refill(GenerativeReplay source, int n, int outputs, Rng rng, Ledger ledger) {
        if (n > capacity) {
            throw new IllegalArgumentException("pool of " + capacity + " cannot hold " + n + " samples");
        }
        size = 0;
        int chunk = staging.rows();
        while (size < n) {
            int m = Math.min(chunk, n - size);
            List<Segment> segs = source.draw(staging, stagingBatch, 0, m, outputs, rng, ledger);
            int[] t = stagingBatch.targets(0, m).toIntArray();
            for (Segment s : segs) {
                for (int r = s.from(); r < s.to(); r++) {
                    int slot = size + r;
                    staging.block().readFloats(staging.offset() + (long) r * features, rowFloats, 0, features);
                    for (int j = 0; j < features; j++) {
                        rowBytes[j] = (byte) Math.round(Math.min(1f, Math.max(0f, rowFloats[j])) * 255f);
                    }
                    samples.block().writeBytes(samples.offset() + (long) slot * features, rowBytes, 0, features);
                    target[slot] = t[r];
                    segmentOf[slot] = s;
                    key[slot] = ((long) s.lo() << 32) | slot;
                    if (s.soft()) {
                        backend.copy(soft.rows(slot, slot + 1).cols(0, s.hi() - s.lo()),
                                stagingBatch.softTargets(r, r + 1, s.hi() - s.lo()));
                    }
                }
            }
            size += m;
        }
    }

    @Override
    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    @Override
    public List<Segment> draw(Tensor input, Batch batch, int from, int n, int outputs, Rng rng, Ledger ledger) {
        long[] keys = drawKeys;
        for (int i = 0; i < n; i++) {
            keys[i] = key[rng.nextInt(size)];
        }
        // Rows grouped by their class range (one range per task in the task setting).
        Arrays.sort(keys, 0, n);
        int[] targets = batch.stage();
        for (int i = 0; i < n; i++) {
            chosen[i] = (int) keys[i];
            targets[i] = target[chosen[i]];
        }
        batch.setIndices(from, from + n, chosen, 0);
        batch.setTargets(from, from + n, targets, 0);
        backend.gather(input.rows(from, from + n).cols(0, features), samples, batch.indices(from, from + n), null,
                1f / 255f);
        List<Segment> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i <= n; i++) {
            Segment first = segmentOf[chosen[start]];
            if (i == n || segmentOf[chosen[i]].lo() != first.lo()) {
                // The student's range may have grown since the pool was made (never within a task).
                out.add(new Segment(from + start, from + i, first.lo(), first.hi(), 0f, first.soft()));
                if (first.soft()) {
                    for (int r = start; r < i; r++) {
                        backend.copy(batch.softTargets(from + r, from + r + 1, first.hi() - first.lo()),
                                soft.rows(chosen[r], chosen[r] + 1).cols(0, first.hi() - first.lo()));
                    }
                }
                start = i;
            }
        }
        return out;
    }

    /** Draws images only (a generator's replay). */
    void drawImages(Tensor input, int from, int n, Rng rng) {
        for (int i = 0; i < n; i++) {
            chosen[i] = rng.nextInt(size);
        }
        stagingBatch.setIndices(0, n, chosen, 0);
        backend.gather(input.rows(from, from + n).cols(0, features), samples, stagingBatch.indices(0, n), null,
                1f / 255f);
    }

    /** The pool's blocks and its staging batch's. */
    public java.util.List<dev.rehearsal.tensor.Block> blocks() {
        java.util.List<dev.rehearsal.tensor.Block> out = new java.util.ArrayList<>(arena.blocks());
        out.addAll(stagingBatch.blocks());
        return out;
    }

    /** The pooled pixels, for reports. */
    public Tensor samples() {
        return samples;
    }

    @Override
    public long bytes() {
        return arena.bytes() + stagingBatch.bytes();
    }

    @Override
    public void close() {
        stagingBatch.close();
        arena.close();
    }
}
