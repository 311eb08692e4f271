package dev.rehearsal.optim;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/**
 * How to train a model: the optimiser and its hyper-parameters. {@code momentum} is used by SGD,
 * {@code beta1}, {@code beta2} and {@code eps} by Adam.
 */
public record OptimizerConfig(Kind kind, double lr, double beta1, double beta2, double eps, double momentum,
        double weightDecay, LrSchedule schedule) {

    /** The optimiser; its id is the config's {@code optimizer} value. */
    public enum Kind implements Word {
        SGD,
        ADAM;

        @JsonValue
        @Override
        public String id() {
            return Word.idOf(this);
        }

        /** The optimiser written {@code text} (any case); see {@link Word#parse}. */
        @JsonCreator
        public static Kind of(String text) {
            return Word.parse(Kind.class, text);
        }
    }

    public OptimizerConfig {
        if (!(lr > 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + lr);
        }
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
            throw new IllegalArgumentException("Adam betas must lie in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0) || momentum < 0 || momentum >= 1 || weightDecay < 0) {
            throw new IllegalArgumentException("need eps > 0, 0 <= momentum < 1, weight decay >= 0");
        }
    }

    /** Adam with PyTorch's defaults (betas 0.9, 0.999, eps 1e-8) and a constant rate. */
    public static OptimizerConfig adam(double lr) {
        return new OptimizerConfig(Kind.ADAM, lr, 0.9, 0.999, 1e-8, 0, 0, new LrSchedule.Constant());
    }

    public static OptimizerConfig sgd(double lr, double momentum) {
        return new OptimizerConfig(Kind.SGD, lr, 0.9, 0.999, 1e-8, momentum, 0, new LrSchedule.Constant());
    }

    public OptimizerConfig withSchedule(LrSchedule s) {
        return new OptimizerConfig(kind, lr, beta1, beta2, eps, momentum, weightDecay, s);
    }

    /** Floats of optimiser state per parameter: Adam keeps m and v, SGD a velocity when it has momentum. */
    public int stateFloatsPerParam() {
        return switch (kind) {
            case ADAM -> 2;
            case SGD -> momentum > 0 ? 1 : 0;
        };
    }
}
