package dev.rehearsal.experiment;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.backend.jvm.JvmBackend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.strategy.ReplayBudget;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Builds experiments' scenarios and strategies ({@link Experiment#check}) on the data sets already on this machine,
 * before a command runs any of them, so that a value only a strategy can judge (a replay budget against its
 * sample size, more stored samples per class than a class has) stops the command at once. Nothing is fetched (a
 * dry run writes nothing), and everything is built on the jvm backend: what a strategy checks does not depend on
 * the backend, and the native runtime's threads, fixed per process, are left to the runs.
 */
public final class PreRunCheck {
    private PreRunCheck() {
    }

    /** How many experiments were built, or why none could be (the data set is not on the machine). */
    public record Checked(int built, String notCheckedBecause) {
        public boolean done() {
            return notCheckedBecause == null;
        }
    }

    /**
     * Builds each of {@code configs}. A refusal is thrown as the run would throw it, its message after
     * {@code name}'s prefix for that config (null: the message alone); with {@code budgetsRecorded}, a replay budget
     * too small for its strategy is not refused (a sweep records that experiment as not fitting).
     */
    public static Checked onLocalData(List<ExperimentConfig> configs, Function<ExperimentConfig, String> name,
            boolean budgetsRecorded) {
        Map<String, Inputs.Data> data = new LinkedHashMap<>();
        int built = 0;
        try (Backend backend = new JvmBackend(1, Precision.FP32)) {
            for (ExperimentConfig c : configs) {
                String key = c.dataset + "|" + c.data;
                Inputs.Data d = data.get(key);
                if (d == null) {
                    try {
                        d = Inputs.loadWithoutFetching(c, backend);
                    } catch (RehearsalException e) {
                        if (e.exitCode() != RehearsalException.DATA) {
                            throw e;
                        }
                        return new Checked(built, e.getMessage());
                    }
                    data.put(key, d);
                }
                try {
                    Experiment.check(c, backend, d.train(), d.test());
                } catch (RehearsalException e) {
                    if (!(budgetsRecorded && e instanceof ReplayBudget.TooSmall)) {
                        throw name == null ? e : new RehearsalException(e.exitCode(), name.apply(c) + e.getMessage());
                    }
                }
                built++;
            }
        } finally {
            data.values().forEach(Inputs.Data::close);
        }
        return new Checked(built, null);
    }
}
