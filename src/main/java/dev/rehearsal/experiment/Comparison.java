package dev.rehearsal.experiment;

import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a config's strategies over its seeds into one results folder, safe against crashes:
 * <pre>
 * out/config.json                the resolved config (rehearsal compare --config out/config.json reproduces it)
 * out/results.json, results.md   every finished run, and the tasks finished so far of the current one
 * out/runs/S-seedK.json          each finished run
 * out/checkpoint/S-seedK/        the current run's state after its last finished task
 * </pre>
 * Every file is replaced atomically after every task. Resuming skips the recorded runs and continues the
 * current one from its checkpoint.
 */
public final class Comparison {
    private Comparison() {
    }

    /** The config saved in a results folder, for {@code --resume}. */
    public static ExperimentConfig savedConfig(Path out) {
        Path file = out.resolve("config.json");
        if (!Files.isRegularFile(file)) {
            throw new RehearsalException(RehearsalException.USAGE, "nothing to resume in " + out + ": it has no "
                    + "config.json (give the --out folder of an interrupted run)");
        }
        return ConfigFiles.resolve(file, false, c -> { });
    }

    /** Where sample grids go (the report package draws them; tests may pass a no-op). */
    public interface SampleSink {
        void write(Path png, Strategy.Samples samples);
    }

    /** Writes the answers to the report's questions (computed by the caller from the summary). */
    public interface Answerer {
        java.util.List<String> answer(Summary summary);
    }

    /**
     * Runs into {@code out}. Unless {@code resume}, an earlier invocation's records and checkpoints in the
     * folder are removed first: a new run replaces the folder's results rather than mixing with them.
     */
    public static Summary run(ExperimentConfig c, Path out, Backend backend, Dataset train, Dataset test,
            Progress progress, SampleSink sampleSink, Answerer answerer, boolean resume) {
        if (!resume) {
            clear(out.resolve("runs"));
            clear(out.resolve("checkpoint"));
        }
        ResultFiles.write(out.resolve("config.json"), ConfigFiles.toJson(c));
        Summary summary = new Summary(c);
        for (long seed : c.seeds) {
            for (String strategy : c.strategies) {
                ExperimentConfig rc = c.copy();
                rc.strategy = strategy;
                rc.seed = seed;
                String id = strategy + "-seed" + seed;
                Path record = out.resolve("runs").resolve(id + ".json");
                if (Files.isRegularFile(record)) {
                    summary.add(readRecord(record));
                    progress.log(id + ": already finished, kept from " + record);
                    continue;
                }
                RunCheckpoint checkpoint = new RunCheckpoint(out.resolve("checkpoint").resolve(id));
                RunResult result;
                try (Scenario sc = Experiment.scenario(rc, backend, train, test)) {
                    result = Experiment.run(rc, backend, sc, progress, checkpoint, new Experiment.Listener() {
                        @Override
                        public void taskFinished(RunResult soFar) {
                            ResultFiles.writeSummary(out, summary.with(soFar));
                        }

                        @Override
                        public void finished(Strategy s, RunResult r) {
                            // The trained weights, named as PyTorch's nn.Linear names them.
                            s.models().forEach((role, m) -> {
                                try {
                                    Path f = out.resolve("models").resolve(id + "-" + role + ".safetensors");
                                    java.nio.file.Files.createDirectories(f.getParent());
                                    dev.rehearsal.checkpoint.Checkpoints.saveWeights(m, f, java.util.Map.of(
                                            "strategy", strategy, "seed", Long.toString(seed), "preset", c.preset,
                                            "role", role));
                                } catch (IOException e) {
                                    throw new RehearsalException(RehearsalException.RUN, "cannot write the weights of "
                                            + id + " into " + out + ": " + e.getMessage(), e);
                                }
                            });
                        }

                        @Override
                        public void samples(String strategy, int task, Strategy.Samples s) {
                            if (seed == c.seeds.get(0)) {
                                sampleSink.write(out.resolve("samples").resolve(strategy + "-task" + (task + 1) + "-"
                                        + s.kind() + ".png"), s);
                            }
                        }
                    });
                }
                ResultFiles.write(record, Json.write(result.toJson()) + "\n");
                checkpoint.delete();
                summary.add(result);
                summary.setAnswers(answerer.answer(summary));
                ResultFiles.writeSummary(out, summary);
            }
        }
        summary.setAnswers(answerer.answer(summary));
        ResultFiles.writeSummary(out, summary);
        return summary;
    }

    private static void clear(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot clear " + dir + " for a new run: "
                    + e.getMessage(), e);
        }
    }

    private static RunResult readRecord(Path record) {
        try {
            return RunResult.fromJson(Json.MAPPER.readTree(record.toFile()));
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read " + record + ": " + e.getMessage(), e);
        }
    }
}
