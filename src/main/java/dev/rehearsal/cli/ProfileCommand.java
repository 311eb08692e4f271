package dev.rehearsal.cli;

import dev.rehearsal.experiment.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.backend.nativ.NativeBackend;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.experiment.ConfigFiles;
import dev.rehearsal.experiment.Experiment;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.experiment.ResultFiles;
import dev.rehearsal.experiment.RunResult;
import dev.rehearsal.experiment.Summary;
import dev.rehearsal.metrics.MemoryItem;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.profile.Answers;
import dev.rehearsal.profile.Profile;
import dev.rehearsal.report.HtmlReport;
import dev.rehearsal.scenario.Scenario;
import dev.rehearsal.strategy.Strategy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rehearsal profile --strategy S --preset P}: runs the strategy and reports, per component, the exact
 * bytes it holds (checked against JavaCPP's counter on the native backend), the measured process memory
 * beside them, MACs and time per phase with achieved GFLOP/s, the efficiency metrics, and the answers.
 */
@Command(name = "profile", mixinStandardHelpOptions = true,
        description = "Exact memory per component, compute per phase and efficiency of one strategy's run.",
        footerHeading = "%nExample:%n", footer = "  rehearsal profile --strategy gr --preset wide --quick")
final class ProfileCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;
    @Mixin
    ExperimentOptions options;

    @Option(names = "--strategy", paramLabel = "S", completionCandidates = ExperimentOptions.StrategyIds.class,
            description = "One of ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    String strategy;

    @Option(names = "--seed", paramLabel = "N", description = "Random seed (default ${DEFAULT-VALUE}).")
    Long seed;

    @Option(names = "--quick", description = ExperimentOptions.QUICK)
    boolean quick;

    @Group.In(Group.OUTPUT)
    @Option(names = "--json", description = "Print the profile as JSON.")
    boolean json;

    @Mixin
    FolderOptions folder;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ExperimentConfig c = ConfigFiles.resolve(folder.config, quick, x -> {
            runtime.apply(x);
            options.apply(x);
            if (strategy != null) {
                x.strategy = strategy;
            }
            if (seed != null) {
                x.seed = seed;
            }
            x.strategies = new ArrayList<>(List.of(x.strategy));
            x.seeds = new ArrayList<>(List.of(x.seed));
            if (folder.out != null) {
                x.out = folder.out.toString();
            }
        });
        c.refuseUnread(c.strategies);
        try (ResultsFolder out = folder.openNew(c.out, "profile", "profile")) {
            try {
                return profileInto(c, out.dir(), out);
            } catch (RuntimeException | Error e) {
                out.discard(e); // nothing of a failed profile is worth keeping
                throw e;
            }
        }
    }

    /** Runs into the open results folder {@code dir} and prints the result. */
    private int profileInto(ExperimentConfig c, Path dir, ResultsFolder out) {
        var err = Experiments.stderr();
        ObjectNode profile;
        Summary summary = new Summary(c);
        try (Backend backend = RuntimeOptions.backend(c.backend, c)) {
            boolean nativ = backend instanceof NativeBackend;
            long baseline = nativ ? NativeRuntime.settledAllocatedBytes() : 0;
            try (dev.rehearsal.experiment.Inputs.Data data = Experiments.load(c, backend, err);
                    Scenario sc = dev.rehearsal.experiment.Experiment.scenario(c, backend, data.train(),
                            data.test())) {
                ObjectNode[] captured = new ObjectNode[1];
                RunResult r = Experiment.run(c, backend, sc, Progresses.forConsole(err, folder.quiet || c.quiet),
                        new Experiment.Listener() {
                            @Override
                            public void taskFinished(RunResult soFar) {
                            }

                            @Override
                            public void finished(Strategy s, RunResult result) {
                                captured[0] = profileOf(s, result, backend, data, sc, nativ, baseline, c);
                            }
                        });
                summary.add(r);
                profile = captured[0];
            }
        }
        summary.setAnswers(Answers.of(summary));
        ArrayNode answers = profile.putArray("answers");
        Answers.of(summary).forEach(answers::add);
        ResultFiles.writeSummary(dir, summary);
        ResultFiles.write(dir.resolve("profile.json"), Json.write(profile) + "\n");
        ResultFiles.write(dir.resolve("profile.txt"), Profile.toText(profile));
        HtmlReport.write(dir);
        out.finish();
        var console = spec.commandLine().getOut();
        console.println(json ? Json.write(profile) : Profile.toText(profile));
        return 0;
    }

    private static ObjectNode profileOf(Strategy s, RunResult r, Backend backend, dev.rehearsal.experiment.Inputs.Data data, Scenario sc,
            boolean nativ, long baseline, ExperimentConfig c) {
        long rise = nativ ? NativeRuntime.settledAllocatedBytes() - baseline : -1; // before anything else is asked
        List<MemoryItem> strategy = new ArrayList<>();
        List<MemoryItem> shared = new ArrayList<>();
        List<MemoryItem> library = new ArrayList<>();
        for (MemoryItem m : s.footprint()) {
            if (m.workspace()) {
                library.add(new MemoryItem("backend workspace", m.block(), m.bytes(), true));
            } else {
                strategy.add(m);
            }
        }
        shared.add(new MemoryItem("datasets", data.train().name() + ".images (uint8)", data.train().imageBytes()));
        shared.add(new MemoryItem("datasets", data.test().name() + ".images (uint8)", data.test().imageBytes()));
        if (sc.permutationBytes() > 0) {
            shared.add(new MemoryItem("scenario", "permutations (int32)", sc.permutationBytes()));
        }
        ObjectNode setting = Json.MAPPER.createObjectNode();
        setting.put("backend", backend.name());
        setting.put("precision", backend.precision().id());
        setting.put("threads", backend.threads());
        if (backend instanceof NativeBackend nb) {
            library.add(new MemoryItem("oneDNN", nb.primitiveCount() + " primitives' argument lists",
                    nb.bookkeepingBytes()));
            setting.put("gemm", nb.gemmEngine().name().toLowerCase(java.util.Locale.ROOT));
            setting.put("omp_wait", NativeRuntime.waitPolicy().name().toLowerCase(java.util.Locale.ROOT));
            var d = NativeRuntime.describe();
            setting.put("onednn", d.get("onednn"));
            setting.put("onednn_isa", d.get("onednn_isa"));
        }
        var exact = new java.util.EnumMap<Profile.Part, List<MemoryItem>>(Profile.Part.class);
        exact.put(Profile.Part.STRATEGY, strategy);
        exact.put(Profile.Part.DATA, shared);
        exact.put(Profile.Part.BACKEND, library);
        List<MemoryItem> heap = new ArrayList<>();
        heap.add(new MemoryItem("datasets", data.train().name() + ".labels", data.train().labelBytes()));
        heap.add(new MemoryItem("datasets", data.test().name() + ".labels", data.test().labelBytes()));
        s.heapMemory().forEach((k, v) -> heap.add(new MemoryItem("replay buffer", k, v)));
        if (backend instanceof dev.rehearsal.backend.jvm.JvmBackend jb) {
            heap.add(new MemoryItem("jvm GEMM", "packed B panel and per-thread row accumulators",
                    jb.bookkeepingBytes()));
        }
        Runtime rt = Runtime.getRuntime();
        var measured = new Profile.Measured(rise, NativeRuntime.residentBytes(), rt.totalMemory() - rt.freeMemory());
        var generator = s.models().get("generator");
        long generatorMacs = generator == null ? 0 : generator.forwardMacsPerSample();
        var shape = new Profile.Shape(s.solverForwardMacsPerSample(), generatorMacs);
        var stored = s.storedSamples();
        long slots = stored == null ? 0 : stored.slots();
        ObjectNode p = Profile.toJson(r, exact, setting, heap, measured, shape, slots, data.train().features(),
                stored == null ? dev.rehearsal.replay.Storage.UINT8 : stored.storage());
        p.put("preset", c.preset.id());
        return p;
    }
}
