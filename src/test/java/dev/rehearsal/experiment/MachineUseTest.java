package dev.rehearsal.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.metrics.Ledger;
import dev.rehearsal.metrics.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Machine use's arithmetic against values computed by hand from records with known MACs and seconds. */
class MachineUseTest {
    private static final MachineUse.Peak PEAK = new MachineUse.Peak(50, new double[] {49, 50, 51},
            new double[] {30, 31, 32}, 0.2, "test peak", "avx512_core", 1.5);

    /** A run record as runs write it: MACs and seconds per phase (solver, generator, generation, evaluation). */
    private static ObjectNode record(String backend, int threads, long solver, long generator, long generation,
            long evaluation, double solverS, double generatorS, double generationS, double evaluationS,
            double total) {
        ObjectNode o = Json.MAPPER.createObjectNode();
        ObjectNode macs = o.putObject("macs");
        ObjectNode secs = o.putObject("seconds");
        for (Phase p : Phase.values()) {
            macs.put(p.id(), 0L);
            secs.put(p.id(), 0.0);
        }
        macs.put("solver_training", solver).put("generator_training", generator).put("generation", generation)
                .put("evaluation", evaluation).put("training_total", solver + generator + generation);
        secs.put("solver_training", solverS).put("generator_training", generatorS).put("generation", generationS)
                .put("evaluation", evaluationS).put("total", total);
        o.putObject("config").put("threads", threads).put("backend", backend);
        return o;
    }

    private static List<MachineUse.Work> twoRuns() {
        return List.of(
                MachineUse.Work.ofRecord(record("native", 1, 1_000_000_000L, 0, 200_000_000L, 100_000_000L,
                        2.0, 0, 0.5, 0.25, 3.0), "a"),
                MachineUse.Work.ofRecord(record("native", 1, 3_000_000_000L, 1_000_000_000L, 0, 0,
                        4.0, 1.0, 0, 0, 6.0), "b"));
    }

    /**
     * Per CPU second: the same 1.06e10 FLOPs over the 4 CPU seconds the process had in its 10 wall seconds (0.4
     * cores on average, a machine shared with others) against the one-thread 50 GFLOP/s: 5.3%, five times the
     * wall-clock fraction of 2 executors.
     */
    @Test
    void perCpuSecondIsFlopsOverTheProcessCpuTimeOverTheOneThreadPeak() {
        MachineUse use = new MachineUse(twoRuns(), 0, 10.0, "command start", PEAK, 2, 1, 4.0);
        assertEquals(10.6e9 / 4.0 / 50e9, use.cpuFraction(), 1e-15); // 0.053
        JsonNode j = use.toJson();
        assertEquals(4.0, j.get("process_cpu_seconds").asDouble());
        assertEquals(0.053, j.get("fraction_per_cpu_second").asDouble(), 1e-15);
        assertTrue(use.line().contains("per CPU second the process had (4.0 s, 0.40 cores on average): 2.7 GFLOP, "
                + "5.3% of the peak"), use.line());
    }

    @Test
    void fractionIsFlopsOverWallTimeOverExecutorsThreadsAndPeak() {
        MachineUse use = new MachineUse(twoRuns(), 0, 10.0, "command start", PEAK, 2, 1);
        // 2 x (1e9 + 2e8 + 1e8 + 3e9 + 1e9) MACs; evaluation counts too.
        assertEquals(10_600_000_000L, use.flops());
        assertEquals(100.0, use.limitGflops(), 1e-12); // 2 executors x 1 thread x 50 GFLOP/s
        assertEquals(10.6e9 / 10 / 100e9, use.fraction(), 1e-15); // 0.0106
        assertEquals(20.0, use.slotSeconds(), 1e-12);
        assertEquals(6.0, use.phaseSeconds(Phase.SOLVER_TRAINING), 1e-12);
        assertEquals(8e9, use.phaseFlops(Phase.SOLVER_TRAINING), 0);
        assertEquals(8e9 / (6.0 * 50e9), use.phaseFraction(Phase.SOLVER_TRAINING), 1e-15);
        assertEquals(2e9 / (1.0 * 50e9), use.phaseFraction(Phase.GENERATOR_TRAINING), 1e-15);
        assertEquals(Double.NaN, use.phaseFraction(Phase.REPORT)); // never timed
        assertEquals(9.0 - 7.75, use.otherInRunsSeconds(), 1e-12); // the runs' totals less their phases
        assertEquals(20.0 - 9.0, use.outsideRunsSeconds(), 1e-12);

        JsonNode j = use.toJson();
        assertEquals(10_600_000_000L, j.get("flops").asLong());
        assertEquals(0.0106, j.get("fraction").asDouble(), 1e-15);
        assertEquals(2, j.get("executors").asInt());
        assertEquals(1, j.get("threads").asInt());
        assertEquals(50.0, j.get("peak_gflops_one_thread").asDouble());
        assertEquals(0.3, j.at("/time/phases/solver_training/share").asDouble(), 1e-12);
        assertEquals(0.55, j.at("/time/outside_runs_share").asDouble(), 1e-12);
        assertEquals(2, j.get("runs_counted").asInt());
        assertEquals("", j.get("note").asText());
        // The line says it in the same figures: 1.06e+10 FLOPs, 1.06 GFLOP/s, 1.1% of 100 GFLOP/s.
        String line = use.line();
        assertTrue(line.startsWith("machine use: 1.06e+10 FLOPs issued in 10.0 s (command start) = 1.1 GFLOP/s, 1.1% "
                + "of the limit 100.0 GFLOP/s (2 executors x 1 thread x 50.0 GFLOP/s"), line);
        assertTrue(line.contains("load average 1.5)"), line);
        assertTrue(line.contains("solver_training 30.0% (at 2.7% of peak)"), line);
        assertTrue(line.contains("outside the runs (start-up, data loading, idle slots, failed runs, reports) 55.0%"), line);
        assertEquals(1, line.lines().count());
        // Without the process's CPU seconds nothing is said per CPU second.
        assertTrue(j.get("process_cpu_seconds").isNull() && j.get("fraction_per_cpu_second").isNull(), j.toString());
        assertTrue(!line.contains("per CPU second the process had"), line);
    }

