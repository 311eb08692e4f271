package dev.rehearsal.experiment;

import dev.rehearsal.AtomicFiles;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.data.Dataset;
import dev.rehearsal.strategy.Progress;
import dev.rehearsal.strategy.Strategy;
import dev.rehearsal.metrics.Completion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a config's strategies over its seeds into one results folder, safe against crashes:
 * <pre>
 * out/config.json                the resolved config (rehearsal compare --config out/config.json reproduces it)
 * out/results.json, results.csv, results.md   every finished run, and the tasks finished so far of the current one;
 *                                             after a failed run, that run marked stopped and the runs after it
 *                                             listed as not run ({@link Stopped})
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
        // A value that only a strategy's construction can judge (a budget, a per-class count beyond a class's
        // samples) stops the command before the first run rather than after the runs before it.
        for (long seed : c.seeds) {
            for (String strategy : c.strategies) {
                if (!Files.isRegularFile(out.resolve("runs").resolve(strategy + "-seed" + seed + ".json"))) {
                    Experiment.check(Experiment.single(c, strategy, seed), backend, train, test);
                }
            }
        }
        ResultFiles.write(out.resolve("config.json"), ConfigFiles.toJson(c));
        Summary summary = new Summary(c);
        // The runs not finished yet, in order, with the work each will do (for the estimate of the time left).
        List<dev.rehearsal.metrics.Eta.Run> toCome = new ArrayList<>();
        for (long seed : c.seeds) {
            for (String strategy : c.strategies) {
                if (!Files.isRegularFile(out.resolve("runs").resolve(strategy + "-seed" + seed + ".json"))) {
                    toCome.add(new dev.rehearsal.metrics.Eta.Run(strategy, Experiment.plannedWork(
                            Experiment.single(c, strategy, seed), train.size(), test.size())));
                }
            }
        }
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
                toCome.remove(0);
                progress.run(strategy + " seed " + seed, number, c.seeds.size() * c.strategies.size(), strategy,
                        List.copyOf(toCome));
                RunCheckpoint checkpoint = new RunCheckpoint(out.resolve("checkpoint").resolve(id));
                RunResult[] soFar = new RunResult[1];
                RunResult result;
                long began = System.nanoTime();
                try {
                    result = Experiment.run(rc, backend, train, test, progress, checkpoint,
                        new Experiment.Listener() {
                        @Override
                        public void taskFinished(RunResult partial) {
                            soFar[0] = partial;
                            ResultFiles.writeSummary(out, summary.with(partial));
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
                } catch (RehearsalException e) {
                    throw stopped(c, out, summary, soFar[0], strategy, seed, e, answerer);
                }
                ResultFiles.write(record, Json.write(Experiment.record(rc, result)) + "\n");
                checkpoint.delete();
                summary.add(result);
                summary.ranHere(MachineUse.Work.thisProcess(result, rc.backend.id(), rc.threads,
                        (System.nanoTime() - began) / 1e9));
                summary.setAnswers(answerer.answer(summary));
                ResultFiles.writeSummary(out, summary);
            }
        }
        progress.log("writing results.json, results.csv and results.md in " + out);
        summary.setAnswers(answerer.answer(summary));
        ResultFiles.writeSummary(out, summary);
        return summary;
    }

    /**
     * A comparison whose run of {@code strategy} with {@code seed} failed: the error as it was thrown (same exit
     * code and message), and the summary written of what ran, so the command can show it.
     */
    public static final class Stopped extends RehearsalException {
        private static final long serialVersionUID = 1L;
        private final transient Summary summary;

        Stopped(RehearsalException cause, Summary summary) {
            super(cause.exitCode(), cause.getMessage(), cause);
            this.summary = summary;
        }

        /** What ran, with the stopped run marked and the runs that never started listed. */
        public Summary summary() {
            return summary;
        }
    }

    /**
     * Writes the results of what ran when a run fails: its finished tasks (marked as stopped by {@code e}), and
     * every run after it, which will not start, as not run with the reason. Nothing is written when no task of
     * any run finished (the folder holds no results to show).
     */
    private static Stopped stopped(ExperimentConfig c, Path out, Summary summary, RunResult partial,
            String strategy, long seed, RehearsalException e, Answerer answerer) {
        Summary written = summary.with(partial);
        String failed = strategy + " seed " + seed;
        if (partial != null) {
            written.stopped(strategy, seed, e.getMessage());
        } else {
            written.notRun(strategy, List.of(seed), "started, but stopped before finishing its first task: "
                    + e.getMessage());
        }
        // The runs go seed by seed, each seed's strategies in order: those after the failed one never start.
        String reason = "not started: the command stopped when " + failed + " failed ("
                + Completion.headline(e.getMessage()) + ")";
        int stoppedAt = c.seeds.indexOf(seed) * c.strategies.size() + c.strategies.indexOf(strategy);
        for (int i = 0; i < c.strategies.size(); i++) {
            List<Long> seeds = new ArrayList<>();
            for (int k = 0; k < c.seeds.size(); k++) {
                if (k * c.strategies.size() + i > stoppedAt) {
                    seeds.add(c.seeds.get(k));
                }
            }
            if (!seeds.isEmpty()) {
                written.notRun(c.strategies.get(i), seeds, reason);
            }
        }
        if (!written.runs().isEmpty()) {
            written.setAnswers(answerer.answer(written));
            ResultFiles.writeSummary(out, written);
        }
        return new Stopped(e, written);
    }

    /** A finished run's record, verified: its checksum, the config it was written for, every value's range. */
    private static RunResult readRecord(Path record, ExperimentConfig rc) {
        return RunResult.fromJson(Experiment.readRecord(record, rc,
                "restore the run's config.json, or start the run over with --force"));
    }
}
