package dev.rehearsal.strategy;

import dev.rehearsal.replay.ReplayBuffer;
import dev.rehearsal.replay.ReplayScheduler;
import dev.rehearsal.scenario.Task;
import java.util.List;
import java.util.Map;

/**
 * Experience replay: a class-balanced buffer of raw uint8 samples ({@code per-class} per class of each
 * task), replayed alongside every current batch.
 */
public final class ExperienceReplay extends Strategy {
    public static final StrategyType TYPE = new StrategyType("er",
            "Experience replay from a class-balanced buffer of raw samples (--per-class, --selection).", java.util.List.of(), ExperienceReplay::new);
    private final ReplayBuffer buffer;
    private final ReplayScheduler scheduler;

    public ExperienceReplay(Context ctx) {
        super(ctx, replayRows(ctx));
        checkClassSizes(ctx);
        int rows = replayRows(ctx);
        this.buffer = new ReplayBuffer(ctx.backend(), ctx.scenario(), ctx.config().perClass,
                ReplayBuffer.Selection.parse(ctx.config().selection), Math.max(1, rows));
        this.scheduler = new ReplayScheduler(buffer, ctx.config().replayRatio,
                ReplayScheduler.Weighting.parse(ctx.config().weighting), ReplayScheduler.Mode.ON_THE_FLY, null);
    }

    /** A buffer asking for more samples of a class than the task has is a configuration error. */
    private static void checkClassSizes(Context ctx) {
        for (dev.rehearsal.scenario.Task t : ctx.scenario().tasks()) {
            int[] count = new int[t.hi() - t.lo()];
            for (int y : t.trainTargets()) {
                count[y - t.lo()]++;
            }
            for (int k = 0; k < count.length; k++) {
                if (ctx.config().perClass > count[k]) {
                    throw new dev.rehearsal.RehearsalException(dev.rehearsal.RehearsalException.USAGE, "invalid value "
                            + "for 'per-class': " + ctx.config().perClass + " exceeds the " + count[k]
                            + " training samples of class " + t.classes()[k] + " in task " + (t.index() + 1));
                }
            }
        }
    }

    static int replayRows(Context ctx) {
        return ctx.config().replayRatio > 0 ? Math.max(1, (int) Math.round(ctx.config().replayRatio * ctx.config().batch))
                : 0;
    }

    @Override
    public StrategyType type() {
        return TYPE;
    }

    public ReplayBuffer buffer() {
        return buffer;
    }

    @Override
    public long storedSampleSlots() {
        return buffer.capacity();
    }

    @Override
    public void train(Task task) {
        boolean reservoir = buffer.selection() == ReplayBuffer.Selection.RESERVOIR;
        learner.trainSolver(solver, List.of(task), task.index() + 1, scheduler,
                reservoir ? i -> buffer.observe(task, i, ctx.rng()) : null);
    }

    @Override
    public void afterTask(Task task) {
        if (buffer.selection() == ReplayBuffer.Selection.RANDOM) {
            buffer.addTask(task, ctx.rng());
        }
    }

    @Override
    public java.util.List<dev.rehearsal.metrics.MemoryItem> footprint() {
        var out = super.footprint();
        out.add(new dev.rehearsal.metrics.MemoryItem("replay buffer", "buffer.samples (uint8, " + buffer.capacity()
                + " slots x " + buffer.samples().cols() + " pixels)", buffer.sampleBytes()));
        return out;
    }

    /** The stored samples (uint8): the buffer's filled slots. */
    @Override
    public long replayMemoryBytes() {
        return (long) buffer.size() * buffer.samples().cols();
    }

    @Override
    public Samples replaySamples(int n, dev.rehearsal.random.Rng rng) {
        int[] slots = buffer.usedSlots();
        if (slots.length == 0) {
            return null;
        }
        // One sample of every stored class first, in target order, then random others.
        java.util.TreeMap<Integer, Integer> firstOfTarget = new java.util.TreeMap<>();
        for (int s : slots) {
            firstOfTarget.putIfAbsent(buffer.targetOf(s), s);
        }
        java.util.List<Integer> pick = new java.util.ArrayList<>(firstOfTarget.values());
        while (pick.size() < Math.min(n, slots.length)) {
            pick.add(slots[rng.nextInt(slots.length)]);
        }
        int d = buffer.samples().cols();
        int count = Math.min(n, pick.size());
        float[] px = new float[count * d];
        byte[] row = new byte[d];
        for (int i = 0; i < count; i++) {
            var t = buffer.samples();
            t.block().readBytes(t.offset() + (long) pick.get(i) * d, row, 0, d);
            for (int j = 0; j < d; j++) {
                px[i * d + j] = (row[j] & 0xff) / 255f;
            }
        }
        int side = (int) Math.round(Math.sqrt(d));
        return new Samples("buffer", px, count, side, d / side);
    }

    @Override
    public void saveState(State state) {
        super.saveState(state);
        buffer.saveState(state.tensors(), state.values());
    }

    @Override
    public void restoreState(Map<String, dev.rehearsal.checkpoint.Safetensors.Loaded> tensors,
            com.fasterxml.jackson.databind.JsonNode values) {
        super.restoreState(tensors, values);
        buffer.restoreState(State.get(tensors, "buffer.samples"), values);
    }

    @Override
    public Map<String, Long> memory() {
        Map<String, Long> out = super.memory();
        out.put("buffer", buffer.bytes());
        return out;
    }

    @Override
    public Map<String, Long> heapMemory() {
        Map<String, Long> out = super.heapMemory();
        out.put("buffer_labels", buffer.labelBytes());
        return out;
    }

    @Override
    public void close() {
        buffer.close();
        super.close();
    }
}
