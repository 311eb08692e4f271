package dev.rehearsal.cli;

import dev.rehearsal.experiment.Json;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.backend.Backend;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.nn.Linear;
import dev.rehearsal.nn.Mlp;
import dev.rehearsal.nn.Model;
import dev.rehearsal.nn.Preset;
import dev.rehearsal.nn.Vae;
import dev.rehearsal.optim.OptimizerConfig;
import dev.rehearsal.random.Rng;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code rehearsal model --preset seed}: parameter counts, forward MACs and the exact bytes of every memory
 * block of the preset's MLP and VAE, on both backends, for Adam training at a given batch size.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Parameters, forward MACs per sample and exact bytes per memory block of a preset's models.",
        footerHeading = "%nExample:%n", footer = "  rehearsal model --preset wide --batch 256")
final class ModelCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Option(names = "--preset", paramLabel = "NAME", description = "seed, wide or perm (default: ${DEFAULT-VALUE}).")
    String preset = "seed";

    @Option(names = "--batch", paramLabel = "B", description = "Largest batch the activations are sized for "
            + "(default: ${DEFAULT-VALUE}).")
    int batch = 128;

    @Group.In(Group.OUTPUT)
    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Preset p = parsePreset(preset);
        if (batch < 1 || batch > 1 << 20) {
            throw new RehearsalException(RehearsalException.USAGE, "--batch must be between 1 and 1048576, got " + batch);
        }
        ObjectNode root = Json.MAPPER.createObjectNode();
        root.put("preset", p.id());
        root.put("batch", batch);
        root.put("optimizer", "adam");
        ArrayNode models = root.putArray("models");
        ExperimentConfig c = runtime.resolved();
        try (Backend nativ = RuntimeOptions.backend(dev.rehearsal.config.BackendType.NATIVE, c); Backend jvm = RuntimeOptions.backend(dev.rehearsal.config.BackendType.JVM, c)) {
            for (String kind : List.of("mlp", "vae")) {
                ObjectNode m = models.addObject();
                m.put("model", kind);
                ObjectNode memory = Json.MAPPER.createObjectNode();
                for (Backend be : List.of(nativ, jvm)) {
                    try (Model model = build(kind, p, be)) {
                        if (!m.has("architecture")) {
                            describe(m, kind, p, model);
                        }
                        ObjectNode mem = memory.putObject(be.name());
                        ArrayNode blocks = mem.putArray("blocks");
                        for (Model.MemoryBlock b : model.memory()) {
                            ObjectNode o = blocks.addObject().put("name", b.name()).put("bytes", b.bytes());
                            if (b.workspace()) {
                                o.put("workspace", true); // sized by the library for this machine and setting
                            }
                        }
                        mem.put("workspace_bytes", model.workspaceBytes());
                        mem.put("total_bytes", model.bytes());
                    }
                }
                m.set("memory", memory);
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.write(root));
        } else {
            printTables(out, root);
        }
        return 0;
    }

    static Preset parsePreset(String name) {
        try {
            return Preset.parse(name);
        } catch (IllegalArgumentException e) {
            throw new RehearsalException(RehearsalException.USAGE, e.getMessage());
        }
    }

    private Model build(String kind, Preset p, Backend be) {
        OptimizerConfig adam = OptimizerConfig.adam(1e-3);
        return kind.equals("mlp") ? new Mlp(be, "mlp", p.mlp(), batch, adam, new Rng(0))
                : new Vae(be, "vae", p.vae(), batch, adam, new Rng(0));
    }

    private static void describe(ObjectNode m, String kind, Preset p, Model model) {
        m.put("architecture", kind.equals("mlp") ? p.mlp().toString() : p.vae().toString());
        m.put("parameters", model.parameterCount());
        m.put("forward_macs_per_sample", model.forwardMacsPerSample());
        ArrayNode layers = m.putArray("layers");
        for (Linear l : model.layers()) {
            layers.addObject().put("name", l.name()).put("in", l.in()).put("out", l.out())
                    .put("parameters", l.parameterCount()).put("forward_macs", l.forwardMacs());
        }
    }

    private static void printTables(PrintWriter out, ObjectNode root) {
        out.printf("preset %s, batch %d, Adam%n", root.get("preset").asText(), root.get("batch").asInt());
        for (var m : root.get("models")) {
            out.printf("%n%s %s: %,d parameters, %,d forward MACs per sample%n", m.get("model").asText(),
                    m.get("architecture").asText(), m.get("parameters").asLong(),
                    m.get("forward_macs_per_sample").asLong());
            out.printf("  %-8s %6s %6s %12s %14s%n", "layer", "in", "out", "parameters", "forward MACs");
            for (var l : m.get("layers")) {
                out.printf("  %-8s %6d %6d %,12d %,14d%n", l.get("name").asText(), l.get("in").asInt(),
                        l.get("out").asInt(), l.get("parameters").asLong(), l.get("forward_macs").asLong());
            }
            out.printf("  %-24s %16s %16s%n", "block (exact bytes)", "native", "jvm");
            var nat = m.get("memory").get("native");
            var jvm = m.get("memory").get("jvm");
            for (int i = 0; i < nat.get("blocks").size(); i++) {
                out.printf("  %-24s %,16d %,16d%n", nat.get("blocks").get(i).get("name").asText(),
                        nat.get("blocks").get(i).get("bytes").asLong(), jvm.get("blocks").get(i).get("bytes").asLong());
            }
            out.printf("  %-24s %,16d %,16d%n", "  of which workspace", nat.get("workspace_bytes").asLong(),
                    jvm.get("workspace_bytes").asLong());
            out.printf("  %-24s %,16d %,16d%n", "total", nat.get("total_bytes").asLong(),
                    jvm.get("total_bytes").asLong());
        }
    }
}
