package dev.rehearsal.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.rehearsal.cli.Cli;
import dev.rehearsal.metrics.Efficiency;
import dev.rehearsal.metrics.TaskRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileTest {

    private static JsonNode profile(Path out, String... args) throws Exception {
        String[] all = new String[args.length + 5];
        all[0] = "profile";
        System.arraycopy(args, 0, all, 1, args.length);
        all[args.length + 1] = "--json";
        all[args.length + 2] = "--quiet";
        all[args.length + 3] = "--out";
        all[args.length + 4] = out.toString();
        Cli r = Cli.run(all);
        assertEquals(0, r.exitCode(), r.err());
        JsonNode p = new ObjectMapper().readTree(r.out());
        assertEquals(p, new ObjectMapper().readTree(Files.readString(out.resolve("profile.json"))));
        dev.rehearsal.SchemaCheck.assertValid(out.resolve("profile.json"));
        dev.rehearsal.SchemaCheck.assertValid(out.resolve("results.json"));
        return p;
    }

    @Test
    void experienceReplayBufferIsExactAndEveryByteIsAccounted(@TempDir Path out) throws Exception {
        JsonNode p = profile(out, "--strategy", "er", "--per-class", "300", "--train-limit", "1000", "--epochs", "1");
        JsonNode fp = p.get("footprint");
        assertEquals(300L * 10 * 784, fp.get("exact_by_component").get("replay buffer").asLong(),
                "300 per class x 10 classes x 784 uint8 pixels");
        assertEquals(300L * 10 * 784, fp.get("buffer").get("uint8_bytes").asLong());
        assertEquals(4L * 300 * 10 * 784, fp.get("buffer").get("float32_bytes").asLong());
        long sum = 0;
        for (JsonNode m : fp.get("exact")) {
            sum += m.get("bytes").asLong();
        }
        assertEquals(sum, fp.get("exact_total_bytes").asLong());
        assertEquals(sum, fp.get("measured").get("javacpp_total_bytes_rise").asLong(),
                "the exact components add up to the rise of Pointer.totalBytes()");
        assertTrue(fp.get("measured").get("exact_matches_javacpp").asBoolean());
        assertTrue(fp.get("measured").get("resident_bytes").asLong() > sum, "RSS is measured, and larger");
        assertTrue(Files.exists(out.resolve("report.html")));
        assertEquals(4, p.get("answers").size(), p.get("answers").toString());
    }

    /**
     * proto at 64 kB in binary (seed preset): per class 2 directions of 784 int8 codes and a float scale
     * (10 x 1,576 = 15,760 bytes), so floor((64,000 - 15,760) / (10 x 98)) = 49 prototypes a class, 48,020
     * bytes; JavaCPP's counter rises by exactly the listed blocks.
     */
    @Test
    void prototypesAtABudgetAreExactAndEveryByteIsAccounted(@TempDir Path out) throws Exception {
        JsonNode p = profile(out, "--strategy", "proto", "--storage", "binary", "--replay-budget", "64000",
                "--train-limit", "1000", "--epochs", "1");
        JsonNode fp = p.get("footprint");
        assertEquals(49L * 10 * 98, fp.get("buffer").get("as_stored_bytes").asLong());
        assertEquals("binary", fp.get("buffer").get("storage").asText());
        assertEquals(49L * 10 * 98, fp.get("exact_by_component").get("prototypes").asLong());
        assertEquals(10L * 2 * 784 + 10 * 2 * 4, fp.get("exact_by_component").get("prototype generator").asLong());
        assertEquals(fp.get("exact_total_bytes").asLong(), fp.get("measured").get("javacpp_total_bytes_rise").asLong());
        JsonNode tasks = p.get("compute").get("per_task");
        assertEquals(48_020 + 15_760, tasks.get(tasks.size() - 1).get("replay_bytes").asLong());
    }

    @Test
    void generativeReplayReportsTheReportsComputeRatio(@TempDir Path out) throws Exception {
        JsonNode p = profile(out, "--strategy", "gr", "--preset", "seed", "--train-limit", "300", "--epochs", "1",
                "--vae-epochs", "1", "--per-class", "10");
        JsonNode c = p.get("compute");
        assertEquals(44_700, c.get("solver_forward_macs_per_sample").asLong());
        assertEquals(203_776, c.get("generator_forward_macs_per_sample").asLong());
        assertEquals(203_776.0 / 44_700, c.get("generator_to_solver_forward_mac_ratio").asDouble(), 1e-12);
        // The largest steps (128 current + 128 replayed rows, full head), as their GEMMs issued them: forward and
        // weight gradients of every layer, input gradients of all but the first.
        assertEquals(256, c.get("solver_step").get("rows").asLong());
        assertEquals(256L * (2 * 44_700 + (50 * 50 + 50 * 50 + 50 * 10)), c.get("solver_step").get("macs").asLong());
        assertEquals(256, c.get("generator_step").get("rows").asLong());
        assertEquals(256L * (2 * 203_776 + (128 * 16 + 8 * 128 + 128 * 784)),
                c.get("generator_step").get("macs").asLong());
        // The whole run: 300 samples a task in batches of 128 are 3 steps a task (one epoch each); replay from
        // task 2 on doubles the rows; the solver's head has 2t outputs in task t.
        long solver = 0;
        long generator = 0;
        for (int t = 1; t <= 5; t++) {
            long rows = t == 1 ? 128 : 256;
            long o = 2L * t;
            solver += 3 * rows * (2 * (784 * 50 + 50 * 50 + 50 * 50 + 50 * o) + (50 * 50 + 50 * 50 + 50 * o));
            generator += 3 * rows * (2L * 203_776 + (128 * 16 + 8 * 128 + 128 * 784));
        }
        assertEquals(solver, c.get("phases").get("solver_training").get("macs").asLong());
        assertEquals(generator, c.get("phases").get("generator_training").get("macs").asLong());
        long phases = 0;
        for (String ph : new String[] {"solver_training", "generator_training", "generation"}) {
            phases += c.get("phases").get(ph).get("macs").asLong();
            assertTrue(c.get("phases").get(ph).get("gflops").asDouble() > 0, ph);
        }
        assertEquals(c.get("training_macs").asLong(), phases);
        JsonNode comp = p.get("footprint").get("exact_by_component");
        assertTrue(comp.has("generator") && comp.has("previous generator (frozen)"), comp.toString());
        assertTrue(p.get("footprint").get("measured").get("exact_matches_javacpp").asBoolean());
    }

    /**
     * cgr's profile: its VAE is conditional on the 10 classes (the one-hot label widens the encoder's first layer
     * to 784 + 10 inputs and the decoder's to 8 + 10), and with hard targets it keeps a frozen generator but no
     * frozen solver.
     */
    @Test
    void conditionalGenerativeReplayProfilesItsConditionalVae(@TempDir Path out) throws Exception {
        JsonNode p = profile(out, "--strategy", "cgr", "--preset", "seed", "--train-limit", "300", "--epochs", "1",
                "--vae-epochs", "1");
        JsonNode c = p.get("compute");
        long vaeForward = 794 * 128 + 128 * 16 + 18 * 128 + 128 * 784; // 206,336
        long vaeInputGrads = 128 * 16 + 18 * 128 + 128 * 784;
        assertEquals(44_700, c.get("solver_forward_macs_per_sample").asLong());
        assertEquals(vaeForward, c.get("generator_forward_macs_per_sample").asLong());
        assertEquals(256, c.get("generator_step").get("rows").asLong());
        assertEquals(256L * (2 * vaeForward + vaeInputGrads), c.get("generator_step").get("macs").asLong());
        long generator = 0;
        long generation = 0;
        for (int t = 1; t <= 5; t++) {
            long rows = t == 1 ? 128 : 256;
            generator += 3 * rows * (2 * vaeForward + vaeInputGrads);
            if (t > 1) {
                // 3 solver and 3 generator steps a task, each decoding 128 replayed rows from their labels.
                generation += 2 * 3 * 128L * (18 * 128 + 128 * 784);
            }
        }
        assertEquals(generator, c.get("phases").get("generator_training").get("macs").asLong());
        assertEquals(generation, c.get("phases").get("generation").get("macs").asLong());
        JsonNode comp = p.get("footprint").get("exact_by_component");
        assertTrue(comp.has("generator") && comp.has("previous generator (frozen)"), comp.toString());
        assertTrue(!comp.has("previous solver (frozen)"), "hard targets keep no frozen solver: " + comp);
        assertTrue(p.get("footprint").get("measured").get("exact_matches_javacpp").asBoolean());
    }

    /**
     * genc's profile on its published per-class VAE (784-85-85-z5): exactly ten class VAEs of 150,139 float32
     * parameters and no stored data, every byte seen by JavaCPP's counter; the evaluation's MACs as derived from
     * the layers (after task t, each of 5 x 100 test images scored by the 2t VAEs trained, an encoder pass and 10
     * decoder passes each), and the classification of one sample by all ten VAEs as its forward cost.
     */
    @Test
    void generativeClassifierProfilesItsClassVaesAndItsEvaluation(@TempDir Path out) throws Exception {
        JsonNode p = profile(out, "--strategy", "genc", "--train-limit", "300", "--iterations", "20",
                "--test-limit", "100", "--genc-samples", "10");
        long parameters = (784 * 85 + 85) + (85 * 85 + 85) + (85 * 10 + 10) + (5 * 85 + 85) + (85 * 85 + 85)
                + (85 * 784 + 784);
        assertEquals(150_139, parameters);
        JsonNode fp = p.get("footprint");
        assertEquals(10 * 4 * parameters, fp.get("exact_by_component").get("class VAEs").asLong());
        assertTrue(!fp.has("buffer"), "no stored samples");
        assertTrue(fp.get("measured").get("exact_matches_javacpp").asBoolean());
        JsonNode tasks = p.get("compute").get("per_task");
        assertEquals(0, tasks.get(tasks.size() - 1).get("replay_bytes").asLong());
        long encoder = 784 * 85 + 85 * 85 + 85 * 10;
        long decoder = 5 * 85 + 85 * 85 + 85 * 784;
        JsonNode c = p.get("compute");
        assertEquals(10 * (encoder + 10 * decoder), c.get("solver_forward_macs_per_sample").asLong());
        long scored = 0;
        for (int t = 1; t <= 5; t++) {
            scored += 5 * 100 * 2L * t;
        }
        assertEquals(scored * (encoder + 10 * decoder), c.get("phases").get("evaluation").get("macs").asLong());
        // 10 steps of 128 rows per class (about 150 samples each): forward, weight gradients, input gradients of
        // every layer but the first.
        assertEquals(128L * (3 * (encoder + decoder) - 784 * 85), c.get("solver_step").get("macs").asLong());
        assertEquals(10 * 10 * 128L * (3 * (encoder + decoder) - 784 * 85),
                c.get("phases").get("solver_training").get("macs").asLong());
    }

    @Test
    void efficiencyFollowsDiazRodriguezEtAl() {
        // Two tasks: the head grows (model size), 100 then 300 bytes kept of a 1000-byte stream, and
        // learning costs 4x then 9x one pass.
        List<TaskRecord> t = List.of(new TaskRecord(0, 400, 100, 0, 400, 100, 10),
                new TaskRecord(1, 500, 300, 0, 900, 100, 10));
        Efficiency e = Efficiency.of(t, 1000);
        assertEquals((1 + 400.0 / 500) / 2, e.ms(), 1e-12);
        assertEquals(1 - (0.1 + 0.3) / 2, e.sss(), 1e-12);
        assertEquals((100.0 / 401 + 100.0 / 901) / 2, e.ce(), 1e-12);
    }

    @Test
    void growthFitsNamePowerLaws() {
        double[] t = {2, 5, 10, 20, 50};
        double[] quad = new double[t.length];
        double[] lin = new double[t.length];
        double[] flat = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            quad[i] = 3 * t[i] * t[i];
            lin[i] = 7 * t[i];
            flat[i] = 42;
        }
        assertEquals(2.0, Growth.fit(t, quad).slope(), 1e-12);
        assertEquals("quadratic", Growth.fit(t, quad).growth());
        assertEquals(Math.log(3), Growth.fit(t, quad).intercept(), 1e-12);
        assertEquals("linear", Growth.fit(t, lin).growth());
        assertEquals("constant", Growth.fit(t, flat).growth());
        assertEquals("T^1.50", Growth.classify(1.5));
    }

    @Test
    void scaleFitsTheGrowthOfATinyStudy(@TempDir Path out) throws Exception {
        Cli r = Cli.run("scale", "--tasks", "2,3,4", "--train-limit", "200", "--test-limit", "100", "--per-class",
                "5", "--vae-epochs", "1", "--quiet", "--out", out.toString());
        assertEquals(0, r.exitCode(), r.err());
        JsonNode s = dev.rehearsal.SchemaCheck.assertValid(out.resolve("scale.json"));
        assertEquals(6, s.get("measurements").size());
        for (JsonNode m : s.get("measurements")) {
            if (m.get("strategy").asText().equals("er")) {
                assertEquals(5L * 10 * 784 * m.get("tasks").asInt(), m.get("replay_memory_bytes").asLong(),
                        "five stored samples of each class of each task");
            }
        }
        for (JsonNode f : s.get("fits")) {
            String key = f.get("strategy").asText() + " " + f.get("quantity").asText();
            switch (key) {
                case "er replay_memory_bytes" -> {
                    assertEquals(1.0, f.get("slope").asDouble(), 1e-9);
                    assertEquals("linear", f.get("growth").asText());
                }
                case "gr replay_memory_bytes", "gr memory_bytes" -> assertEquals("constant", f.get("growth").asText(), key);
                default -> assertTrue(Double.isFinite(f.get("slope").asDouble()), key);
            }
        }
        assertTrue(Files.readString(out.resolve("scale.md")).contains("| er | replay_memory_bytes | 1.00 | linear |"));
        assertTrue(Files.readString(out.resolve("report.html")).contains("slope"));
        // Its machine use, as every command that runs experiments ends: 2 x the six records' MACs, in sweep.json
        // and as the console's last line.
        long flops = 0;
        try (var files = Files.list(out.resolve("runs"))) {
            for (Path f : files.toList()) {
                JsonNode macs = new com.fasterxml.jackson.databind.ObjectMapper().readTree(f.toFile()).get("macs");
                for (String phase : List.of("solver_training", "generator_training", "generation", "evaluation",
                        "consolidation", "report")) {
                    flops += 2 * macs.path(phase).asLong();
                }
            }
        }
        JsonNode use = dev.rehearsal.SchemaCheck.assertValid(out.resolve("sweep.json")).get("machine_use");
        assertTrue(flops > 0);
        assertEquals(flops, use.get("flops").asLong(), use.toString());
        assertEquals(6, use.get("runs_counted").asInt());
        assertTrue(r.out().strip().lines().reduce((a, b) -> b).orElse("").startsWith("machine use: "), r.out());
        // Each run is a sweep record: the same study resumed keeps all six and runs none.
        Cli again = Cli.run("scale", "--tasks", "2,3,4", "--train-limit", "200", "--test-limit", "100", "--per-class",
                "5", "--vae-epochs", "1", "--quiet", "--out", out.toString(), "--resume");
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("(6 kept, 0 run, 0 failed)"), again.out());
        assertEquals(s.get("measurements").toString(), dev.rehearsal.SchemaCheck.assertValid(out.resolve(
                "scale.json")).get("measurements").toString());
    }
}
