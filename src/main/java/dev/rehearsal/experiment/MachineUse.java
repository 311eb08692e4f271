package dev.rehearsal.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsSchema;
import dev.rehearsal.backend.Precision;
import dev.rehearsal.backend.nativ.NativeRuntime;
import dev.rehearsal.backend.nativ.PeakGemm;
import dev.rehearsal.config.BackendType;
import dev.rehearsal.config.ExperimentConfig;
import dev.rehearsal.metrics.Phase;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * How much of the machine a command used ({@code machine_use} in results.json and sweep.json; not the
 * {@code efficiency} of the runs, which is Díaz-Rodríguez et al.'s MS, SSS and CE): the FLOPs its runs issued (2 x
 * the MACs each run's ledger counted, every phase, evaluation included) over the command's wall time, as a
 * fraction of the limit {@code executors x threads x the one-thread SGEMM peak} measured at the command's start.
 * Counted from what ran in this process ({@link Work}), never estimated: runs kept from an earlier process (a
 * resumed sweep or compare) are left out, and said to be.
 *
 * <p>Where the rest of the time goes: the slots' seconds ({@code executors x wall seconds}) split into the
 * runs' phases (each with its own FLOPs against the peak of its threads), the runs' other seconds (building
 * models, writing results and checkpoints between tasks) and the seconds outside every run (start-up, loading
 * the data, the peak's own measurement, slots left idle, failed runs, the merged report).
 */
public record MachineUse(List<Work> ran, int kept, double seconds, String wallFrom, Peak peak, int executors,
        int threads, double cpuSeconds) {

    /**
     * Without the process's CPU seconds (NaN): records read back ({@link #ofFolders}), or runs that ran in other
     * processes (a cluster's executors).
     */
    public MachineUse(List<Work> ran, int kept, double seconds, String wallFrom, Peak peak, int executors,
            int threads) {
        this(ran, kept, seconds, wallFrom, peak, executors, threads, Double.NaN);
    }

    /**
     * The CPU seconds of this process since the wall clock began (every thread: the runs, the JIT, the collector,
     * Spark's); NaN where the JVM cannot say.
     */
    public static double processCpuSeconds() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            long n = os.getProcessCpuTime();
            return n < 0 ? Double.NaN : n / 1e9;
        }
        return Double.NaN;
    }

    /**
     * FLOPs per CPU second the process had, over the one-thread peak (also per CPU second): what the work did
     * with the cores it got, whatever else shared the machine. NaN without {@link #cpuSeconds}.
     */
    public double cpuFraction() {
        return cpuSeconds > 0 && peak.gflops() > 0 ? flops() / cpuSeconds / 1e9 / peak.gflops() : Double.NaN;
    }

    /** What one run did in this process: its backend, threads, MACs and seconds per phase, and seconds in all. */
    public record Work(String backend, int threads, long[] macs, double[] phaseSeconds, double seconds) {
        /** The work of a run record (runs/*.json) or a run object of results.json: every value checked here. */
        public static Work ofRecord(JsonNode run, String where) {
            long[] macs = new long[Phase.values().length];
            double[] secs = new double[macs.length];
            for (Phase p : Phase.values()) {
                macs[p.ordinal()] = count(run.path("macs").path(p.id()), where, "macs." + p.id());
                secs[p.ordinal()] = secondsOf(run.path("seconds").path(p.id()), where, "seconds." + p.id());
            }
            double total = secondsOf(run.path("seconds").path("total"), where, "seconds.total");
            JsonNode t = run.path("config").path("threads");
            if (!t.canConvertToInt() || t.asInt() < 1) {
                throw bad(where, "config.threads", t);
            }
            String backend = run.path("config").path("backend").asText("native");
            return new Work(backend, t.asInt(), macs, secs, total);
        }

        /** The work of each of a sweep's records ({@link #ofRecord}), named by its id in any error. */
        public static List<Work> ofRecords(List<? extends JsonNode> records) {
            List<Work> out = new java.util.ArrayList<>();
            for (JsonNode o : records) {
                out.add(ofRecord(o, "the record of " + o.path("id").asText()));
            }
            return out;
        }

        /**
         * The part of a run this process did: its ledger's counts less what a resumed run brought in from its
         * checkpoint, and the seconds this process spent in it ({@code seconds}, timed around the run).
         */
        public static Work thisProcess(RunResult r, String backend, int threads, double seconds) {
            long[] macs = new long[Phase.values().length];
            double[] secs = new double[macs.length];
            for (Phase p : Phase.values()) {
                macs[p.ordinal()] = r.ledger().macsThisProcess(p);
                secs[p.ordinal()] = r.ledger().secondsThisProcess(p);
            }
            return new Work(backend, threads, macs, secs, seconds);
        }

        long allMacs() {
            long s = 0;
            for (long m : macs) {
                s += m;
            }
            return s;
        }

        private static long count(JsonNode v, String where, String field) {
            if (!v.canConvertToLong() || v.asLong() < 0) {
                throw bad(where, field, v);
            }
            return v.asLong();
        }

        private static double secondsOf(JsonNode v, String where, String field) {
            if (!v.isNumber() || !Double.isFinite(v.asDouble()) || v.asDouble() < 0) {
                throw bad(where, field, v);
            }
            return v.asDouble();
        }

        private static RehearsalException bad(String where, String field, JsonNode v) {
            return new RehearsalException(RehearsalException.DATA, where + ": " + field + " is "
                    + (v.isMissingNode() ? "missing" : v.toString()) + ", expected a number >= 0 as runs write it");
        }
    }

    /**
     * The one-thread SGEMM peak (GFLOP per CPU second), each round's, each round's per wall second, the seconds
     * measuring took, how, oneDNN's ISA, and the machine's 1-minute load average then (NaN where /proc cannot
     * say).
     */
    public record Peak(double gflops, double[] rounds, double[] wallRounds, double seconds, String how, String isa,
            double loadAverage) {
        /**
         * Measures it ({@link PeakGemm#measureOneThread}) in this process, starting the native runtime with the
         * config's threads and wait policy if nothing started it yet (a jvm-backend command: the peak is still
         * the native SGEMM's). The command's own thread setting is untouched.
         */
        public static Peak measure(ExperimentConfig c) {
            if (!NativeRuntime.started()) {
                ExperimentConfig fp32 = c.copy();
                fp32.precision = Precision.FP32;
                Inputs.backend(BackendType.NATIVE, fp32).close();
            }
            PeakGemm.OneThread p = PeakGemm.measureOneThread();
            return new Peak(p.gflops(), p.rounds(), p.wallRounds(), p.seconds(), p.how(), NativeRuntime.isa(),
                    readLoadAverage());
        }

        /** The 1-minute load average of /proc/loadavg; NaN where it cannot be read. */
        static double readLoadAverage() {
            try {
                String[] f = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim().split("\\s+");
                double v = Double.parseDouble(f[0]);
                return Double.isFinite(v) && v >= 0 ? v : Double.NaN;
            } catch (java.io.IOException | RuntimeException e) {
                return Double.NaN;
            }
        }
    }

    /**
     * The machine use of runs recorded earlier, for {@code rehearsal report --efficiency}: every finished record
     * under each folder's runs/ (sealed: its checksum is verified; nothing is read through a link), as if they
     * had run back to back on one executor ({@code seconds} is the sum of their run seconds, so start-up, data
     * loading and idle slots are not in it), against {@code peak}, measured now. Records of different thread
     * counts are refused: their limits differ.
     */
    public static MachineUse ofFolders(List<java.nio.file.Path> folders, Peak peak) {
        List<Work> ran = new java.util.ArrayList<>();
        Set<Integer> threads = new TreeSet<>();
        for (java.nio.file.Path dir : folders) {
            dev.rehearsal.ResultsFolder.refuseLinks(dir);
            java.nio.file.Path runs = dir.resolve("runs");
            if (!java.nio.file.Files.isDirectory(runs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new RehearsalException(RehearsalException.USAGE, dir + " has no runs/ folder of run records: "
                        + "give a run, compare or sweep folder");
            }
            List<java.nio.file.Path> files;
            try (var list = java.nio.file.Files.list(runs)) {
                files = list.filter(f -> f.getFileName().toString().endsWith(".json")
                        && java.nio.file.Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted()
                        .toList();
            } catch (java.io.IOException e) {
                throw new RehearsalException(RehearsalException.DATA, "cannot list " + runs + ": "
                        + dev.rehearsal.AtomicFiles.reason(e), e);
            }
            for (java.nio.file.Path f : files) {
                ObjectNode o = Integrity.readSealed(f);
                if (o.path("status").asText().equals("finished")) {
                    Work w = Work.ofRecord(o, f.toString());
                    ran.add(w);
                    threads.add(w.threads());
                }
            }
        }
        if (ran.isEmpty()) {
            throw new RehearsalException(RehearsalException.USAGE, "no finished run record in " + folders);
        }
        if (threads.size() > 1) {
            throw new RehearsalException(RehearsalException.USAGE, "the records ran with different thread counts "
                    + threads + ", so their limits differ: give folders of one thread count");
        }
        double seconds = ran.stream().mapToDouble(Work::seconds).sum();
        return new MachineUse(ran, 0, seconds, "records", peak, 1, threads.iterator().next());
    }

    /** 2 x the MACs of every phase of every run counted. */
    public long flops() {
        long s = 0;
        for (Work w : ran) {
            s += 2 * w.allMacs();
        }
        return s;
    }

    /** executors x threads x the one-thread peak, GFLOP/s. */
    public double limitGflops() {
        return executors * (double) threads * peak.gflops();
    }

    /** FLOPs per second of wall time over the limit; NaN when nothing was timed. */
    public double fraction() {
        return seconds > 0 && limitGflops() > 0 ? flops() / seconds / 1e9 / limitGflops() : Double.NaN;
    }

    /** The slots' seconds: executors x wall seconds. */
    public double slotSeconds() {
        return executors * seconds;
    }

    /** The runs' seconds in a phase, summed. */
    public double phaseSeconds(Phase p) {
        return ran.stream().mapToDouble(w -> w.phaseSeconds()[p.ordinal()]).sum();
    }

    /** The runs' FLOPs in a phase. */
    public long phaseFlops(Phase p) {
        return ran.stream().mapToLong(w -> 2 * w.macs()[p.ordinal()]).sum();
    }

    /** The phase's FLOPs over its seconds x threads x the one-thread peak (each run at its threads); NaN if untimed. */
    public double phaseFraction(Phase p) {
        double capacity = ran.stream().mapToDouble(w -> w.phaseSeconds()[p.ordinal()] * w.threads()).sum()
                * peak.gflops() * 1e9;
        return capacity > 0 ? phaseFlops(p) / capacity : Double.NaN;
    }

    /** The runs' seconds outside their phases (models built, results and checkpoints written between tasks). */
    public double otherInRunsSeconds() {
        double s = 0;
        for (Work w : ran) {
            s += w.seconds();
            for (double x : w.phaseSeconds()) {
                s -= x;
            }
        }
        return s;
    }

    /** The slots' seconds in no run: start-up, data loading, the peak's measurement, idle slots, merged reports. */
    public double outsideRunsSeconds() {
        return slotSeconds() - ran.stream().mapToDouble(Work::seconds).sum();
    }

    /** The backends the counted runs used. */
    public Set<String> backends() {
        Set<String> out = new TreeSet<>();
        ran.forEach(w -> out.add(w.backend()));
        return out;
    }

    /** What a reader must know beside the fraction: jvm runs, runs kept from earlier, no runs. */
    public String note() {
        StringBuilder b = new StringBuilder();
        if (backends().contains(BackendType.JVM.id())) {
            b.append("runs on the jvm backend are measured against the native SGEMM's peak (oneDNN); ");
        }
        if (kept > 0) {
            b.append("counts only the ").append(ran.size()).append(ran.size() == 1 ? " run" : " runs")
                    .append(" this process ran, not the ").append(kept).append(" kept from an earlier process; ");
        }
        if (ran.isEmpty()) {
            b.append("no run ran in this process; ");
        }
        return b.length() == 0 ? "" : b.substring(0, b.length() - 2);
    }

    /** The {@code machine_use} object (see the schema's definition "machine_use"). */
    public ObjectNode toJson() {
        ObjectNode o = Json.MAPPER.createObjectNode();
        o.put("flops", flops());
        o.put("seconds", seconds);
        o.put("wall_from", wallFrom);
        o.put("peak_gflops_one_thread", peak.gflops());
        ObjectNode how = o.putObject("peak_measurement");
        how.put("how", peak.how());
        ArrayNode rounds = how.putArray("rounds_gflops");
        for (double r : peak.rounds()) {
            rounds.add(r);
        }
        ArrayNode wall = how.putArray("rounds_gflops_wall");
        for (double r : peak.wallRounds()) {
            wall.add(r);
        }
        how.put("seconds", peak.seconds());
        how.set("load_average", ResultsSchema.number(peak.loadAverage()));
        how.put("onednn_isa", peak.isa());
        o.put("executors", executors);
        o.put("threads", threads);
        o.put("limit_gflops", limitGflops());
        o.set("gflops", ResultsSchema.number(seconds > 0 ? flops() / seconds / 1e9 : Double.NaN));
        o.set("fraction", ResultsSchema.number(fraction()));
        o.set("process_cpu_seconds", ResultsSchema.number(cpuSeconds));
        o.set("fraction_per_cpu_second", ResultsSchema.number(cpuFraction()));
        ArrayNode backends = o.putArray("backends");
        backends().forEach(backends::add);
        o.put("runs_counted", ran.size());
        o.put("runs_kept", kept);
        ObjectNode time = o.putObject("time");
        time.put("slot_seconds", slotSeconds());
        ObjectNode phases = time.putObject("phases");
        for (Phase p : Phase.values()) {
            ObjectNode ph = phases.putObject(p.id());
            ph.put("seconds", phaseSeconds(p));
            ph.set("share", ResultsSchema.number(share(phaseSeconds(p))));
            ph.put("flops", phaseFlops(p));
            ph.set("fraction_of_peak", ResultsSchema.number(phaseFraction(p)));
        }
        time.put("other_in_runs_seconds", otherInRunsSeconds());
        time.set("other_in_runs_share", ResultsSchema.number(share(otherInRunsSeconds())));
        time.put("outside_runs_seconds", outsideRunsSeconds());
        time.set("outside_runs_share", ResultsSchema.number(share(outsideRunsSeconds())));
        o.put("note", note());
        return o;
    }

    private double share(double s) {
        return slotSeconds() > 0 ? s / slotSeconds() : Double.NaN;
    }

    /** The one line the console ends with (and results.md / sweep.md hold). */
    public String line() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "machine use: %.3g FLOPs issued in %.1f s "
                + "(%s) = %.1f GFLOP/s, %s of the limit %.1f GFLOP/s (%d executor%s x %d thread%s x %.1f GFLOP/s, "
                + "the one-thread SGEMM peak per CPU second measured %s, oneDNN %s, load average %s)", (double) flops(),
                seconds, wallFrom, seconds > 0 ? flops() / seconds / 1e9 : Double.NaN, percent(fraction()),
                limitGflops(), executors, executors == 1 ? "" : "s", threads, threads == 1 ? "" : "s", peak.gflops(),
                wallFrom.equals("records") ? "now" : "at start-up", peak.isa(), Double.isNaN(peak.loadAverage())
                        ? "unknown" : String.format(Locale.ROOT, "%.1f", peak.loadAverage())));
        if (!Double.isNaN(cpuFraction())) {
            b.append(String.format(Locale.ROOT, "; per CPU second the process had (%.1f s, %.2f cores on average): "
                    + "%.1f GFLOP, %s of the peak", cpuSeconds, cpuSeconds / seconds, flops() / cpuSeconds / 1e9,
                    percent(cpuFraction())));
        }
        b.append("; the slots' time: ");
        for (Phase p : Phase.values()) {
            if (phaseSeconds(p) > 0) {
                b.append(p.id()).append(' ').append(percent(share(phaseSeconds(p))));
                if (phaseFlops(p) > 0) {
                    b.append(" (at ").append(percent(phaseFraction(p))).append(" of peak)");
                }
                b.append(", ");
            }
        }
        b.append("other in the runs ").append(percent(share(otherInRunsSeconds()))).append(", outside the runs "
                + "(start-up, data loading, idle slots, failed runs, reports) ").append(percent(share(outsideRunsSeconds())));
        String note = note();
        return note.isEmpty() ? b.toString() : b + "; " + note;
    }

    private static String percent(double f) {
        return Double.isNaN(f) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100 * f);
    }

    /** results.md's and sweep.md's section. */
    public String markdown() {
        return "\n## Machine use\n\n" + line() + ".\n\nFLOPs are 2 x the MACs the runs' ledgers counted (every phase); "
                + "the peak: " + peak.how() + ".\n";
    }
}
