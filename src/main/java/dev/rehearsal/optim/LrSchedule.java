package dev.rehearsal.optim;

/** The learning rate as a function of the optimiser's step count (0-based, reset with the optimiser). */
public sealed interface LrSchedule {

    double lr(double base, long step);

    /** The same rate throughout. */
    record Constant() implements LrSchedule {
        @Override
        public double lr(double base, long step) {
            return base;
        }
    }

    /** Multiplied by {@code gamma} every {@code every} steps. */
    record Step(long every, double gamma) implements LrSchedule {
        public Step {
            if (every < 1 || !isFloat32Positive(gamma)) {
                throw new IllegalArgumentException("step:EVERY:GAMMA needs EVERY >= 1 and a finite GAMMA of at least "
                        + Float.MIN_NORMAL + ", float32's smallest normal number; got EVERY " + every + " and GAMMA "
                        + gamma);
            }
        }

        @Override
        public double lr(double base, long step) {
            return base * Math.pow(gamma, step / every);
        }
    }

    /** Multiplied by {@code gamma} at every step. */
    record Exponential(double gamma) implements LrSchedule {
        public Exponential {
            if (!isFloat32Positive(gamma) || gamma > 1) {
                throw new IllegalArgumentException("exp:GAMMA needs 0 < GAMMA <= 1 with GAMMA at least "
                        + Float.MIN_NORMAL + ", float32's smallest normal number; got " + gamma);
            }
        }

        @Override
        public double lr(double base, long step) {
            return base * Math.pow(gamma, step);
        }
    }

    /**
     * Finite, positive and a normal float32: NaN compares false with everything, so every range check must
     * also say finite; rates below float32's smallest normal number turn into zero or lose their precision.
     */
    private static boolean isFloat32Positive(double x) {
        return Double.isFinite(x) && x > 0 && (float) x >= Float.MIN_NORMAL;
    }

    /** Parses {@code constant}, {@code step:EVERY:GAMMA} or {@code exp:GAMMA}. */
    static LrSchedule parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no LR schedule: use constant, step:EVERY:GAMMA or exp:GAMMA");
        }
        String[] parts = text.trim().split(":");
        try {
            return switch (parts[0]) {
                case "constant" -> {
                    if (parts.length != 1) {
                        throw new IllegalArgumentException();
                    }
                    yield new Constant();
                }
                case "step" -> {
                    if (parts.length != 3) {
                        throw new IllegalArgumentException();
                    }
                    yield new Step(Long.parseLong(parts[1]), Double.parseDouble(parts[2]));
                }
                case "exp" -> {
                    if (parts.length != 2) {
                        throw new IllegalArgumentException();
                    }
                    yield new Exponential(Double.parseDouble(parts[1]));
                }
                default -> throw new IllegalArgumentException();
            };
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && !(e instanceof NumberFormatException)) {
                throw e;
            }
            throw new IllegalArgumentException("unknown LR schedule '" + text
                    + "': use constant, step:EVERY:GAMMA (integer EVERY) or exp:GAMMA");
        }
    }
}
