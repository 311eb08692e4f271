package dev.rehearsal.strategy;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.config.Option;
import dev.rehearsal.replay.Storage;
import dev.rehearsal.scenario.Task;

/**
 * Replay memory as a budget, and the format stored samples are kept in: the two options every strategy that
 * stores samples, logits or a generator declares.
 *
 * <p><b>Replay memory</b> is every byte a strategy keeps between tasks for the sake of remembering: stored
 * samples (as stored, after compression), stored labels and logits, prototypes, generator parameters, frozen
 * copies of earlier models, statistics (Fisher, importance, class means). The solver and its optimiser state
 * are not replay memory, nor are scratch buffers a step reuses. {@link Strategy#replayMemoryBytes} reports it
 * exactly after every task; a class-balanced buffer's labels follow from its slots' positions and cost nothing.
 *
 * <p><b>A budget</b> ({@code --replay-budget BYTES}, 1 MB = 10^6 bytes) replaces the count options
 * ({@code --per-class}, {@code --derpp-buffer}): what a strategy keeps whatever the budget (a frozen solver,
 * class means) comes off first, and the rest holds as many samples as fit, so that the replay memory after
 * the last task never exceeds the budget. A budget too small for one sample per class (or for the fixed part)
 * is refused with the figures.
 */
public final class ReplayBudget {
    public static final Option BYTES = Option.integer("replay-budget", 0, 0, Integer.MAX_VALUE,
            "replay memory in bytes (10^6 = 1 MB) the strategy may keep after the last task: the number of stored "
                    + "samples follows from it (overrides --per-class and --derpp-buffer); 0: those decide");
    public static final Option STORAGE = Option.choice("storage",
            "how stored samples keep their pixels: uint8 (8 bits), u4 (16 grey levels, 4 bits) or binary "
                    + "(thresholded at 0.5, 1 bit), bit-packed", Storage.class);

    private ReplayBudget() {
    }

    /**
     * A budget too small for what a strategy must keep: a usage error on the command line (exit 2), and in a
     * sweep an outcome of its own ("does not fit"), not a failure: the frontier reports it.
     */
    public static final class TooSmall extends RehearsalException {
        private static final long serialVersionUID = 1L;

        TooSmall(String message) {
            super(RehearsalException.USAGE, message);
        }
    }

    /** The format of stored samples. */
    public static Storage storage(Context ctx) {
        return ctx.config().choice(STORAGE, Storage.class);
    }

    /** The budget in bytes, or 0 when none is set. */
    public static long bytes(Context ctx) {
        return ctx.config().integer(BYTES);
    }

    /** Groups of a class-balanced buffer: one per class of each task. */
    static int groups(Context ctx) {
        int n = 0;
        for (Task t : ctx.scenario().tasks()) {
            n += t.hi() - t.lo();
        }
        return n;
    }

    /**
     * Samples per class of a class-balanced buffer whose rows take {@code rowBytes} each, beside
     * {@code fixedBytes} kept whatever the budget: {@code --per-class} without a budget, else
     * {@code floor((budget - fixed) / (groups * rowBytes))}.
     */
    static int perClass(Context ctx, long rowBytes, long fixedBytes, String fixedWhat) {
        long budget = bytes(ctx);
        if (budget == 0) {
            return ctx.config().perClass;
        }
        int groups = groups(ctx);
        long room = budget - fixedBytes;
        long n = room <= 0 ? 0 : room / (groups * rowBytes);
        if (n < 1) {
            throw new TooSmall("invalid value for 'replay-budget': " + budget
                    + " bytes cannot hold " + (fixedBytes > 0 ? fixedWhat + " (" + fixedBytes + " bytes) and " : "")
                    + "one sample of each of " + groups + " classes (" + rowBytes + " bytes each in "
                    + storage(ctx).id() + ")");
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    /**
     * Slots of a buffer whose slots take {@code slotBytes} each (pixels, label, logits, bookkeeping):
     * {@code otherwise} without a budget, else {@code floor(budget / slotBytes)}.
     */
    static int slots(Context ctx, long slotBytes, int otherwise) {
        long budget = bytes(ctx);
        if (budget == 0) {
            return otherwise;
        }
        long n = budget / slotBytes;
        if (n < 1) {
            throw new TooSmall("invalid value for 'replay-budget': " + budget
                    + " bytes cannot hold one sample of " + slotBytes + " bytes");
        }
        return (int) Math.min(n, 1_000_000);
    }

    /** Bytes of one stored row of the scenario's samples in the configured storage. */
    static int rowBytes(Context ctx) {
        return storage(ctx).rowBytes(ctx.scenario().train().features());
    }

    /** The widest first hidden layer a budgeted generator may have (16 x the wide preset's). */
    static final int MAX_GENERATOR_WIDTH = 6400;

    /**
     * The generator a budget buys: {@code spec} without a budget; else the widest VAE of {@code spec}'s shape
     * (every hidden width scaled with the first, latent size kept) whose {@code copies} float32 copies fit
     * beside {@code fixedBytes}. A budget too small for a first layer of one unit is refused.
     */
    static dev.rehearsal.nn.VaeSpec generator(Context ctx, dev.rehearsal.nn.VaeSpec spec, int copies, long fixedBytes,
            String fixedWhat) {
        long budget = bytes(ctx);
        if (budget == 0) {
            return spec;
        }
        long room = budget - fixedBytes;
        int lo = 0;
        int hi = MAX_GENERATOR_WIDTH;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (4L * copies * spec.withFirstWidth(mid).parameters() <= room) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        if (lo < 1) {
            throw new TooSmall("invalid value for 'replay-budget': " + budget
                    + " bytes cannot hold " + (fixedBytes > 0 ? fixedWhat + " (" + fixedBytes + " bytes) and " : "")
                    + copies + " copies of the smallest generator (" + 4L * copies
                    * spec.withFirstWidth(1).parameters() + " bytes)");
        }
        return spec.withFirstWidth(lo);
    }

    /** Bytes of a float32 copy of the scenario's solver (its head at full capacity). */
    static long solverBytes(Context ctx) {
        return 4 * Strategy.solverSpec(ctx).parameters();
    }
}
