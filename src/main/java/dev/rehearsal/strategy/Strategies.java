package dev.rehearsal.strategy;

import dev.rehearsal.RehearsalException;
import java.util.List;

/** Strategy ids and their construction. */
public final class Strategies {
    public static final List<String> IDS = List.of("naive", "joint", "er", "gr");

    private Strategies() {
    }

    public static Strategy create(String id, Context ctx) {
        return switch (id) {
            case "naive" -> new Naive(ctx);
            case "joint" -> new Joint(ctx);
            case "er" -> new ExperienceReplay(ctx);
            case "gr" -> new GenerativeReplayStrategy(ctx);
            default -> throw new RehearsalException(RehearsalException.USAGE, "unknown strategy '" + id
                    + "': use one of " + String.join(", ", IDS));
        };
    }
}
