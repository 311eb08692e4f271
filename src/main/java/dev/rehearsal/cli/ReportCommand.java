package dev.rehearsal.cli;

import dev.rehearsal.AtomicFiles;
import dev.rehearsal.RehearsalException;
import dev.rehearsal.ResultsFolder;
import dev.rehearsal.experiment.ResultFiles;
import dev.rehearsal.experiment.ResultsMerge;
import dev.rehearsal.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rehearsal report DIR...}: report.html from results folders written earlier. One folder without
 * {@code --out}: its report is rebuilt in place, under the folder's lock (a Rehearsal results folder only, and
 * not while another command writes it). A folder read is refused when it holds a link. Several folders (or {@code --out}): their results.json are
 * read and checked first ({@link ResultsMerge}: a strategy found in more than one folder is labelled by its
 * folder), then written to the new folder {@code --out} as results.json, results.csv, the sample grids (under
 * the labelled names), figures/ and report.html; if anything fails there, what was written is removed.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Rebuild report.html from one or more results folders (run, compare, profile, sweep), so runs "
                + "made at different times are compared side by side.",
        footer = {"", "Examples:", "  rehearsal report results/compare/latest",
            "  rehearsal report results/er-runs results/gr-runs --out results/together"})
final class ReportCommand implements Callable<Integer> {
    private static final Pattern SAMPLE = Pattern.compile("(.+)(-task\\d+-[A-Za-z0-9_]+\\.png)");

    @Parameters(paramLabel = "DIR", arity = "1..*", converter = RunPath.class, description = "Results folders (each with a results.json) or "
            + "sweep folders.")
    List<Path> folders;

    @Option(names = "--out", paramLabel = "DIR", converter = RunPath.class, description = "Where the report of the folders together goes: a new "
            + "or empty folder, or an earlier report's with --force. Default with one folder: that folder (its "
            + "report is rebuilt in place); needed with several.")
    Path out;

    @Option(names = "--force", description = "Replace the earlier report in --out (exactly the files it wrote).")
    boolean force;

    @Option(names = "--efficiency", description = "Write nothing: print the machine use of the folders' finished run "
            + "records (2 x their MACs over their run seconds back to back, as a fraction of threads x the one-thread "
            + "SGEMM peak measured now, in this process), and where their time went.")
    boolean efficiency;

    @Group.In(Group.OUTPUT)
    @Option(names = "--json", description = "With --efficiency: print it as one JSON object (the folders, and the "
            + "machine_use object results files hold) instead of the line.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    @SuppressWarnings("try") // an open ResultsFolder is a scope (it holds the lock): its variable is never read
    public Integer call() {
        var console = spec.commandLine().getOut();
        if (efficiency) {
            if (out != null || force) {
                throw usage("--efficiency writes nothing: drop --out and --force");
            }
            dev.rehearsal.config.ExperimentConfig runtime = new dev.rehearsal.config.ExperimentConfig();
            runtime.threads = 1; // the native runtime, if this command starts it: the peak is one thread's anyway
            runtime.ompWait = dev.rehearsal.config.OmpWait.PASSIVE;
            for (Path f : folders) {
                if (!Files.isDirectory(f)) {
                    throw usage(f + " is not a folder");
                }
            }
            dev.rehearsal.experiment.MachineUse use = dev.rehearsal.experiment.MachineUse.ofFolders(folders,
                    dev.rehearsal.experiment.MachineUse.Peak.measure(runtime));
            if (json) {
                com.fasterxml.jackson.databind.node.ObjectNode root = dev.rehearsal.experiment.Json.MAPPER
                        .createObjectNode();
                var names = root.putArray("folders");
                folders.forEach(f -> names.add(f.toString()));
                dev.rehearsal.experiment.Provenance.whereAndWhen(root);
                root.set("machine_use", use.toJson());
                console.println(dev.rehearsal.experiment.Json.write(root));
                return 0;
            }
            console.println(use.ran().size() + " finished run records in " + folders + "; seconds: their run "
                    + "seconds back to back (no start-up, data loading or idle slot is in them)");
            console.println(use.line());
            return 0;
        }
        if (json) {
            throw usage("--json goes with --efficiency (a report is written as files)");
        }
        if (out == null && folders.size() == 1) {
            Path dir = folders.get(0);
            // Locked like any command writing the folder; a folder holding a link is refused.
            try (ResultsFolder folder = ResultsFolder.open(dir, "report", ResultsFolder.Mode.UPDATE)) {
                if (Files.isRegularFile(dir.resolve("results.json")) || !Files.isRegularFile(dir.resolve("scale.json"))) {
                    ResultsMerge.read(dir); // checked before anything is rewritten
                }
                console.println("report: " + HtmlReport.write(dir));
            }
            return 0;
        }
        if (out == null) {
            throw usage("a report of " + folders.size() + " folders needs --out DIR (a new folder for it)");
        }
        List<ResultsMerge.Folder> read = new ArrayList<>();
        for (Path f : folders) {
            if (f.toAbsolutePath().normalize().equals(out.toAbsolutePath().normalize())) {
                throw usage("--out " + out + " is one of the folders read: give a new folder");
            }
            if (Files.exists(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                ResultsFolder.refuseLinks(f); // nothing is read through a link either (a missing folder: below)
            }
            ResultsMerge.Folder folder = ResultsMerge.read(f);
            HtmlReport.check(f.resolve("results.json"), folder.results()); // named as the user knows it
            read.add(folder);
        }
        ResultsMerge.Merged merged = ResultsMerge.of(read);
        try (ResultsFolder folder = ResultsFolder.open(out, "report", force ? ResultsFolder.Mode.FORCE
                : ResultsFolder.Mode.NEW)) {
            try {
                ResultFiles.writeResults(out, merged.results());
                for (ResultsMerge.Folder f : read) {
                    copySamples(f.dir().resolve("samples"), out.resolve("samples"),
                            merged.labels().get(f.dir().normalize()));
                }
                Path page = HtmlReport.write(out);
                folder.finish();
                console.println("report: " + page + " (" + merged.results().path("results").size()
                        + " strategies from " + read.size() + " folders), " + out.resolve("results.json") + ", "
                        + out.resolve("results.csv"));
            } catch (RuntimeException | Error e) {
                folder.discard(e); // nothing half-written is left behind
                throw e;
            }
        }
        return 0;
    }

    /** Copies a folder's sample grids, each renamed after its strategy's label (a file name holds no '/'). */
    private static void copySamples(Path from, Path to, Map<String, String> labels) {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> s = Files.list(from)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Matcher m = SAMPLE.matcher(p.getFileName().toString());
                if (!m.matches() || !labels.containsKey(m.group(1))) {
                    continue; // not a grid of a strategy of this report
                }
                Path target = to.resolve(labels.get(m.group(1)).replace('/', '_') + m.group(2));
                AtomicFiles.write(target, Files.readAllBytes(p));
            }
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.RUN, "cannot copy the sample grids of " + from + ": "
                    + AtomicFiles.reason(e), e);
        }
    }

    private static RehearsalException usage(String m) {
        return new RehearsalException(RehearsalException.USAGE, m);
    }
}