    @Test
    void threadsPerRunWeighTheirPhasesAndJvmRunsAndKeptRunsAreSaid() {
        List<MachineUse.Work> ran = List.of(MachineUse.Work.ofRecord(record("jvm", 2, 1_000_000_000L, 0, 0, 0,
                4.0, 0, 0, 0, 5.0), "a"));
        MachineUse use = new MachineUse(ran, 3, 8.0, "command start", PEAK, 1, 2);
        assertEquals(2e9 / (4.0 * 2 * 50e9), use.phaseFraction(Phase.SOLVER_TRAINING), 1e-15);
        assertEquals(2e9 / 8.0 / 1e9 / 100, use.fraction(), 1e-15);
        assertTrue(use.note().contains("jvm backend are measured against the native SGEMM's peak"), use.note());
        assertTrue(use.note().contains("counts only the 1 run this process ran, not the 3 kept"), use.note());
        MachineUse none = new MachineUse(List.of(), 4, 8.0, "command start", PEAK, 1, 2);
        assertEquals(0, none.flops());
        assertEquals(0.0, none.fraction());
        assertTrue(none.note().contains("no run ran in this process"), none.note());
    }

    @Test
    void aRecordWithoutItsCountsIsRefusedInOneLine() {
        ObjectNode o = record("native", 1, 1, 0, 0, 0, 1, 0, 0, 0, 1);
        ((ObjectNode) o.get("macs")).put("evaluation", -5);
        RehearsalException e = assertThrows(RehearsalException.class, () -> MachineUse.Work.ofRecord(o, "runs/x.json"));
        assertEquals(RehearsalException.DATA, e.exitCode());
        assertEquals("runs/x.json: macs.evaluation is -5, expected a number >= 0 as runs write it", e.getMessage());
        ((ObjectNode) o.get("macs")).put("evaluation", 0);
        ((ObjectNode) o.get("seconds")).remove("total");
        e = assertThrows(RehearsalException.class, () -> MachineUse.Work.ofRecord(o, "runs/x.json"));
        assertTrue(e.getMessage().contains("seconds.total is missing"), e.getMessage());
    }

    /** A resumed run's restored counts are in the record, not in this process's work. */
    @Test
    @SuppressWarnings("try") // the timing scope's variable is never read
    void aResumedRunCountsOnlyWhatThisProcessDid() {
        long[] counter = {0};
        Ledger ledger = new Ledger(() -> counter[0]);
        Ledger saved = new Ledger();
        saved.restore(Phase.SOLVER_TRAINING, 5_000_000_000L, 100, 10);
        saved.restore(Phase.EVALUATION, 1_000_000_000L, 7, 3);
        ledger.add(saved);
        try (var t = ledger.time(Phase.SOLVER_TRAINING)) {
            counter[0] += 40;
        }
        assertEquals(140, ledger.macs(Phase.SOLVER_TRAINING));
        assertEquals(40, ledger.macsThisProcess(Phase.SOLVER_TRAINING));
        assertEquals(0, ledger.macsThisProcess(Phase.EVALUATION));
        assertEquals(ledger.seconds(Phase.SOLVER_TRAINING) - 5.0, ledger.secondsThisProcess(Phase.SOLVER_TRAINING),
                1e-9);
        assertEquals(0.0, ledger.secondsThisProcess(Phase.EVALUATION), 1e-12);
    }
}
