package dev.rehearsal.strategy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.checkpoint.Safetensors;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.replay.FrozenCopies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The frozen previous solver and generator of a generative replay source ("previous_models", for gr, cgr and
 * bir): none before the first task ends, then what generates and labels the replay; in checkpoints with the
 * number of tasks they have seen ({@code replay.tasks_seen}, {@code previous_solver}, {@code previous_generator}).
 */
final class PreviousModels extends Component.Named {
    private final FrozenCopies copies;
    private final Runnable allocate;
    private final AutoCloseable owner;

    /**
     * @param allocate takes the copies as the end of the first task would (before a checkpoint is loaded into them)
     * @param owner    frees them
     */
    PreviousModels(FrozenCopies copies, Runnable allocate, AutoCloseable owner) {
        super("previous_models");
        this.copies = copies;
        this.allocate = allocate;
        this.owner = owner;
    }

    @Override
    public List<MemoryItem> items() {
        List<MemoryItem> out = new ArrayList<>();
        if (copies.tasksSeen() == 0) {
            return out;
        }
        if (copies.previousSolver() != null) {
            out.addAll(Component.items("previous solver (frozen)", copies.previousSolver()));
        }
        out.addAll(Component.items("previous generator (frozen)", copies.previousGenerator()));
        return out;
    }

    @Override
    public void save(State state) {
        state.values().put("replay.tasks_seen", copies.tasksSeen());
        if (copies.tasksSeen() > 0) {
            if (copies.previousSolver() != null) {
                State.saveModel(state, "previous_solver", copies.previousSolver());
                state.values().put("previous_solver.outputs", copies.previousSolver().outputs());
            }
            State.saveModel(state, "previous_generator", copies.previousGenerator());
        }
    }

    @Override
    public void restore(Map<String, Safetensors.Loaded> tensors, JsonNode values) {
        int seen = values.path("replay.tasks_seen").asInt();
        if (seen > 0) {
            allocate.run();
            if (copies.previousSolver() != null) {
                copies.previousSolver().restoreOutputs(values.path("previous_solver.outputs").asInt());
                State.restoreModel(tensors, values, "previous_solver", copies.previousSolver());
            }
            State.restoreModel(tensors, values, "previous_generator", copies.previousGenerator());
            copies.restoreTasksSeen(seen);
        }
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("closing the previous models: " + e.getMessage(), e);
        }
    }
}
