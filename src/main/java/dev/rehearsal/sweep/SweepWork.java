package dev.rehearsal.sweep;

import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.engine.Engine;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.experiment.Inputs;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.ReplayBudget;
import java.util.HashMap;
import java.util.Map;

/**
 * One experiment of a sweep as an engine runs it, on whatever process the engine picks: the payload is the
 * experiment's resolved config as JSON, the result its sealed record ({@link Experiment#record}), or, when it
 * fails, its failure record with the one-line error and the exit code the command line would have given (a
 * replay budget too small for the strategy is no failure: its record says {@code does_not_fit}). It
 * writes no file: the driver does.
 *
 * <p>Data are loaded once per process ({@link #data}) and shared by the experiments that run there (they only
 * read them); each experiment gets a backend of its own, so its MAC counts are its own.
 */
final class SweepWork implements Engine.Work {
    private static final long serialVersionUID = 1L;

    /** Datasets by backend, dataset and path: loaded (fetched and verified) once per process. */
    private static final Map<String, Inputs.Data> DATA = new HashMap<>();

    @Override
    public String run(Engine.Task task) {
        ExperimentConfig c = ConfigFiles.fromJson(task.payload());
        try {
            Inputs.Data data = data(c);
            try (Backend backend = Inputs.backend(c.backend, c)) {
                RunResult r = Experiment.run(c, backend, data.train(), data.test(), Progress.NONE, null, null);
                return Json.write(Experiment.record(c, r));
            }
        } catch (ReplayBudget.TooSmall e) {
            return Json.write(Experiment.doesNotFit(c, oneLine(e.getMessage())));
        } catch (RehearsalException e) {
            return Json.write(Experiment.failure(c, oneLine(e.getMessage()), e.exitCode()));
        } catch (OutOfMemoryError e) {
            return Json.write(Experiment.failure(c, "out of memory: " + oneLine(e.getMessage()), RehearsalException.RUN));
        } catch (RuntimeException e) {
            return Json.write(Experiment.failure(c, "internal error: " + e.getClass().getSimpleName() + ": "
                    + oneLine(e.getMessage()), 1));
        }
    }

    /** The config's train and test sets, loaded into a backend of their own the first time this process needs them. */
    static Inputs.Data data(ExperimentConfig c) {
        String key = c.backend + "|" + c.dataset + "|" + c.data;
        synchronized (DATA) {
            Inputs.Data d = DATA.get(key);
            if (d == null) {
                Backend owner = Inputs.backend(c.backend, c); // lives as long as the process, like the data
                d = Inputs.load(c, owner, line -> System.err.println("rehearsal sweep: " + line));
                DATA.put(key, d);
            }
            return d;
        }
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*[\\r\\n]+\\s*", "; ").trim();
    }
}
