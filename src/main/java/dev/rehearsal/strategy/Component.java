package dev.rehearsal.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.checkpoint.Safetensors;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Model;
import dev.rehearsal.tensor.Block;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One thing a strategy holds between or during tasks (the solver, the batch buffers, a replay buffer, a
 * generator, frozen models, scratch): its exact blocks, its heap bytes, its part of a checkpoint, and how it is
 * freed. A strategy registers its components in its constructor ({@link Strategy#register}); its
 * {@code footprint()} is their items in order, its {@code memory()} is, per component, the sum of the same
 * items, so the two can never disagree.
 */
public interface Component extends AutoCloseable {
    /** The key in {@code memory()} and the results ("solver", "buffer", "generator", "ewc"). */
    String name();

    /** Every block this component holds now, with its exact bytes, labelled as profiles list it. */
    List<MemoryItem> items();

    /**
     * Exact bytes of {@link #items()} other than the backend's workspace: this component's value in
     * {@code memory()}, which the config alone determines.
     */
    default long bytes() {
        long n = 0;
        for (MemoryItem i : items()) {
            if (!i.workspace()) {
                n += i.bytes();
            }
        }
        return n;
    }

    /** Exact bytes of the backend's workspace among {@link #items()}, reported apart from {@link #bytes()}. */
    default long workspaceBytes() {
        long n = 0;
        for (MemoryItem i : items()) {
            if (i.workspace()) {
                n += i.bytes();
            }
        }
        return n;
    }

    /** Heap bytes outside the arenas that scale with the strategy (labels of stored samples), by key. */
    default Map<String, Long> heap() {
        return Map.of();
    }

    /** Adds what this component keeps between tasks to a checkpoint (nothing, for scratch). */
    default void save(State state) {
    }

    /** Restores what {@link #save} saved, into a component freshly built from the same config. */
    default void restore(Map<String, Safetensors.Loaded> tensors, JsonNode values) {
    }

    /** Frees this component's memory; closing twice is harmless. */
    @Override
    void close();

    /** Blocks as profile items under {@code label}. */
    static List<MemoryItem> items(String label, List<Block> blocks) {
        List<MemoryItem> out = new ArrayList<>();
        for (Block b : blocks) {
            out.add(new MemoryItem(label, b.name(), b.bytes(), b.isWorkspace()));
        }
        return out;
    }

    /** A model's blocks as profile items under {@code label}. */
    static List<MemoryItem> items(String label, Model m) {
        List<MemoryItem> out = new ArrayList<>();
        for (Model.MemoryBlock b : m.memory()) {
            out.add(new MemoryItem(label, b.name(), b.bytes(), b.workspace()));
        }
        return out;
    }

    /** A component of a fixed name: the base of the factories below and of strategies' own components. */
    abstract class Named implements Component {
        private final String name;

        protected Named(String name) {
            this.name = name;
        }

        @Override
        public final String name() {
            return name;
        }
    }

    /** Scratch or other memory kept out of checkpoints: its items as {@code items} returns them now. */
    static Component of(String name, Supplier<List<MemoryItem>> items, AutoCloseable owner) {
        return new Named(name) {
            @Override
            public List<MemoryItem> items() {
                return items.get();
            }

            @Override
            public void close() {
                try {
                    owner.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing " + name + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /**
     * A trained or frozen model saved under {@code prefix} ({@link State#saveModel}); an {@link Mlp}'s active
     * head size too ({@code prefix.outputs}), restored before its parameters.
     */
    static Component model(String name, String label, String prefix, Model m) {
        return new Named(name) {
            @Override
            public List<MemoryItem> items() {
                return Component.items(label, m);
            }

            @Override
            public void save(State state) {
                State.saveModel(state, prefix, m);
                if (m instanceof Mlp mlp) {
                    state.values().put(prefix + ".outputs", mlp.outputs());
                }
            }

            @Override
            public void restore(Map<String, Safetensors.Loaded> tensors, JsonNode values) {
                if (m instanceof Mlp mlp) {
                    mlp.restoreOutputs(values.path(prefix + ".outputs").asInt(mlp.outputs()));
                }
                State.restoreModel(tensors, values, prefix, m);
            }

            @Override
            public void close() {
                m.close();
            }
        };
    }
}
