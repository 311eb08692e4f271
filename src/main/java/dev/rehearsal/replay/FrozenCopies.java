package dev.rehearsal.replay;

import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Model;

/**
 * What a generative replay source keeps of the previous task: frozen copies of the generator and (when it
 * labels the replay) of the solver, allocated when the first task ends and overwritten after each later one, and
 * how many tasks they have seen. Strategies save and restore them through one component.
 */
public interface FrozenCopies {
    /** Tasks whose end has updated the copies (0: none allocated yet). */
    int tasksSeen();

    /** The frozen solver, or null when the source does not label with it (or before the first task ends). */
    Mlp previousSolver();

    /** The frozen generator (null before the first task ends). */
    Model previousGenerator();

    /** For checkpoints, after the copies were allocated and loaded. */
    void restoreTasksSeen(int n);
}
