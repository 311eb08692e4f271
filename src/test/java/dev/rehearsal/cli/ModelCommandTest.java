package dev.rehearsal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class ModelCommandTest {

    @Test
    void seedPresetJsonHasTheReportsMacsAndExactBytes() throws Exception {
        Cli r = Cli.run("model", "--preset", "seed", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode root = new ObjectMapper().readTree(r.out());
        JsonNode mlp = root.get("models").get(0);
        JsonNode vae = root.get("models").get(1);
        assertEquals(44_700, mlp.get("forward_macs_per_sample").asLong());
        assertEquals(203_776, vae.get("forward_macs_per_sample").asLong());
        assertEquals(44_860, mlp.get("parameters").asLong());
        assertEquals(204_832, vae.get("parameters").asLong());
        for (String backend : new String[] {"native", "jvm"}) {
            JsonNode mem = mlp.get("memory").get(backend);
            long workspace = mem.get("workspace_bytes").asLong(); // oneDNN's scratchpad: the library sizes it
            if (backend.equals("jvm")) {
                assertEquals(0, workspace, "the jvm backend needs no workspace");
            }
            for (JsonNode b : mem.get("blocks")) {
                switch (b.get("name").asText()) {
                    case "mlp.params", "mlp.grads" -> assertEquals(4L * 44_860, b.get("bytes").asLong());
                    case "mlp.optimizer" -> assertEquals(8L * 44_860, b.get("bytes").asLong());
                    case "mlp.activations" -> assertEquals(4L * 128 * (784 + 2 * 160), b.get("bytes").asLong());
                    case "mlp.workspace" -> {
                        assertEquals(workspace, b.get("bytes").asLong());
                        assertTrue(b.get("workspace").asBoolean(), "the workspace block is marked as the library's");
                    }
                    default -> throw new AssertionError("unexpected block " + b);
                }
            }
            // float32: parameters and gradients 4 bytes each, Adam's m and v 8, activations of batch 128 over
            // x [B, 784], h1 h2 h3 logits [B, 50 + 50 + 50 + 10 = 160] and their gradients dh1 .. dlogits (160).
            assertEquals(4L * 44_860 + 4L * 44_860 + 8L * 44_860 + 4L * 128 * (784 + 2 * 160) + workspace,
                    mem.get("total_bytes").asLong(), backend + " total");
            JsonNode vmem = vae.get("memory").get(backend);
            assertEquals(4L * 204_832, vmem.get("blocks").get(0).get("bytes").asLong());
        }
    }

    @Test
    void tableOutputNamesEveryBlock() {
        Cli r = Cli.run("model", "--preset", "wide");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("784-400-400-10"), r.out());
        assertTrue(r.out().contains("vae.optimizer"), r.out());
    }

    @Test
    void badArgumentsGiveOneLineAndExitTwo() {
        for (String[] args : new String[][] {
            {"model", "--preset", "huge"},
            {"model", "--batch", "-5"},
            {"model", "--batch", "x"},
            {"model", "--threads", "0"},
            {"model", "--gemm", "cublas"},
            {"model", "--frobnicate"},
            {"nosuchcommand"}}) {
            Cli r = Cli.run(args);
            assertEquals(2, r.exitCode(), String.join(" ", args) + ": " + r.err());
            assertTrue(r.oneLineError(), String.join(" ", args) + " printed: " + r.err());
            assertTrue(r.err().startsWith("rehearsal: "), r.err());
        }
    }

    @Test
    void infoReportsTheNativeStack() throws Exception {
        Cli r = Cli.run("info", "--json");
        assertEquals(0, r.exitCode(), r.err());
        JsonNode info = new ObjectMapper().readTree(r.out());
        assertTrue(info.get("onednn").asText().startsWith("3."), r.out());
        assertTrue(info.get("openblas").asText().contains("0.3."), r.out());
        assertEquals("OpenMP", info.get("onednn_cpu_runtime").asText());
        assertEquals(Integer.toString(dev.rehearsal.Backends.THREADS), info.get("onednn_threads").asText());
        assertEquals(Integer.toString(dev.rehearsal.Backends.THREADS), info.get("openblas_threads").asText());
    }
}
