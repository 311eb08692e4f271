package dev.rehearsal.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.checkpoint.Safetensors;
import dev.rehearsal.nn.Model;
import dev.rehearsal.tensor.Tensor;
import java.util.Map;

/**
 * What a strategy keeps between tasks, for checkpoints: named tensors (parameters, optimiser state, stored
 * samples) and JSON values (step counts, head sizes, buffer bookkeeping). Together with the random stream
 * they determine the rest of a run exactly.
 */
public final class State {
    private final Map<String, Tensor> tensors;
    private final ObjectNode values;

    public State(Map<String, Tensor> tensors, ObjectNode values) {
        this.tensors = tensors;
        this.values = values;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    public ObjectNode values() {
        return values;
    }

    /** A trainable model: its parameters, optimiser state and step count under {@code prefix}. */
    static void saveModel(State s, String prefix, Model m) {
        s.tensors.put(prefix + ".params", m.parameterBlock());
        if (m.isTrainable()) {
            if (m.optimizerBlock() != null) {
                s.tensors.put(prefix + ".optimizer", m.optimizerBlock());
            }
            s.values.put(prefix + ".steps", m.optimizer().steps());
        }
    }

    static void restoreModel(Map<String, Safetensors.Loaded> tensors, JsonNode values, String prefix, Model m) {
        get(tensors, prefix + ".params").copyInto(m.parameterBlock());
        if (m.isTrainable()) {
            if (m.optimizerBlock() != null) {
                get(tensors, prefix + ".optimizer").copyInto(m.optimizerBlock());
            }
            m.optimizer().restoreSteps(values.path(prefix + ".steps").asLong());
        }
    }

    static Safetensors.Loaded get(Map<String, Safetensors.Loaded> tensors, String name) {
        Safetensors.Loaded l = tensors.get(name);
        if (l == null) {
            throw new IllegalStateException("checkpoint has no tensor '" + name + "'");
        }
        return l;
    }
}
