package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.Set;
import dev.rehearsal.Backends;
import org.junit.jupiter.api.Test;

/** The bench command's JSON shape and its work counts (its timings are never asserted). */
class BenchCommandTest {

    @Test
    void quickJsonCoversEveryPresetModelAndBackend() throws Exception {
        Cli r = Cli.run("bench", "--quick", "--json", "--batch", "16");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        // The machine's limit is measured in the same run, on the same threads.
        JsonNode peak = root.get("peak");
        assertTrue(peak.get("gflops").asDouble() > 0, peak.toString());
        assertEquals(Backends.THREADS, peak.get("threads").asInt());
        assertTrue(root.get("omp_wait").isTextual(), root.toString());
        // More than one thread: only the wall clock sees the whole team.
        assertEquals(Backends.THREADS == 1 ? "thread_cpu" : "wall", root.get("clock").asText());
        assertTrue(root.get("cpu").isTextual() && root.get("cores").asInt() > 0, root.toString());
        JsonNode list = root.get("steps");
        // MACs per row of a step, by hand: forward + weight gradients (each sum of OUT x IN over the layers) +
        // input gradients of every layer but the first.
        java.util.Map<String, Long> perRow = java.util.Map.of(
                "seed/mlp", 2L * (784 * 50 + 50 * 50 + 50 * 50 + 50 * 10) + (50 * 50 + 50 * 50 + 50 * 10),
                "seed/vae", 2L * (784 * 128 + 128 * 16 + 8 * 128 + 128 * 784) + (128 * 16 + 8 * 128 + 128 * 784),
                "wide/mlp", 2L * (784 * 400 + 400 * 400 + 400 * 10) + (400 * 400 + 400 * 10),
                "wide/vae", 2L * (784 * 400 + 400 * 400 + 400 * 200 + 100 * 400 + 400 * 400 + 400 * 784)
                        + (400 * 400 + 400 * 200 + 100 * 400 + 400 * 400 + 400 * 784),
                "perm/mlp", 2L * (784 * 1000 + 1000 * 1000 + 1000 * 10) + (1000 * 1000 + 1000 * 10),
                "perm/vae", 2L * (784 * 1000 + 1000 * 1000 + 1000 * 200 + 100 * 1000 + 1000 * 1000 + 1000 * 784)
                        + (1000 * 1000 + 1000 * 200 + 100 * 1000 + 1000 * 1000 + 1000 * 784));
        Set<String> seen = new HashSet<>();
        for (JsonNode o : list) {
            for (String key : new String[] {"preset", "model", "backend", "threads", "samples_per_s", "gflops"}) {
                assertTrue(o.has(key), key + " in " + o);
            }
            assertTrue(o.get("samples_per_s").asDouble() > 0);
            String key = o.get("preset").asText() + "/" + o.get("model").asText();
            assertEquals(16 * perRow.get(key), o.get("macs_per_step").asLong(), key + " on " + o.get("backend"));
            assertEquals(2.0 * o.get("macs_per_step").asLong() / o.get("median_step_us").asDouble() / 1e3,
                    o.get("gflops").asDouble(), 1e-6 * o.get("gflops").asDouble(), "GFLOP/s are 2 x MACs / time");
            // Each step is a fraction of the peak measured in the same run, interleaved with it.
            assertTrue(o.get("peak_gflops").asDouble() > 0, o.toString());
            assertEquals(o.get("gflops").asDouble() / o.get("peak_gflops").asDouble(),
                    o.get("fraction_of_peak").asDouble(), 1e-9, "a fraction of the peak of this run");
            seen.add(o.get("preset").asText() + "/" + o.get("model").asText() + "/" + o.get("backend").asText() + "/"
                    + o.get("precision").asText());
        }
        // Three presets x two models on native and jvm in fp32, and on native in bf16 where the CPU has it.
        boolean bf16 = dev.rehearsal.backend.nativ.NativeRuntime.hasBf16();
        assertEquals(bf16 ? 18 : 12, seen.size(), seen.toString());
        // Where bf16 runs, a bfloat16 peak is measured in the same rounds, and every native step names its model's;
        // elsewhere there is none.
        assertEquals(bf16, root.has("peak_bf16"), root.toString());
        for (JsonNode o : list) {
            boolean nativ = o.get("backend").asText().equals("native");
            assertEquals(bf16 && nativ, o.has("peak_bf16_gflops"), o.toString());
            if (bf16 && nativ) {
                assertTrue(o.get("peak_bf16_gflops").asDouble() > 0, o.toString());
            }
        }
        if (bf16) {
            assertTrue(root.at("/peak_bf16/gflops").asDouble() > 0, root.toString());
        }
    }

    /**
     * One thread: every round, the peak's included, is timed in the thread's CPU time, so a busy machine does not
     * lower the fractions. The GFLOP/s are still 2 x MACs over the step's (CPU) time.
     */
    @Test
    void oneThreadIsTimedInTheThreadsCpuTime() throws Exception {
        // A process of its own: this JVM's native runtime runs the tests' thread count.
        ChildCli r = ChildCli.run(null, "bench", "--quick", "--json", "--batch", "8", "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        assertEquals("thread_cpu", root.get("clock").asText(), root.toString());
        assertEquals(1, root.at("/peak/threads").asInt());
        for (JsonNode o : root.get("steps")) {
            assertEquals(1, o.get("threads").asInt(), o.toString());
            assertEquals(2.0 * o.get("macs_per_step").asLong() / o.get("median_step_us").asDouble() / 1e3,
                    o.get("gflops").asDouble(), 1e-6 * o.get("gflops").asDouble(), o.toString());
        }
    }

    /** --phases names the parts of each step, in order, each a non-negative time (never compared with a bound). */
    @Test
    void phasesNameThePartsOfEveryStep() throws Exception {
        Cli r = Cli.run("bench", "--quick", "--json", "--phases", "--batch", "8");
        assertEquals(0, r.exitCode(), r.err());
        for (JsonNode o : new ObjectMapper().readTree(r.out()).get("steps")) {
            java.util.List<String> names = new java.util.ArrayList<>();
            o.get("phases_us").properties().forEach(e -> {
                names.add(e.getKey());
                assertTrue(e.getValue().asDouble() >= 0, e.toString());
            });
            assertEquals(o.get("model").asText().equals("mlp")
                    ? java.util.List.of("zero_grad", "forward", "loss", "backward", "optimizer")
                    : java.util.List.of("noise", "zero_grad", "forward", "loss", "backward", "optimizer"), names);
        }
    }
}
