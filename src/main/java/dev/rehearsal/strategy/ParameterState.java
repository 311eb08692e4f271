package dev.rehearsal.strategy;

import dev.rehearsal.backend.Backend;
import dev.rehearsal.checkpoint.Safetensors;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.nn.Model;
import dev.rehearsal.tensor.Arena;
import dev.rehearsal.tensor.Block;
import dev.rehearsal.tensor.DType;
import dev.rehearsal.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a parameter-regularising strategy (EWC, SI) keeps beside the solver: blocks of the solver's parameter
 * block's size {@code [1, P]} (P counts every slot of the parameter table, inactive head rows included, so the
 * solver's own slices index them), plus any scratch blocks, all in one arena of the strategy's own. Each
 * block is either <em>kept</em> between tasks (importance, anchor: what remembers earlier tasks, saved in
 * checkpoints, {@link #keptBytes()}) or working state rebuilt within a task.
 */
final class ParameterState implements Component {
    private final Arena arena;
    private final String component;
    private final Map<String, Block> blocks = new LinkedHashMap<>();
    private final Map<String, Tensor> views = new LinkedHashMap<>();
    private final List<String> kept = new ArrayList<>();
    private final int parameters;
    private int consolidated;

    /**
     * @param arenaName the component's name in memory() and its checkpoint prefix ("ewc")
     * @param component how profiles list these blocks ("ewc state")
     */
    ParameterState(Backend backend, String arenaName, String component, Model solver) {
        this.arena = backend.newArena(arenaName);
        this.component = component;
        this.parameters = Math.toIntExact(solver.parameterBlock().numel());
    }

    /** A zeroed {@code [1, P]} block; {@code keep}: remembered between tasks and checkpointed. */
    Tensor parameterSized(String name, boolean keep) {
        return add(name, 1, parameters, keep);
    }

    /** A zeroed dense scratch block {@code [rows, cols]}, not kept. */
    Tensor scratch(String name, int rows, int cols) {
        return add(name, rows, cols, false);
    }

    /** The backend's workspace of {@code floats} floats ({@link Arena#allocateWorkspace}), not kept. */
    Tensor workspace(String name, int floats) {
        return add(name, 1, floats, false, true);
    }

    private Tensor add(String name, int rows, int cols, boolean keep) {
        return add(name, rows, cols, keep, false);
    }

    private Tensor add(String name, int rows, int cols, boolean keep, boolean workspace) {
        Block b;
        try {
            b = workspace ? arena.allocateWorkspace(name, cols) : arena.allocate(name, DType.F32, (long) rows * cols);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
        blocks.put(name, b);
        Tensor t = Tensor.of(b, rows, cols);
        views.put(name, t);
        if (keep) {
            kept.add(name);
        }
        return t;
    }

    /** The whole block of this name. */
    Block block(String name) {
        return blocks.get(name);
    }

    @Override
    public String name() {
        return arena.name();
    }

    /** Every block, exactly, for {@link Strategy#footprint()}. */
    @Override
    public List<MemoryItem> items() {
        List<MemoryItem> out = new ArrayList<>();
        for (Block b : blocks.values()) {
            out.add(new MemoryItem(component, b.name() + " (f32, " + b.length() + ")", b.bytes(), b.isWorkspace()));
        }
        return out;
    }

    /** Marks the end of a task's consolidation: from now on the kept blocks remember earlier tasks. */
    void consolidated() {
        consolidated++;
    }

    /** Whether a task has been consolidated (the penalty applies from then on). */
    boolean isConsolidated() {
        return consolidated > 0;
    }

    /** How many tasks have been consolidated. */
    int consolidations() {
        return consolidated;
    }

    /** Bytes of the kept blocks once a task has been consolidated, 0 before: the memory of earlier tasks. */
    long rememberedBytes() {
        if (consolidated == 0) {
            return 0;
        }
        long n = 0;
        for (String k : kept) {
            n += blocks.get(k).bytes();
        }
        return n;
    }

    /** Adds the kept blocks ({@code name.block}) and the consolidation count to a checkpoint. */
    @Override
    public void save(State state) {
        for (String k : kept) {
            state.tensors().put(name() + "." + k, views.get(k));
        }
        state.values().put(name() + ".consolidated", consolidated);
    }

    /** Restores what {@link #save} saved. */
    @Override
    public void restore(Map<String, Safetensors.Loaded> tensors, com.fasterxml.jackson.databind.JsonNode values) {
        for (String k : kept) {
            State.get(tensors, name() + "." + k).copyInto(views.get(k));
        }
        consolidated = values.path(name() + ".consolidated").asInt();
    }

    @Override
    public void close() {
        arena.close();
    }
}
