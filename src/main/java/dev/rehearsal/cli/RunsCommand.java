package dev.rehearsal.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.rehearsal.experiment.Json;
import dev.rehearsal.experiment.RunListing;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code rehearsal runs [DIR...]}: the runs in results folders (default {@code results}, where runs without
 * {@code --out} go), oldest first, with their command, start, status and their config's key values; the run each
 * {@code latest} link names is marked. Nothing is written, and no link is followed.
 */
@Command(name = "runs", mixinStandardHelpOptions = true,
        description = "List runs: their folder, command, start (UTC), status (finished, running, incomplete, failed, "
                + "damaged) and the options their config sets (those that differ from the defaults).",
        footerHeading = "%nExamples:%n", footer = {"  rehearsal runs", "  rehearsal runs results/compare --json"})
final class RunsCommand implements Callable<Integer> {
    @Parameters(paramLabel = "DIR", arity = "0..*", converter = RunPath.class, description = "Where to look (default "
            + "results): a results folder, a folder of runs (results/compare), or a folder of those.")
    List<Path> where;

    @Group.In(Group.OUTPUT)
    @Option(names = "--json", description = "Print the list as JSON.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<RunListing.Run> runs = new ArrayList<>();
        for (Path w : where == null || where.isEmpty() ? List.of(Path.of("results")) : where) {
            runs.addAll(RunListing.of(w));
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ArrayNode list = Json.MAPPER.createArrayNode();
            for (RunListing.Run r : runs) {
                ObjectNode o = list.addObject();
                o.put("folder", r.folder().toString());
                o.put("command", r.command());
                o.put("started", r.started());
                o.put("status", r.status().id());
                o.put("detail", r.detail());
                r.config().forEach(o.putArray("config")::add);
                o.put("latest", r.latest());
            }
            out.println(Json.write(list));
            return 0;
        }
        if (runs.isEmpty()) {
            out.println("no runs under " + (where == null || where.isEmpty() ? "results" : String.join(", ",
                    where.stream().map(Path::toString).toList())));
            return 0;
        }
        int width = "run".length();
        for (RunListing.Run r : runs) {
            width = Math.max(width, shown(r).length());
        }
        out.printf("%-" + width + "s  %-8s  %-20s  %-10s  %s%n", "run", "command", "started (UTC)", "status", "config");
        for (RunListing.Run r : runs) {
            String config = String.join(" ", r.config());
            if (r.detail() != null) {
                config = (config.isEmpty() ? "" : config + "; ") + (r.status() == RunListing.Status.FAILED
                        ? "failed: " : "") + r.detail();
            }
            out.printf("%-" + width + "s  %-8s  %-20s  %-10s  %s%n", shown(r), r.command() == null ? "?" : r.command(),
                    r.started() == null ? "?" : r.started(), r.status().id(), config);
        }
        return 0;
    }

    private static String shown(RunListing.Run r) {
        return r.folder() + (r.latest() ? " (latest)" : "");
    }
}
