package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.rehearsal.Backends;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.cli.ChildCli;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A strategy's exact memory ({@code memory_bytes}) is a function of its config alone. What is not in the config
 * (which backend, which GEMM library, the precision of the matmuls, the thread count, the OpenMP wait policy
 * {@code --omp-wait auto} picks at start-up from how busy the machine is, the CPU's ISA) changes only the
 * backend's workspace, which the library sizes and which is reported apart ({@code workspace_bytes}). Every
 * registered strategy and variant runs the same short config on each backend in this JVM and, in child JVMs, on
 * native runtimes with other thread counts and wait policies (fixed per process) and with oneDNN limited to AVX2
 * (as on another CPU); the memory by component must be identical everywhere. Before the workspace was kept apart, oneDNN's scratchpad for a matmul created for one
 * thread (below the serial threshold, which depends on the wait policy) differed from the one for two, and the
 * same config.json gave naive 1.553 MB with one policy and 1.421 MB with the other.
 */
class ExactMemoryTest {

    @Test
    void strategyBytesAreTheSameWhateverTheBackendThreadsAndWaitPolicy() throws Exception {
        Map<String, JsonNode> bySetting = new LinkedHashMap<>();
        bySetting.put("native oneDNN, 2 threads, passive", MemoryProbe.probe(Backends.nativ()));
        bySetting.put("jvm, 2 threads", MemoryProbe.probe(Backends.jvm()));
        // OpenBLAS and bf16 change only what a model's layers ask of the backend: two strategies show it, and
        // OpenBLAS's spinning threads are slow on a shared machine.
        java.util.function.Predicate<String> models = id -> id.equals("naive (defaults)") || id.equals("gr (defaults)");
        bySetting.put("native OpenBLAS, 2 threads, passive", MemoryProbe.probe(Backends.openblas(), models));
        if (NativeRuntime.hasBf16()) {
            bySetting.put("native oneDNN bf16, 2 threads, passive", MemoryProbe.probe(Backends.nativeBf16(), models));
        }
        for (String[] runtime : new String[][] {{"2", "brief", ""}, {"1", "passive", ""}, {"2", "passive", "AVX2"}}) {
            // oneDNN takes its ISA from the CPU, at most ONEDNN_MAX_CPU_ISA: AVX2 stands for another machine.
            ChildCli r = ChildCli.runMain(runtime[2].isEmpty() ? Map.of() : Map.of("ONEDNN_MAX_CPU_ISA", runtime[2]),
                    MemoryProbe.class, runtime[0], runtime[1]);
            assertEquals(0, r.exitCode(), r.err());
            bySetting.put("native oneDNN" + (runtime[2].isEmpty() ? "" : " limited to " + runtime[2]) + ", "
                    + runtime[0] + " thread(s), " + runtime[1], Json.MAPPER.readTree(r.out()));
        }

        assertEquals(bySetting.get("jvm, 2 threads").size(), bySetting.values().iterator().next().size());
        String first = bySetting.keySet().iterator().next();
        JsonNode reference = bySetting.get(first);
        List<String> differences = new ArrayList<>();
        Set<Long> workspaces = new HashSet<>();
        for (var setting : bySetting.entrySet()) {
            for (var run = reference.properties().iterator(); run.hasNext(); ) {
                var e = run.next();
                JsonNode got = setting.getValue().path(e.getKey());
                if (got.isMissingNode()) {
                    continue; // not probed on this setting
                }
                // As text: a number parsed from a child's output is an int node where this JVM's is a long.
                if (!e.getValue().get("memory").toString().equals(got.path("memory").toString())) {
                    differences.add(e.getKey() + " on " + setting.getKey() + ": " + got.path("memory") + " (on "
                            + first + ": " + e.getValue().get("memory") + ")");
                }
                if (e.getKey().equals("gr (defaults)")) {
                    workspaces.add(got.path("workspace").asLong());
                }
            }
        }
        assertEquals(List.of(), differences, "memory by component must not depend on the runtime");
        // The settings do move what the library allocates: without that, the comparison above would prove nothing.
        assertTrue(workspaces.size() > 1, "gr's backend workspace was the same under every setting: " + workspaces);
    }

    /**
     * The report's case end to end: one config.json run by the CLI with each wait policy (what --omp-wait auto
     * decides from the load at start-up) records the same memory_bytes, and the workspace apart.
     */
    @Test
    void theSameConfigFileGivesTheSameMemoryUnderBothWaitPolicies(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("config.yaml");
        Files.writeString(config, "strategies: [naive]\ntrain-limit: 100\ntest-limit: 50\nepochs: 1\n"
                + "vae-epochs: 1\n");
        Map<String, JsonNode> memory = new LinkedHashMap<>();
        Map<String, JsonNode> workspace = new LinkedHashMap<>();
        for (String wait : new String[] {"brief", "passive"}) {
            Path out = dir.resolve(wait);
            ChildCli r = ChildCli.run((Path) null, "compare", "--config", config.toString(), "--threads", "2", "--omp-wait",
                    wait, "--quiet", "--out", out.toString());
            assertEquals(0, r.exitCode(), r.err());
            JsonNode results = Json.MAPPER.readTree(out.resolve("results.json").toFile());
            assertEquals(wait, results.path("machine").path("omp_wait").asText());
            for (JsonNode s : results.get("results")) {
                JsonNode run = s.get("runs").get(0);
                memory.put(wait + " " + s.get("strategy").asText(), run.get("memory_bytes"));
                workspace.put(wait + " " + s.get("strategy").asText(), run.get("workspace_bytes"));
            }
        }
        for (String strategy : new String[] {"naive"}) {
            assertEquals(memory.get("passive " + strategy).toString(), memory.get("brief " + strategy).toString(),
                    strategy + ": memory_bytes");
            assertTrue(workspace.get("passive " + strategy).asLong() > 0, strategy + ": the workspace is recorded");
        }
        assertTrue(!workspace.get("passive naive").equals(workspace.get("brief naive")),
                "the two policies size oneDNN's workspace differently, so this compares something: " + workspace);
    }
}
