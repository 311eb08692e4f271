package dev.rehearsal.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.rehearsal.RehearsalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code report.html} for a results folder: what was run (configuration), what came out (metrics table,
 * accuracy matrices), the figures with a caption on how to read each, the sample grids, the scaling
 * fits, and a sweep's memory-accuracy frontier when it left a {@code frontier.json}. Every table scrolls
 * inside its own box; with several strategies, each one's section and sample grids are folded under a line
 * that says what they hold, so that a sweep's page stays a page. The page is self-contained: every image is embedded as a {@code data:image/png;base64} URI and
 * the style is inline, so it opens offline and survives being mailed as one file. The figures are also
 * written to {@code figures/} for slides and papers.
 */
public final class HtmlReport {
    /** The page, in the results folder. */
    public static final String FILE = "report.html";
    /** The folder of the figures' PNG files, in the results folder. */
    public static final String FIGURES = "figures";

    static {
        Output.headless();
    }

    /** Lenient about NaN and Infinity: a diverged run's metrics are still worth a page. */
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; color: #222;
                   max-width: 1000px; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
            h1 { margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: 0.2em; margin-top: 2em; }
            .meta { color: #666; margin-top: 0; }
            nav ul { columns: 2; padding-left: 1.2em; }
            .table-box { overflow-x: auto; margin: 0.8em 0; width: max-content; max-width: 100%; }
            @media (min-width: 1100px) { .table-box { max-width: calc(100vw - max(1em, 50vw - 500px) - 2em); } }
            table { border-collapse: collapse; font-size: 0.92em; }
            th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; text-align: left; }
            #metrics-table { font-size: 0.85em; } #metrics-table td, #metrics-table th { padding: 0.25em 0.4em; }
            th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            details.fold { margin: 0.6em 0; } details.fold > summary { cursor: pointer; }
            details.fold > summary h2, details.fold > summary h3 { display: inline; border: none; }
            details.fold > summary .gist { color: #555; font-size: 0.92em; margin-left: 0.6em; }
            td.future { color: #aaa; } td.diag { font-weight: bold; }
            .columns { display: flex; flex-wrap: wrap; gap: 0 2em; align-items: flex-start; }
            .config td:first-child { font-family: monospace; }
            figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #444; font-size: 0.92em; max-width: 800px; }
            .file { color: #888; font-family: monospace; font-size: 0.9em; }
            .samples { display: flex; flex-wrap: wrap; gap: 1em; }
            .samples figure { margin: 0; } .samples img { image-rendering: pixelated; }
            .note { color: #555; font-size: 0.92em; }
            .banner { background: #fff3cd; border: 1px solid #e0b400; padding: 0.6em 0.9em; margin: 1em 0; }
            .protocol { margin: 0.6em 0; }
            .labels { font-size: 0.85em; color: #444; }
            """;

    private HtmlReport() {
    }

    /**
     * Reads {@code results.json} and/or {@code scale.json}, {@code frontier.json} if there is one, and the grids
     * in {@code samples/} of {@code outDir}, writes {@code figures/*.png} and {@code report.html} there, and returns the page's path.
     *
     * @throws RehearsalException with exit code {@link RehearsalException#RUN} when neither JSON file exists
     *     or a file cannot be written, {@link RehearsalException#DATA} when an input is unreadable or corrupt
     */
    public static Path write(Path outDir) {
        Path resultsFile = outDir.resolve("results.json");
        Path scaleFile = outDir.resolve("scale.json");
        boolean hasResults = ownFile(resultsFile);
        boolean hasScale = ownFile(scaleFile);
        if (!hasResults && !hasScale) {
            boolean linked = Files.isSymbolicLink(resultsFile) || Files.isSymbolicLink(scaleFile);
            throw new RehearsalException(RehearsalException.RUN, "no results to report in " + outDir
                    + ": expected results.json (written by run and compare) or scale.json (written by scale)"
                    + (linked ? " as a regular file (a symbolic link inside a results folder is never followed)"
                    : "; run one of those commands with --out " + outDir + " first"));
        }
        JsonNode resultsRoot = hasResults ? read(resultsFile) : null;
        Results results = hasResults ? Results.parse(resultsRoot, resultsFile.toString()) : null;
        // A sweep's (and scale's) machine use is in sweep.json, a run's or compare's in results.json.
        Path sweepFile = outDir.resolve("sweep.json");
        JsonNode sweepRoot = ownFile(sweepFile) ? read(sweepFile) : null;
        MachineUseView machineUse = sweepRoot != null && sweepRoot.has("machine_use")
                ? MachineUseView.parse(sweepRoot.get("machine_use"), sweepFile.toString())
                : resultsRoot != null ? MachineUseView.parse(resultsRoot.path("machine_use"), resultsFile.toString())
                : null;
        Map<String, RunDetails> details = hasResults ? RunDetails.read(results.strategies()) : Map.of();
        Scaling scaling = hasScale ? Scaling.parse(read(scaleFile), scaleFile.toString()) : null;
        List<String> order = results == null ? List.of()
                : results.strategies().stream().map(Results.Strategy::name).toList();
        List<Samples.Sample> samples = Samples.find(outDir.resolve("samples"), order);
        Protocol protocol = new Protocol(results != null ? results.config() : scaling.config());

        Path figures = outDir.resolve(FIGURES);
        List<Figures.Figure> summary = new ArrayList<>();
        Map<String, List<Figures.Figure>> perStrategy = new LinkedHashMap<>();
        if (results != null && !results.strategies().isEmpty()) {
            summary.add(Figures.averageAccuracy(figures, results.listed()));
            summary.add(Figures.transferMetrics(figures, results.listed(), fwtZero(protocol, results)));
            summary.add(Figures.memory(figures, results.listed()));
            summary.add(Figures.time(figures, results.listed()));
            for (Results.Strategy s : results.listed()) {
                if (s.tasks() > 0) {
                    List<Figures.Figure> own = new ArrayList<>(List.of(Figures.accuracyMatrix(figures, s),
                            Figures.accuracyOverTime(figures, s)));
                    RunDetails d = details.get(s.name());
                    if (d != null && d.hasLosses()) {
                        own.add(Figures.loss(figures, s.name(), "solver", d.seed(), d.solverLoss(),
                                d.lossWindowSteps()));
                        if (d.generatorLoss().stream().anyMatch(v -> v.length > 0)) {
                            own.add(Figures.loss(figures, s.name(), "generator", d.seed(), d.generatorLoss(),
                                    d.lossWindowSteps()));
                        }
                    }
                    if (d != null && d.confusion() != null) {
                        own.add(Figures.confusion(figures, s.name(), d.seed(), d.confusion()));
                    }
                    perStrategy.put(s.name(), own);
                }
            }
        }
        List<Figures.Figure> scalingFigures = scaling == null ? List.of() : Figures.scaling(figures, scaling);
        // A sweep with `report: frontier` leaves frontier.json beside its tables: the page draws it too.
        Path frontierFile = outDir.resolve("frontier.json");
        Frontier.Summary frontier = ownFile(frontierFile)
                ? Frontier.read(read(frontierFile), frontierFile.toString()) : null;
        List<Figures.Figure> frontierFigures = frontier == null ? List.of()
                : Frontier.figures(figures, frontier.points(), frontier.published());

        String html = new Page(outDir, results, scaling, samples, summary, perStrategy, scalingFigures, protocol,
                details, frontier, frontierFigures, sweepRoot, machineUse).render();
        Path page = outDir.resolve(FILE);
        Output.write(page, html.getBytes(StandardCharsets.UTF_8));
        return page;
    }

    /**
     * Checks a results.json tree as the report reads it (types, shapes and ranges of every field it draws),
     * refusing it with exit code {@link RehearsalException#DATA} in one line naming {@code file} and the field:
     * for a file read from elsewhere before anything is written from it.
     */
    public static void check(Path file, JsonNode root) {
        Results.parse(root, file.toString());
    }

    /**
     * FWT is 0 by construction in class-incremental learning with a growing head (an untrained head has no
     * unit for a future task's classes), as every strategy's value confirms.
     */
    static boolean fwtZero(Protocol protocol, Results results) {
        return protocol.text("setting").equals("class") && !protocol.text("head").equals("fixed")
                && results.strategies().stream().allMatch(s -> !Double.isFinite(s.fwt()) || s.fwt() == 0);
    }

    /**
     * A regular file of the results folder: a symbolic link is never followed (it may point anywhere, and the
     * report would embed what it reads), so a link is as if the file were absent. Every input of the report is
     * looked up through this.
     */
    static boolean ownFile(Path file) {
        return Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    }

    private static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
            throw Results.corrupt(file.toString(), "not valid JSON (" + e.getOriginalMessage() + where + ")");
        } catch (IOException e) {
            throw new RehearsalException(RehearsalException.DATA, "cannot read " + file + ": " + e, e);
        }
    }

    /** Escapes text for HTML element content and quoted attribute values. */
    static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** The page, built top to bottom in reading order. Everything that comes from a file is escaped. */
    private static final class Page {
        private final Path outDir;
        private final Results results;
        private final Scaling scaling;
        private final List<Samples.Sample> samples;
        private final List<Figures.Figure> summary;
        private final Map<String, List<Figures.Figure>> perStrategy;
        private final List<Figures.Figure> scalingFigures;
        private final Protocol protocol;
        private final Map<String, RunDetails> details;
        private final Frontier.Summary frontier;
        private final List<Figures.Figure> frontierFigures;
        private final StringBuilder b = new StringBuilder(1 << 20);

        Page(Path outDir, Results results, Scaling scaling, List<Samples.Sample> samples,
                List<Figures.Figure> summary, Map<String, List<Figures.Figure>> perStrategy,
                List<Figures.Figure> scalingFigures, Protocol protocol, Map<String, RunDetails> details,
                Frontier.Summary frontier, List<Figures.Figure> frontierFigures, JsonNode sweepRoot,
                MachineUseView machineUse) {
            this.outDir = outDir;
            this.machineUse = machineUse;
            this.frontier = frontier;
            this.frontierFigures = frontierFigures;
            this.protocol = protocol;
            this.details = details;
            this.results = results;
            this.scaling = scaling;
            this.samples = samples;
            this.summary = summary;
            this.perStrategy = perStrategy;
            this.scalingFigures = scalingFigures;
            JsonNode chosen = sweepRoot != null ? sweepRoot.path("selection") : null;
            this.selection = chosen != null && chosen.isObject() ? chosen : null;
        }

        /** sweep.json's {@code selection} (a sweep that chose on validation results), or null. */
        private final JsonNode selection;
        /** The command's machine use (sweep.json's or results.json's), or null where none was recorded. */
        private final MachineUseView machineUse;

        String render() {
            Map<String, JsonNode> config = results != null ? results.config() : scaling.config();
            b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                    .append("<title>").append(escape("Rehearsal report: " + headline(config))).append("</title>\n")
                    .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n");
            b.append("<h1>Rehearsal report</h1>\n<p class=\"meta\">")
                    .append(escape(headline(config))).append("<br>Generated ")
                    .append(escape(ZonedDateTime.now().format(
                            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx", Locale.ROOT))))
                    .append(" from <span class=\"file\">").append(escape(outDir.toAbsolutePath().toString()))
                    .append("</span></p>\n");
            protocolSection();
            contents();
            if (results != null && !results.answers().isEmpty()) {
                section("answers", "What this run answers");
                results.answers().forEach(p -> b.append("<p>").append(escape(p)).append("</p>\n"));
            }
            if (frontier != null) {
                frontierSection();
            }
            if (results != null) {
                metrics();
            }
            if (selection != null) {
                selectionSection();
            }
            if (results != null) {
                strategies();
            }
            if (!samples.isEmpty()) {
                samples();
            }
            if (scaling != null) {
                scalingSection();
            }
            if (machineUse != null) {
                machineUseSection();
            }
            section("config", "Configuration");
            b.append("<p class=\"note\">Every option of the run as resolved (defaults included); ")
                    .append("passing these values again reproduces it.</p>\n");
            configTable(config);
            b.append("</body>\n</html>\n");
            return b.toString();
        }

        private void contents() {
            b.append("<nav><ul>\n");
            if (results != null && !results.answers().isEmpty()) {
                link("answers", "What this run answers");
            }
            if (frontier != null) {
                link("frontier", "Memory-accuracy frontier");
            }
            if (results != null) {
                link("metrics", "Metrics");
            }
            if (selection != null) {
                link("selection", "Selection");
            }
            if (results != null) {
                results.listed().forEach(s -> link("strategy-" + Figures.fileName(s.name()),
                        "Strategy " + s.label()));
            }
            if (!samples.isEmpty()) {
                link("samples", "Samples");
            }
            if (scaling != null) {
                link("scaling", "Scaling");
            }
            if (machineUse != null) {
                link("machine-use", "Machine use");
            }
            link("config", "Configuration");
            b.append("</ul></nav>\n");
        }

        /**
         * How the reported configurations were chosen (sweep.json's {@code selection}): per group, every
         * candidate's mean validation score over the selection seeds and the choice.
         */
        private void selectionSection() {
            section("selection", "Selection");
            String metric = selection.path("by").asText().replace('_', ' ');
            b.append("<p class=\"note\">Chosen per ").append(escape(selection.path("per").toString()))
                    .append(" by the mean ").append(escape(metric)).append(" over selection seeds ")
                    .append(escape(selection.path("seeds").toString())).append(", then run on seeds ")
                    .append(escape(selection.path("evaluate_seeds").toString())).append("; the results above are ")
                    .append("those seeds only. The choice read validation results only (held-out training ")
                    .append("data, never the test set); every score is in selection.csv.</p>\n")
                    .append("<div class=\"table-box\"><table id=\"selection-table\">\n<tr><th>group</th><th>candidate</th><th>")
                    .append(escape(metric)).append(" (mean ± SEM, n)</th><th>chosen</th></tr>\n");
            for (JsonNode c : selection.path("candidates")) {
                JsonNode sem = c.path("sem");
                String score = c.path("only_candidate").asBoolean() ? "the only candidate: not run on the "
                        + "selection seeds" : !c.path("mean").isNumber() ? "excluded: " + c.path("excluded").asText()
                        : String.format(Locale.ROOT, "%.4f", c.path("mean").asDouble()) + (sem.isNumber()
                        ? String.format(Locale.ROOT, " ± %.4f", sem.asDouble()) : "") + " (n="
                        + c.path("n").asInt() + ")";
                b.append("<tr><td>").append(escape(c.path("group").asText())).append("</td><td>")
                        .append(escape(c.path("label").asText())).append("</td><td>").append(escape(score))
                        .append("</td><td>").append(c.path("chosen").asBoolean() ? "<strong>chosen</strong>" : "")
                        .append("</td></tr>\n");
            }
            b.append("</table></div>\n");
        }

        /**
         * The memory-accuracy frontier of a sweep (frontier.json): what it answers, its two figures, every point
         * with its budget, memory, ACC and MACs, what does not fit its budget and the published reference points.
         */
        private void frontierSection() {
            section("frontier", "Memory-accuracy frontier");
            b.append("<p>").append(escape(frontier.answer())).append("</p>\n");
            frontierFigures.forEach(this::figure);
            b.append("<div class=\"table-box\"><table id=\"frontier-table\">\n<tr>");
            Frontier.COLUMNS.forEach(c -> b.append("<th>").append(escape(c)).append("</th>"));
            b.append("</tr>\n");
            for (Frontier.Point p : Frontier.sorted(frontier.points())) {
                List<String> cells = Frontier.cells(p);
                b.append("<tr><td>").append(escape(cells.get(0))).append("</td>");
                for (int i = 1; i < cells.size() - 1; i++) {
                    String text = escape(cells.get(i));
                    b.append("<td class=\"num\">").append(i == 3 && p.memoryFront() ? "<strong>" + text + "</strong>"
                            : text).append("</td>");
                }
                b.append("<td>").append(escape(cells.get(cells.size() - 1))).append("</td></tr>\n");
            }
            b.append("</table></div>\n<p class=\"note\">ACC: mean ± standard error of the mean over seeds; bold: on ")
                    .append("the Pareto front in memory; front: the fronts the point is on. Replay memory: every ")
                    .append("byte kept after the last task to remember earlier ones (exact; 1 MB = 10<sup>6</sup> ")
                    .append("bytes), mean over seeds. Training MACs: solver and generator training plus ")
                    .append("generation.</p>\n");
            List<String> notFit = frontier.doesNotFit().stream().distinct().toList();
            if (!notFit.isEmpty()) {
                b.append("<div class=\"note\" id=\"does-not-fit\"><strong>Does not fit its budget</strong> (what the ")
                        .append("strategy keeps whatever the budget already exceeds it):\n<ul>\n");
                notFit.forEach(n -> b.append("<li>").append(escape(n)).append("</li>\n"));
                b.append("</ul></div>\n");
            }
            if (!frontier.published().isEmpty()) {
                b.append("<div class=\"note\" id=\"published-points\"><strong>Published reference points</strong> ")
                        .append("(ACC as published; replay memory as Rehearsal counts the same method at the same ")
                        .append("size):\n<ul>\n");
                for (Frontier.Reference r : frontier.published()) {
                    b.append("<li>").append(escape(String.format(Locale.ROOT, "%s: ACC %.4f at %s (%s)", r.label(),
                            r.acc(), Frontier.bytes(Math.round(r.replayBytes())), r.memory()))).append("</li>\n");
                }
                b.append("</ul></div>\n");
            }
            if (!frontier.otherProtocol().isEmpty()) {
                b.append("<div class=\"note\" id=\"published-other-protocol\"><strong>Published figures not drawn"
                        + "</strong>: this sweep ran another protocol (what it ran, and in brackets what the "
                        + "figure's protocol has):\n<ul>\n");
                frontier.otherProtocol().forEach(o -> b.append("<li>").append(escape(o)).append("</li>\n"));
                b.append("</ul></div>\n");
            }
        }

        private void link(String id, String text) {
            b.append("<li><a href=\"#").append(escape(id)).append("\">").append(escape(text)).append("</a></li>\n");
        }

        /**
         * How much of the machine the command used: its FLOPs (2 x the MACs the runs' ledgers counted) over its
         * wall time against executors x threads x the one-thread peak, per CPU second where recorded, and where
         * the slots' time went.
         */
        private void machineUseSection() {
            MachineUseView u = machineUse;
            section("machine-use", "Machine use");
            b.append("<p id=\"machine-use-line\">").append(escape(String.format(Locale.ROOT, "%s FLOPs issued in "
                    + "%.1f s (from the %s) = %.1f GFLOP/s: %s of the limit %.1f GFLOP/s (%d executor%s x %d thread%s x "
                    + "%.1f GFLOP/s, the one-thread SGEMM peak per CPU second, oneDNN %s, load average %s).",
                    scientific(u.flops()), u.seconds(), u.wallFrom(), u.seconds() > 0 ? u.flops() / u.seconds() / 1e9
                    : Double.NaN, percent(u.fraction()), u.limitGflops(), u.executors(), u.executors() == 1 ? "" : "s",
                    u.threads(), u.threads() == 1 ? "" : "s", u.peakGflops(), u.isa(), fixed(u.loadAverage(), "%.1f"))));
            if (Double.isFinite(u.cpuFraction()) && u.seconds() > 0) {
                b.append(escape(String.format(Locale.ROOT, " Per CPU second the process had (%.1f s, %.2f cores on "
                        + "average): %s of the peak.", u.cpuSeconds(), u.cpuSeconds() / u.seconds(),
                        percent(u.cpuFraction()))));
            }
            b.append(escape(String.format(Locale.ROOT, " Runs counted: %d%s.", u.runsCounted(), u.runsKept() > 0
                    ? " (" + u.runsKept() + " kept from an earlier process are not)" : "")));
            b.append("</p>\n<div class=\"table-box\"><table id=\"machine-use-table\">\n<tr><th>where the slots' time "
                    + "went</th><th>seconds</th><th>share</th><th>FLOPs</th><th>of the peak</th></tr>\n");
            for (MachineUseView.Part p : u.parts()) {
                if (p.seconds() == 0 && p.flops() == 0) {
                    continue;
                }
                b.append("<tr><td>").append(escape(p.name().replace('_', ' '))).append("</td><td>")
                        .append(fixed(p.seconds(), "%.1f")).append("</td><td>").append(escape(percent(p.share())))
                        .append("</td><td>").append(p.flops() > 0 ? scientific(p.flops()) : "—").append("</td><td>")
                        .append(escape(percent(p.fractionOfPeak()))).append("</td></tr>\n");
            }
            b.append("</table></div>\n");
            if (!u.note().isEmpty()) {
                b.append("<p class=\"note\">").append(escape(u.note())).append("</p>\n");
            }
        }

        private static String percent(double f) {
            return Double.isFinite(f) ? String.format(Locale.ROOT, "%.1f%%", 100 * f) : "—";
        }

        private void section(String id, String title) {
            b.append("<h2 id=\"").append(escape(id)).append("\">").append(escape(title)).append("</h2>\n");
        }

        /**
         * The protocol in one line and, for a short configuration, a banner with the reasons: the numbers
         * of such a run are a smoke test, not a result.
         */
        private void protocolSection() {
            List<Long> seeds = results == null ? List.of() : results.strategies().stream()
                    .flatMap(s -> s.seeds().stream()).distinct().toList();
            List<String> names = results == null ? scaling.strategies()
                    : results.strategies().stream().map(Results.Strategy::name).toList();
            List<String> reasons = shortReasons();
            if (!reasons.isEmpty()) {
                b.append("<div class=\"banner\" id=\"short-configuration\"><strong>Short configuration.</strong> ")
                        .append("This run is shorter than its preset's protocol: ")
                        .append(escape(String.join("; ", reasons))).append(". ")
                        .append(escape(Character.toUpperCase(dev.rehearsal.config.ShortRun.MEANING.charAt(0))
                                + dev.rehearsal.config.ShortRun.MEANING.substring(1))).append(".</div>\n");
            }
            String line = protocol.line(seeds, names);
            if (!line.isEmpty()) {
                b.append("<p class=\"protocol\" id=\"protocol\"><strong>Protocol:</strong> ").append(escape(line))
                        .append(".</p>\n");
            }
            // The class order each seed used (random orders differ by seed): what the runs record.
            Map<Long, String> orders = new java.util.TreeMap<>();
            if (results != null) {
                for (Results.Strategy s : results.strategies()) {
                    for (com.fasterxml.jackson.databind.JsonNode run : s.runs()) {
                        if (run.path("class_order").isArray()) {
                            orders.putIfAbsent(run.path("seed").asLong(), run.path("class_order").toString());
                        }
                    }
                }
            }
            if (orders.size() > 1 && new java.util.HashSet<>(orders.values()).size() > 1) {
                List<String> each = new ArrayList<>();
                orders.forEach((seed, o) -> each.add("seed " + seed + ": " + o));
                b.append("<p class=\"protocol\" id=\"class-orders\"><strong>Class orders</strong> (the classes in "
                        + "the order the tasks took them): ").append(escape(String.join("; ", each))).append(".</p>\n");
            }
        }

        /**
         * Why the runs are short ({@link dev.rehearsal.config.ShortRun}): as results.json says, which judged each
         * strategy's own config, or from its config for a file written before it said.
         */
        private List<String> shortReasons() {
            if (results != null && results.shortReasons() != null) {
                return results.shortReasons();
            }
            return protocol.shortReasons(results == null ? scaling.strategies()
                    : results.strategies().stream().map(Results.Strategy::name).toList());
        }

        private void metrics() {
            section("metrics", "Metrics");
            if (results.strategies().isEmpty()) {
                b.append("<p>No run has finished yet: results.json lists no strategy.</p>\n");
                notRun();
                return;
            }
            boolean fwtZero = fwtZero(protocol, results);
            Published published = Published.load();
            List<String> differences = published.differences(protocol);
            // A short run is never set beside published figures, whatever keys it shares with their protocol.
            boolean isShort = !shortReasons().isEmpty();
            boolean comparable = differences.isEmpty() && !isShort
                    && results.strategies().stream().anyMatch(s -> published.match(protocol, s.name()) != null);
            b.append("<div class=\"table-box\"><table id=\"metrics-table\">\n<tr><th>strategy</th><th>seeds</th><th>ACC</th>");
            if (comparable) {
                b.append("<th>published ACC</th>");
            }
            b.append("<th>BWT</th>").append(fwtZero ? "" : "<th>FWT</th>")
                    .append("<th>forgetting</th><th>MS</th><th>SSS</th><th>CE</th>")
                    .append("<th>memory (MB)</th><th>replay memory (MB)</th><th>training MACs</th><th>time (s)</th>")
                    .append("<th>samples/s</th></tr>\n");
            for (Results.Strategy s : results.listed()) {
                b.append("<tr><td>").append(escape(s.label())).append("</td><td>")
                        .append(escape(s.seeds().stream().map(String::valueOf).collect(Collectors.joining(", "))))
                        .append("</td>");
                cell(stat(s.acc(), s.accStd(), s.seeds().size()));
                if (comparable) {
                    // A run stopped early is not compared with a published figure; one with seeds still to run is,
                    // over the seeds it has (its seeds column says which).
                    Published.Value v = s.completion().everyRunFinished() ? published.match(protocol, s.name()) : null;
                    double sem = sem(s.accStd(), s.seeds().size());
                    cell(v == null ? "—" : String.format(Locale.ROOT, "%.4f", v.acc())
                            + (Double.isFinite(v.std()) ? String.format(Locale.ROOT, " ± %.4f", v.std()) : "")
                            + (Double.isFinite(sem) ? "; ours " + v.against(s.acc(), sem, s.seeds().size()).text() : ""));
                }
                cell(stat(s.bwt(), s.bwtStd(), s.seeds().size()));
                if (!fwtZero) {
                    cell(stat(s.fwt(), s.fwtStd(), s.seeds().size()));
                }
                cell(stat(s.forgetting(), s.forgettingStd(), s.seeds().size()));
                cell(fixed(s.ms(), "%.3f"));
                cell(fixed(s.sss(), "%.3f"));
                cell(fixed(s.ce(), "%.3f"));
                cell(fixed(s.memoryBytes() / 1e6, "%.3f"));
                RunDetails d = details.get(s.name());
                cell(fixed(d == null ? Double.NaN : d.replayBytes() / 1e6, "%.3f"));
                cell(scientific(s.trainingMacs()));
                cell(fixed(s.times().getOrDefault("total", Double.NaN), "%.1f"));
                cell(fixed(s.samplesPerSecond(), "%.0f"));
                b.append("</tr>\n");
            }
            b.append("</table></div>\n<p class=\"note\">ACC: mean test accuracy over all tasks after the last task. ")
                    .append("BWT: backward transfer, the mean change of accuracy on earlier tasks since they were ")
                    .append("learned (negative: forgetting). FWT: forward transfer, accuracy on a task before ")
                    .append("training on it minus the untrained model's (Lopez-Paz and Ranzato 2017)")
                    .append(fwtZero ? "; <strong>not shown: it is 0 by construction here</strong> (class-incremental "
                            + "learning with a growing head: an untrained head has no unit for a future task's "
                            + "classes). " : ". ")
                    .append("Forgetting: mean drop from each task's best accuracy to its final one (Chaudhry et al. ")
                    .append("2018). MS, SSS, CE: model size, samples storage and computational efficiency ")
                    .append("(Díaz-Rodríguez et al. 2018; in [0, 1], higher is better). ")
                    .append("Values are means over seeds ± the standard error of the mean (sample standard deviation ")
                    .append("/ √n) when there are several; the 95% confidence intervals are in the next table, and ")
                    .append("paired comparisons of methods run on the same seeds after it. ")
                    .append("Memory: exact bytes the strategy allocated, all components (solver with its gradients, ")
                    .append("optimiser state and activations, batch buffers, replay buffer, generator, frozen ")
                    .append("models); the shared dataset is not counted. Replay memory: the part kept to remember ")
                    .append("earlier tasks after the last one, as SSS counts it (stored samples, or the parameters ")
                    .append("of the generator and frozen models, without their gradients or optimiser state; for ")
                    .append("joint, the training images of every task so far, which it revisits: part of the shared ")
                    .append("dataset, not of the memory column), first seed. All memory in MB, 1 MB = ")
                    .append("10<sup>6</sup> bytes. Training MACs: multiply-accumulates of solver and generator ")
                    .append("training and generation. Time: wall time of the whole run. Samples/s: solver rows ")
                    .append("(current and replayed) per second of solver training.</p>\n");
            incomplete();
            notRun();
            if (comparable) {
                b.append("<p class=\"note\" id=\"published-note\">Published ACC: ")
                        .append(escape(published.about())).append(" Shown because this run follows that protocol ")
                        .append("(preset, iterations, batch, data and the method's own options); a dash is a ")
                        .append("method without a published value. Over several seeds, \"ours\" is our mean minus ")
                        .append("the published one and that distance in combined standard errors (our SEM, the ")
                        .append("published spread where the source gives one, the reading uncertainty of a figure ")
                        .append("read off a plot): a row beyond the 5% two-sided Student-t quantile at the ")
                        .append("Welch-Satterthwaite degrees of freedom (shown after the distance: about 2 at 20 ")
                        .append("seeds, more at fewer) <em>misses</em> its figure, and the protocol or the ")
                        .append("implementation should explain why.</p>\n");
            } else {
                b.append("<p class=\"note\" id=\"published-note\">No published numbers are shown: they hold ")
                        .append("for one protocol (class-, domain- and task-incremental Split-MNIST, preset wide, ")
                        .append("2000 iterations per task, batch 128, full data; van de Ven et al. 2022)")
                        .append(differences.isEmpty() ? isShort ? "" : ", and none is published for these "
                                + "strategies in this setting" : ", and this run differs in "
                                + escape(String.join(", ", differences)) + " (the protocol's value in parentheses)")
                        .append(isShort ? (differences.isEmpty() ? ", and this run is" : "; it is also")
                                + " a short configuration (see the banner above)" : "")
                        .append(".</p>\n");
            }
            intervals(fwtZero);
            comparisons();
            summary.forEach(this::figure);
        }

        /** 95% confidence intervals over seeds (Student t, n - 1 degrees of freedom); n/a for one seed. */
        private void intervals(boolean fwtZero) {
            b.append("<h3 id=\"intervals\">95% confidence intervals over seeds</h3>\n<div class=\"table-box\"><table id=\"ci-table\">\n")
                    .append("<tr><th>strategy</th><th>seeds</th><th>ACC</th><th>BWT</th>")
                    .append(fwtZero ? "" : "<th>FWT</th>").append("<th>forgetting</th></tr>\n");
            for (Results.Strategy s : results.listed()) {
                int n = s.seeds().size();
                b.append("<tr><td>").append(escape(s.label())).append("</td>");
                cell(Integer.toString(n));
                cell(interval(s.acc(), s.accStd(), n));
                cell(interval(s.bwt(), s.bwtStd(), n));
                if (!fwtZero) {
                    cell(interval(s.fwt(), s.fwtStd(), n));
                }
                cell(interval(s.forgetting(), s.forgettingStd(), n));
                b.append("</tr>\n");
            }
            b.append("</table></div>\n<p class=\"note\">mean ± t<sub>0.975, n-1</sub> · std / √n, with std the ")
                    .append("sample standard deviation over the n seeds: the range that holds the mean of the ")
                    .append("seed distribution with 95% confidence. n/a: one seed gives no spread.</p>\n");
        }

        /**
         * The paired comparisons results.json holds (dev.rehearsal.stats via experiment.PairedComparisons): the
         * only place the page says one method is better than another.
         */
        private void comparisons() {
            if (results.comparisons().isEmpty()) {
                return;
            }
            b.append("<h3 id=\"comparisons\">Paired comparisons of final ACC</h3>\n<div class=\"table-box\"><table id=\"comparisons-table\">\n")
                    .append("<tr><th>A</th><th>B</th><th>paired seeds</th><th>mean A − B</th>")
                    .append("<th>paired t p (Holm)</th><th>Wilcoxon p (Holm)</th><th>verdict</th></tr>\n");
            for (Results.Comparison c : results.comparisons()) {
                b.append("<tr><td>").append(escape(c.a())).append("</td><td>").append(escape(c.b())).append("</td>");
                cell(Integer.toString(c.n()));
                cell(String.format(Locale.ROOT, "%+.4f", c.meanDifference()));
                cell(Double.isNaN(c.pTHolm()) ? "n/a" : String.format(Locale.ROOT, "%.4f", c.pTHolm()));
                cell(String.format(Locale.ROOT, "%.4f", c.pWilcoxonHolm()));
                cell(c.verdict());
                b.append("</tr>\n");
            }
            b.append("</table></div>\n<p class=\"note\">Each pair on the seeds both ran (same seed, same class order): the ")
                    .append("paired t-test and the exact Wilcoxon signed-rank test, each Holm-corrected over the ")
                    .append(escape(Figures.count(results.comparisons().size(), "comparison"))).append(" of this table. One method is called ")
                    .append("better only where both corrected p-values are below 0.05; otherwise the two are not ")
                    .append("distinguishable, whatever their means, or ")
                    .append(escape(dev.rehearsal.stats.Verdict.TOO_FEW)).append(" ")
                    .append(escape(dev.rehearsal.stats.Verdict.TOO_FEW_MEANS)).append(".</p>\n");
        }

        /**
         * Under the metrics table: why each strategy marked incomplete is listed after the complete ones and
         * not ranked with them.
         */
        private void incomplete() {
            List<Results.Strategy> marked = results.listed().stream().filter(s -> !s.completion().complete())
                    .toList();
            if (marked.isEmpty()) {
                return;
            }
            b.append("<p class=\"note\" id=\"incomplete\"><strong>Incomplete:</strong> ");
            marked.forEach(s -> b.append(escape(s.completion().explanation(s.name()))).append(' '));
            b.append("Their figures cover fewer tasks or seeds than asked, so they are not comparable with the ")
                    .append("others.</p>\n");
        }

        /** The runs the command was asked for that never started (results.json's not_run), with the reason. */
        private void notRun() {
            if (results.notRun().isEmpty()) {
                return;
            }
            // A sweep stopped early lists a line per run not made yet: a hundred of them are folded.
            boolean fold = results.notRun().size() > 8;
            b.append("<div class=\"note\" id=\"not-run\">").append(fold ? "<details class=\"fold\"><summary>" : "")
                    .append("<strong>Not run:</strong>").append(fold ? " " + escape(Figures.count(results.notRun().size(),
                            "run")) + "</summary>" : "").append("\n<ul>\n");
            results.notRun().forEach(n -> b.append("<li>").append(escape(n.line())).append("</li>\n"));
            b.append("</ul>").append(fold ? "</details>" : "").append("</div>\n");
        }

        /**
         * One section per strategy, folded (a click opens it) unless the run has a single strategy: the
         * diagnostics of every strategy of a sweep, open, made a page of 35,000 pixels. The line that stays
         * visible says what the section holds.
         */
        private void strategies() {
            boolean open = results.listed().size() == 1;
            for (Results.Strategy s : results.listed()) {
                int figures = perStrategy.getOrDefault(s.name(), List.of()).size();
                b.append("<details class=\"fold\"").append(open ? " open" : "").append("><summary>");
                section("strategy-" + Figures.fileName(s.name()), "Strategy " + s.label());
                b.append("<span class=\"gist\">").append(escape(s.tasks() == 0 ? "no accuracy matrix"
                        : "accuracy matrix, memory by component and " + Figures.count(figures, "figure")))
                        .append("</span></summary>\n");
                strategy(s);
                b.append("</details>\n");
            }
        }

        private void strategy(Results.Strategy s) {
            if (s.tasks() == 0) {
                b.append("<p>No accuracy matrix recorded.</p>\n");
                return;
            }
            b.append("<p>Accuracy matrix R (row: after training task i; column: test accuracy on task j")
                    .append(s.seeds().size() > 1 ? "; mean over seeds" : "")
                    .append("). The first row is the untrained model (b), the baseline of FWT; gray cells ")
                    .append("are tasks not trained yet.</p>\n");
            matrixTable(s);
            memoryNote(s);
            perStrategy.getOrDefault(s.name(), List.of()).forEach(this::figure);
            absentDetails(details.get(s.name()));
        }

        /** One line for what an older results.json does not hold (losses, confusion matrix). */
        private void absentDetails(RunDetails d) {
            List<String> absent = new ArrayList<>();
            if (d == null || !d.hasLosses()) {
                absent.add("training-loss curves (solver_loss, generator_loss)");
            }
            if (d == null || d.confusion() == null) {
                absent.add("confusion matrix (confusion_matrix)");
            }
            if (!absent.isEmpty()) {
                b.append("<p class=\"note absent\">Not in this results.json (written before they were recorded): ")
                        .append(escape(String.join(" and ", absent))).append(".</p>\n");
            }
        }

        private void matrixTable(Results.Strategy s) {
            int t = s.tasks();
            b.append("<div class=\"table-box\"><table>\n<tr><th>after \\ on</th>");
            for (int j = 1; j <= t; j++) {
                b.append("<th>task ").append(j).append("</th>");
            }
            b.append("</tr>\n<tr><th>untrained (b)</th>");
            for (double v : s.b()) {
                cell(fixed(v, "%.3f"));
            }
            b.append("</tr>\n");
            for (int i = 0; i < t; i++) {
                b.append("<tr><th>task ").append(i + 1).append("</th>");
                for (int j = 0; j < t; j++) {
                    String cls = j > i ? "num future" : j == i ? "num diag" : "num";
                    b.append("<td class=\"").append(cls).append("\">").append(escape(fixed(s.r()[i][j], "%.3f")))
                            .append("</td>");
                }
                b.append("</tr>\n");
            }
            b.append("</table></div>\n");
        }

        private void memoryNote(Results.Strategy s) {
            if (s.memory().isEmpty()) {
                return;
            }
            b.append("<p class=\"note\">Memory by component (MB, exact bytes / 10<sup>6</sup>): ");
            s.memory().forEach((k, v) -> b.append(escape(k)).append(' ').append(megabytes(v)).append("; "));
            b.append("total ").append(megabytes(s.memory().values().stream().mapToLong(Long::longValue).sum()))
                    .append(" (the memory column)");
            if (!s.heap().isEmpty()) {
                b.append(". Java heap beside the arenas (approximate): ");
                s.heap().forEach((k, v) -> b.append(escape(k)).append(' ').append(megabytes(v)).append("; "));
                b.setLength(b.length() - 2);
            }
            if (Double.isFinite(s.datasetBytes()) && s.datasetBytes() > 0) {
                b.append(". Dataset (shared by all strategies, not counted): ").append(megabytes(s.datasetBytes()));
            }
            b.append(".</p>\n");
        }

        private void samples() {
            section("samples", "Samples");
            b.append("<p class=\"note\">Image grids saved during the runs. <em>buffer</em>: what the replay ")
                    .append("buffer holds after task k (real training images kept for replay). <em>generated</em>: ")
                    .append("what the generator replays after task k (fresh samples of its decoder); blurred or ")
                    .append("wrong digits of earlier tasks are what the solver is then trained to remember. ")
                    .append("<em>generated_conditional</em>: the same for a class-conditional generator (cgr, bir: bir draws each class from its prior mode through its gates; in the domain setting one row per class and task), one ")
                    .append("row per class seen so far, in class order. On generated grids, each image carries ")
                    .append("the class the solver trained through that task gives it and its softmax probability ")
                    .append("(red below ").append(DOUBTFUL).append("): that solver labels the next task's replay, ")
                    .append("so a wrong or doubtful label is a wrong lesson replayed.</p>\n");
            // One folded group per strategy (open when there is one): each holds a grid per task.
            Map<String, Long> perGroup = samples.stream().collect(Collectors.groupingBy(
                    s -> s.named() ? s.strategy() : "", LinkedHashMap::new, Collectors.counting()));
            boolean open = perGroup.size() == 1;
            String group = null;
            for (Samples.Sample s : samples) {
                String g = s.named() ? s.strategy() : "";
                if (!g.equals(group)) {
                    if (group != null) {
                        b.append("</div></details>\n");
                    }
                    b.append("<details class=\"fold\"").append(open ? " open" : "").append("><summary><h3>")
                            .append(escape(g.isEmpty() ? "Other images" : "Strategy " + g))
                            .append("</h3><span class=\"gist\">").append(escape(Figures.count(perGroup.get(g), "grid")))
                            .append("</span></summary>\n<div class=\"samples\">\n");
                    group = g;
                }
                String caption = s.named() ? s.kind() + " after task " + s.task() : s.file();
                byte[] png = s.labels() == null ? s.png() : labelled(s);
                b.append("<figure class=\"sample\"><img src=\"").append(dataUri(png)).append("\" alt=\"")
                        .append(escape((s.named() ? s.strategy() + ": " : "") + caption)).append("\">")
                        .append("<figcaption>").append(escape(caption));
                if (s.labels() != null) {
                    b.append("<br><span class=\"labels\">").append(escape(labelSummary(s.labels(), s.task())))
                            .append("</span>");
                }
                b.append("<br><span class=\"file\">samples/").append(escape(s.file()))
                        .append("</span></figcaption></figure>\n");
            }
            b.append("</div></details>\n");
        }

        /** The grid with each image's label and confidence drawn on it (the raw grid when no layout fits). */
        private byte[] labelled(Samples.Sample s) {
            Samples.Labels l = s.labels();
            java.awt.image.BufferedImage grid;
            try {
                grid = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(s.png()));
            } catch (IOException e) {
                grid = null;
            }
            if (grid == null) {
                return s.png();
            }
            String[] text = new String[l.size()];
            boolean[] doubtful = new boolean[l.size()];
            for (int i = 0; i < text.length; i++) {
                text[i] = l.labels()[i] + " " + Math.round(100 * l.confidence()[i]) + "%";
                doubtful[i] = l.confidence()[i] < DOUBTFUL;
            }
            java.awt.image.BufferedImage out = ImageGrid.annotated(grid, l.size(), text, doubtful);
            return out == null ? s.png() : ImageGrid.png(out);
        }

        private void scalingSection() {
            section("scaling", "Scaling");
            b.append("<p>How accuracy and cost grow with the number of tasks")
                    .append(scaling.scenario().isEmpty() ? "" : " in the " + escape(scaling.scenario()) + " scenario")
                    .append(": each strategy was run with ")
                    .append(escape(scaling.tasks().stream().map(String::valueOf).collect(Collectors.joining(", "))))
                    .append(" tasks. ACC is the mean over seeds ± its standard error; costs are means over seeds. ")
                    .append("The slope is the exponent of a power law fitted in log-log space: about 0 ")
                    .append("is constant, 1 linear, 2 quadratic growth.</p>\n");
            scalingFigures.forEach(this::figure);
            if (!scaling.fits().isEmpty()) {
                b.append("<h3>Fitted slopes</h3>\n<div class=\"table-box\"><table>\n<tr><th>strategy</th><th>quantity</th><th>slope</th>")
                        .append("<th>growth</th></tr>\n");
                for (Scaling.Fit f : scaling.fits()) {
                    b.append("<tr><td>").append(escape(f.strategy())).append("</td><td>").append(escape(f.quantity()))
                            .append("</td>");
                    cell(fixed(f.slope(), "%.2f"));
                    b.append("<td>").append(escape(f.growth())).append("</td></tr>\n");
                }
                b.append("</table></div>\n");
            }
            if (!scaling.measurements().isEmpty()) {
                b.append("<h3>Measurements</h3>\n<div class=\"table-box\"><table>\n<tr><th>strategy</th><th>tasks</th>")
                        .append("<th>seeds</th><th>ACC</th><th>forgetting</th><th title=\"the lowest accuracy any ")
                        .append("task had right after it was learned, over the seeds\">least learned</th>")
                        .append("<th>replay memory (bytes)</th>")
                        .append("<th>memory (MB)</th><th>training MACs</th><th>evaluation MACs</th><th>time (s)</th>")
                        .append("</tr>\n");
                for (Scaling.Measurement m : scaling.measurements()) {
                    b.append("<tr><td>").append(escape(m.strategy())).append("</td>");
                    cell(Integer.toString(m.tasks()));
                    cell(Double.isNaN(m.get("seeds")) ? "1" : Long.toString(Math.round(m.get("seeds"))));
                    double sem = m.get("acc_sem");
                    cell(fixed(m.get("acc"), "%.4f") + (Double.isFinite(sem) ? " ± " + fixed(sem, "%.4f") : ""));
                    cell(fixed(m.get("forgetting"), "%.4f"));
                    cell(fixed(m.get("least_learned"), "%.4f"));
                    cell(String.format(java.util.Locale.ROOT, "%,d", Math.round(m.get("replay_memory_bytes"))));
                    cell(fixed(m.get("memory_bytes") / 1e6, "%.3f"));
                    cell(scientific(m.get("training_macs")));
                    cell(scientific(m.get("evaluation_macs")));
                    cell(fixed(m.get("seconds"), "%.1f"));
                    b.append("</tr>\n");
                }
                b.append("</table></div>\n");
            }
            if (!scaling.crossovers().isEmpty()) {
                b.append("<h3>Crossovers</h3>\n<p>Where two strategies' fitted lines of a cost cross inside the ")
                        .append("measured range, and their ACCs at the nearest measured number of tasks (paired by ")
                        .append("seed, Holm-corrected over the crossings).</p>\n<ul>\n");
                for (Scaling.Crossover c : scaling.crossovers()) {
                    String other = c.cheaperBelow().equals(c.a()) ? c.b() : c.a();
                    b.append("<li>").append(escape(String.format(java.util.Locale.ROOT, "%s: %s and %s cross at "
                            + "%.1f tasks (below it %s costs less, above it %s); at %d tasks ACC %.4f against %.4f; %s.",
                            c.quantity(), c.a(), c.b(), c.atTasks(), c.cheaperBelow(), other, c.nearestTasks(),
                            c.aAcc(), c.bAcc(), c.sentence().isEmpty() ? "no paired test (fewer than two shared seeds)"
                            : c.sentence()))).append("</li>\n");
                }
                b.append("</ul>\n");
            }
            if (results != null && !scaling.config().isEmpty() && !scaling.config().equals(results.config())) {
                b.append("<h3>Configuration of the scale run</h3>\n");
                configTable(scaling.config());
            }
        }

        private void configTable(Map<String, JsonNode> config) {
            if (config.isEmpty()) {
                b.append("<p>No configuration recorded.</p>\n");
                return;
            }
            // Two tables side by side: the options are many and short.
            List<Map.Entry<String, JsonNode>> entries = new ArrayList<>(config.entrySet());
            int half = (entries.size() + 1) / 2;
            b.append("<div class=\"columns\">\n");
            for (List<Map.Entry<String, JsonNode>> part : List.of(entries.subList(0, half),
                    entries.subList(half, entries.size()))) {
                b.append("<div class=\"table-box\"><table class=\"config\">\n<tr><th>option</th><th>value</th></tr>\n");
                for (Map.Entry<String, JsonNode> e : part) {
                    JsonNode v = e.getValue();
                    b.append("<tr><td>").append(escape(e.getKey())).append("</td><td>")
                            .append(escape(v.isNull() ? "(default)" : v.isValueNode() ? v.asText() : v.toString()))
                            .append("</td></tr>\n");
                }
                b.append("</table></div>\n");
            }
            b.append("</div>\n");
        }

        private void figure(Figures.Figure f) {
            String id = "fig-" + f.file().replaceFirst("\\.png$", "");
            b.append("<figure id=\"").append(escape(id)).append("\"><img src=\"").append(dataUri(f.png()))
                    .append("\" width=\"").append(f.width()).append("\" height=\"").append(f.height())
                    .append("\" alt=\"").append(escape(f.alt())).append("\">\n<figcaption><strong>")
                    .append(escape(f.title())).append(".</strong> ").append(escape(f.caption()))
                    .append(" <span class=\"file\">").append(escape(FIGURES + "/" + f.file()))
                    .append("</span></figcaption></figure>\n");
        }

        private void cell(String text) {
            b.append("<td class=\"num\">").append(escape(text)).append("</td>");
        }

        /** "scenario dataset, setting-incremental, preset p; strategies a, b" from whatever keys exist. */
        private String headline(Map<String, JsonNode> config) {
            List<String> parts = new ArrayList<>();
            String task = (text(config, "scenario") + " " + text(config, "dataset")).trim();
            if (!task.isEmpty()) {
                parts.add(task);
            }
            if (!text(config, "setting").isEmpty()) {
                parts.add(text(config, "setting") + "-incremental");
            }
            if (!text(config, "preset").isEmpty()) {
                parts.add("preset " + text(config, "preset"));
            }
            if (!text(config, "backend").isEmpty()) {
                parts.add("backend " + text(config, "backend"));
            }
            List<String> names = results != null ? results.strategies().stream().map(Results.Strategy::name).toList()
                    : scaling.strategies();
            if (!names.isEmpty()) {
                parts.add("strategies " + String.join(", ", names));
            }
            if (results == null) {
                parts.add("scaling with the number of tasks");
            }
            return String.join("; ", parts);
        }

        private static String text(Map<String, JsonNode> config, String key) {
            JsonNode v = config.get(key);
            return v == null || v.isNull() ? "" : v.asText();
        }
    }

    /** Below this softmax probability a replayed label is drawn in red: the solver is guessing. */
    static final double DOUBTFUL = 0.5;

    /**
     * "the solver after task 3 labels them: 0 x12, 1 x10, ...; mean confidence 0.91; 4 of 64 below 0.5",
     * the caption of a labelled grid.
     */
    static String labelSummary(Samples.Labels l, int task) {
        java.util.TreeMap<Integer, Integer> counts = new java.util.TreeMap<>();
        double sum = 0;
        int doubtful = 0;
        for (int i = 0; i < l.size(); i++) {
            counts.merge(l.labels()[i], 1, Integer::sum);
            sum += l.confidence()[i];
            doubtful += l.confidence()[i] < DOUBTFUL ? 1 : 0;
        }
        String what = l.kind().equals("class") ? "" : " (" + l.kind() + ")";
        return String.format(Locale.ROOT, "Labels%s the solver after task %d gives them (on each image, with its "
                + "softmax probability): %s; mean confidence %.2f; %d of %d below %.1f (red).", what, task,
                counts.entrySet().stream().map(e -> e.getKey() + " ×" + e.getValue())
                        .collect(Collectors.joining(", ")), l.size() == 0 ? Double.NaN : sum / l.size(), doubtful,
                l.size(), DOUBTFUL);
    }

    static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    /** Mean ± standard error of the mean over {@code n} seeds (std / sqrt(n)), as the literature prints it. */
    private static String stat(double mean, double std, int n) {
        if (!Double.isFinite(mean)) {
            return "—";
        }
        double sem = sem(std, n);
        return Double.isFinite(sem) ? String.format(Locale.ROOT, "%.4f ± %.4f", mean, sem)
                : String.format(Locale.ROOT, "%.4f", mean);
    }

    /** The standard error of the mean over {@code n} seeds, std / sqrt(n); NaN for one seed or no spread. */
    private static double sem(double std, int n) {
        return std > 0 && n > 1 ? std / Math.sqrt(n) : Double.NaN;
    }

    private static String fixed(double v, String pattern) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, pattern, v) : "—";
    }

    /** 2.87e10 rather than 28700000000 or 2.87E+10. */
    private static String scientific(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3g", v).replace("e+0", "e").replace("e+", "e")
                : "—";
    }

    /** Every memory figure of the page, in one unit: MB (10^6 bytes), three decimals (1 kB resolution). */
    static String megabytes(double bytes) {
        return Double.isFinite(bytes) ? String.format(Locale.ROOT, "%.3f MB", bytes / 1e6) : "—";
    }

    /** "[0.8897, 0.9027]", or "n/a" for one seed. */
    static String interval(double mean, double std, int n) {
        double h = Interval.halfWidth(std, n);
        if (!Double.isFinite(mean)) {
            return "—";
        }
        return Double.isFinite(h) ? String.format(Locale.ROOT, "[%.4f, %.4f]", mean - h, mean + h) : "n/a";
    }
}
