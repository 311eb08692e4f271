package dev.rehearsal.experiment;

import dev.rehearsal.AtomicFiles;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Runs a config's strategies over its seeds into one results folder, safe against crashes:
 * <pre>
 * out/config.json                the resolved config (rehearsal compare --config out/config.json reproduces it)
 * out/results.json, results.csv, results.md   every finished run, and the tasks finished so far of the current one
 * out/runs/S-seedK.json          each finished run
 * out/checkpoint/S-seedK/        the current run's state after its last finished task
 * </pre>
 * Every file is replaced atomically after every task. Records and checkpoints carry their SHA-256 and the
 * config they were written for ({@link Integrity}). Resuming keeps the verified records and continues the
 * current run from its checkpoint.
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
     * Runs into {@code out}, which holds nothing of another run (the CLI opens it as a
     * {@link dev.rehearsal.ResultsFolder}). With {@code resume}, the folder's verified records are kept and
     * the current run continues from its checkpoint; without, a folder that already holds a record or a
     * checkpoint of one of these runs is refused rather than mixed with (nothing is ever deleted here).
     */
    public static Summary run(ExperimentConfig c, Path out, Backend backend, Dataset train, Dataset test,
            Progress progress, SampleSink sampleSink, Answerer answerer, boolean resume) {
        if (!resume) {
            for (String strategy : c.strategies) {
                for (long seed : c.seeds) {
                    String id = strategy + "-seed" + seed;
                    for (Path p : new Path[] {out.resolve("runs").resolve(id + ".json"),
                        out.resolve("checkpoint").resolve(id).resolve(RunCheckpoint.STATE)}) {
                        if (Files.exists(p)) {
                            throw new RehearsalException(RehearsalException.USAGE, out + " already holds " + p
                                    + " of an earlier run: a new run needs a folder of its own");
                        }
                    }
                }
            }
        }
        ResultFiles.write(out.resolve("config.json"), ConfigFiles.toJson(c));
        Summary summary = new Summary(c);
        int number = 0;
        for (long seed : c.seeds) {
            for (String strategy : c.strategies) {
                number++;
                ExperimentConfig rc = Experiment.single(c, strategy, seed);
                String id = strategy + "-seed" + seed;
                Path record = out.resolve("runs").resolve(id + ".json");
                if (Files.isRegularFile(record)) {
                    summary.add(readRecord(record, rc));
                    progress.log(id + ": already finished, kept from " + record);
                    continue;
                }
                progress.run(strategy + " seed " + seed, number, c.seeds.size() * c.strategies.size());
                RunCheckpoint checkpoint = new RunCheckpoint(out.resolve("checkpoint").resolve(id));
                RunResult result = Experiment.run(rc, backend, train, test, progress, checkpoint,
                        new Experiment.Listener() {
                        @Override
                        public void taskFinished(RunResult soFar) {
                            ResultFiles.writeSummary(out, summary.with(soFar));
                        }

                        @Override
                        public void finished(Strategy s, RunResult r) {
                            // The trained weights, named as PyTorch's nn.Linear names them.
                            s.models().forEach((role, m) -> {
                                Path f = out.resolve("models").resolve(id + "-" + role + ".safetensors");
                                try {
                                    dev.rehearsal.checkpoint.Checkpoints.saveWeights(m, f, java.util.Map.of(
                                            "strategy", strategy, "seed", Long.toString(seed), "preset", c.preset.id(),
                                            "role", role));
                                } catch (IOException e) {
                                    throw AtomicFiles.cannotWrite(f, e);
                                }
                            });
                        }

                        @Override
                        public void samples(String strategy, int task, Strategy.Samples s, SampleLabels labels) {
                            if (seed == c.seeds.get(0)) {
                                String grid = strategy + "-task" + (task + 1) + "-" + s.kind();
                                sampleSink.write(out.resolve("samples").resolve(grid + ".png"), s);
                                if (labels != null) {
                                    ResultFiles.write(out.resolve("samples").resolve(grid + ".json"),
                                            Json.write(labels.toJson()) + "\n");
                                }
                            }
                        }
                        });
                ResultFiles.write(record, Json.write(Experiment.record(rc, result)) + "\n");
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

    /** A finished run's record, verified: its checksum, the config it was written for, every value's range. */
    private static RunResult readRecord(Path record, ExperimentConfig rc) {
        return RunResult.fromJson(Experiment.readRecord(record, rc,
                "restore the run's config.json, or start the run over with --force"));
    }
}
