package dev.rehearsal.cli;

import dev.rehearsal.experiment.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.config.ExperimentConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code rehearsal info}: what this machine and the native stack are. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Versions of JavaCPP, OpenBLAS and oneDNN, the CPU ISA they use, and thread settings.",
        footerHeading = "%nExample:%n", footer = "  rehearsal info --json")
final class InfoCommand implements Callable<Integer> {
    @Mixin
    RuntimeOptions runtime;

    @Group.In(Group.OUTPUT)
    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ExperimentConfig c = runtime.resolved();
        RuntimeOptions.backend(dev.rehearsal.config.BackendType.NATIVE, c).close();
        Map<String, String> info = new LinkedHashMap<>();
        info.put("cpu", cpuModel());
        info.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        info.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        info.putAll(NativeRuntime.describe());
        info.put("threads", Integer.toString(c.threads));
        var out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = Json.MAPPER.createObjectNode();
            info.forEach(node::put);
            out.println(Json.write(node));
        } else {
            int width = info.keySet().stream().mapToInt(String::length).max().orElse(0);
            info.forEach((k, v) -> out.printf("%-" + width + "s  %s%n", k, v));
        }
        return 0;
    }

    static String cpuModel() {
        return dev.rehearsal.experiment.Provenance.cpuModel();
    }
}
