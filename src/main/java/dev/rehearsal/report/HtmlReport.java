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
 * accuracy matrices), the figures with a caption on how to read each, the sample grids, and the scaling
 * fits. The page is self-contained: every image is embedded as a {@code data:image/png;base64} URI and
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
            table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
            th, td { border: 1px solid #ddd; padding: 0.25em 0.6em; text-align: left; }
            th { background: #f4f4f4; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
            td.future { color: #aaa; } td.diag { font-weight: bold; }
            .columns { display: flex; flex-wrap: wrap; gap: 0 2em; align-items: flex-start; }
            .config td:first-child { font-family: monospace; }
            figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
            figcaption { color: #444; font-size: 0.92em; max-width: 800px; }
            .file { color: #888; font-family: monospace; font-size: 0.9em; }
            .samples { display: flex; flex-wrap: wrap; gap: 1em; }
            .samples figure { margin: 0; } .samples img { image-rendering: pixelated; }
            .note { color: #555; font-size: 0.92em; }
            """;

    private HtmlReport() {
    }

    /**
     * Reads {@code results.json} and/or {@code scale.json} and the grids in {@code samples/} of
     * {@code outDir}, writes {@code figures/*.png} and {@code report.html} there, and returns the page's path.
     *
     * @throws RehearsalException with exit code {@link RehearsalException#RUN} when neither JSON file exists
     *     or a file cannot be written, {@link RehearsalException#DATA} when an input is unreadable or corrupt
     */
    public static Path write(Path outDir) {
        Path resultsFile = outDir.resolve("results.json");
        Path scaleFile = outDir.resolve("scale.json");
        boolean hasResults = Files.isRegularFile(resultsFile);
        boolean hasScale = Files.isRegularFile(scaleFile);
        if (!hasResults && !hasScale) {
            throw new RehearsalException(RehearsalException.RUN, "no results to report in " + outDir
                    + ": expected results.json (written by run and compare) or scale.json (written by scale); "
                    + "run one of those commands with --out " + outDir + " first");
        }
        Results results = hasResults ? Results.parse(read(resultsFile), resultsFile.toString()) : null;
        Scaling scaling = hasScale ? Scaling.parse(read(scaleFile), scaleFile.toString()) : null;
        List<String> order = results == null ? List.of()
                : results.strategies().stream().map(Results.Strategy::name).toList();
        List<Samples.Sample> samples = Samples.find(outDir.resolve("samples"), order);

        Path figures = outDir.resolve(FIGURES);
        List<Figures.Figure> summary = new ArrayList<>();
        Map<String, List<Figures.Figure>> perStrategy = new LinkedHashMap<>();
        if (results != null && !results.strategies().isEmpty()) {
            summary.add(Figures.transferMetrics(figures, results.strategies()));
            summary.add(Figures.memory(figures, results.strategies()));
            summary.add(Figures.time(figures, results.strategies()));
            for (Results.Strategy s : results.strategies()) {
                if (s.tasks() > 0) {
                    perStrategy.put(s.name(), List.of(Figures.accuracyMatrix(figures, s),
                            Figures.accuracyOverTime(figures, s)));
                }
            }
        }
        List<Figures.Figure> scalingFigures = scaling == null ? List.of() : Figures.scaling(figures, scaling);

        String html = new Page(outDir, results, scaling, samples, summary, perStrategy, scalingFigures).render();
        Path page = outDir.resolve(FILE);
        Output.write(page, html.getBytes(StandardCharsets.UTF_8));
        return page;
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
        private final StringBuilder b = new StringBuilder(1 << 20);

        Page(Path outDir, Results results, Scaling scaling, List<Samples.Sample> samples,
                List<Figures.Figure> summary, Map<String, List<Figures.Figure>> perStrategy,
                List<Figures.Figure> scalingFigures) {
            this.outDir = outDir;
            this.results = results;
            this.scaling = scaling;
            this.samples = samples;
            this.summary = summary;
            this.perStrategy = perStrategy;
            this.scalingFigures = scalingFigures;
        }

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
            contents();
            if (results != null && !results.answers().isEmpty()) {
                section("answers", "What this run answers");
                results.answers().forEach(p -> b.append("<p>").append(escape(p)).append("</p>\n"));
            }
            if (results != null) {
                metrics();
                strategies();
            }
            if (!samples.isEmpty()) {
                samples();
            }
            if (scaling != null) {
                scalingSection();
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
            if (results != null) {
                link("metrics", "Metrics");
                results.strategies().forEach(s -> link("strategy-" + Figures.fileName(s.name()),
                        "Strategy " + s.name()));
            }
            if (!samples.isEmpty()) {
                link("samples", "Samples");
            }
            if (scaling != null) {
                link("scaling", "Scaling");
            }
            link("config", "Configuration");
            b.append("</ul></nav>\n");
        }

        private void link(String id, String text) {
            b.append("<li><a href=\"#").append(escape(id)).append("\">").append(escape(text)).append("</a></li>\n");
        }

        private void section(String id, String title) {
            b.append("<h2 id=\"").append(escape(id)).append("\">").append(escape(title)).append("</h2>\n");
        }

        private void metrics() {
            section("metrics", "Metrics");
            if (results.strategies().isEmpty()) {
                b.append("<p>No run has finished yet: results.json lists no strategy.</p>\n");
                return;
            }
            b.append("<table>\n<tr><th>strategy</th><th>seeds</th><th>ACC</th><th>BWT</th><th>FWT</th>")
                    .append("<th>forgetting</th><th>MS</th><th>SSS</th><th>CE</th>")
                    .append("<th>memory (MB)</th><th>training MACs</th><th>time (s)</th>")
                    .append("<th>samples/s</th></tr>\n");
            for (Results.Strategy s : results.strategies()) {
                b.append("<tr><td>").append(escape(s.name())).append("</td><td>")
                        .append(escape(s.seeds().stream().map(String::valueOf).collect(Collectors.joining(", "))))
                        .append("</td>");
                cell(stat(s.acc(), s.accStd()));
                cell(stat(s.bwt(), s.bwtStd()));
                cell(stat(s.fwt(), s.fwtStd()));
                cell(stat(s.forgetting(), s.forgettingStd()));
                cell(fixed(s.ms(), "%.3f"));
                cell(fixed(s.sss(), "%.3f"));
                cell(fixed(s.ce(), "%.3f"));
                cell(fixed(s.memoryBytes() / 1e6, "%.2f"));
                cell(scientific(s.trainingMacs()));
                cell(fixed(s.times().getOrDefault("total", Double.NaN), "%.1f"));
                cell(fixed(s.samplesPerSecond(), "%.0f"));
                b.append("</tr>\n");
            }
            b.append("</table>\n<p class=\"note\">ACC: mean test accuracy over all tasks after the last task. ")
                    .append("BWT: backward transfer, the mean change of accuracy on earlier tasks since they were ")
                    .append("learned (negative: forgetting). FWT: forward transfer, accuracy on a task before ")
                    .append("training on it minus the untrained model's (Lopez-Paz and Ranzato 2017). Forgetting: ")
                    .append("mean drop from each task's best accuracy to its final one (Chaudhry et al. 2018). ")
                    .append("MS, SSS, CE: model size, samples storage and computational efficiency ")
                    .append("(Díaz-Rodríguez et al. 2018; in [0, 1], higher is better). ")
                    .append("Values are means over seeds, ± one standard deviation when there are several. ")
                    .append("Memory: exact bytes the strategy allocated (1 MB = 10<sup>6</sup> bytes). Training ")
                    .append("MACs: multiply-accumulates of solver and generator training and generation. Time: ")
                    .append("wall time of the whole run. Samples/s: solver rows (current and replayed) per ")
                    .append("second of solver training.</p>\n");
            summary.forEach(this::figure);
        }

        private void strategies() {
            for (Results.Strategy s : results.strategies()) {
                section("strategy-" + Figures.fileName(s.name()), "Strategy " + s.name());
                if (s.tasks() == 0) {
                    b.append("<p>No accuracy matrix recorded.</p>\n");
                    continue;
                }
                b.append("<p>Accuracy matrix R (row: after training task i; column: test accuracy on task j")
                        .append(s.seeds().size() > 1 ? "; mean over seeds" : "")
                        .append("). The first row is the untrained model (b), the baseline of FWT; gray cells ")
                        .append("are tasks not trained yet.</p>\n");
                matrixTable(s);
                memoryNote(s);
                perStrategy.getOrDefault(s.name(), List.of()).forEach(this::figure);
            }
        }

        private void matrixTable(Results.Strategy s) {
            int t = s.tasks();
            b.append("<table>\n<tr><th>after \\ on</th>");
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
            b.append("</table>\n");
        }

        private void memoryNote(Results.Strategy s) {
            if (s.memory().isEmpty()) {
                return;
            }
            b.append("<p class=\"note\">Memory, exact bytes: ");
            s.memory().forEach((k, v) -> b.append(escape(k)).append(' ').append(bytes(v)).append("; "));
            b.append("total ").append(bytes(s.memory().values().stream().mapToLong(Long::longValue).sum()));
            if (!s.heap().isEmpty()) {
                b.append(". Java heap beside the arenas (approximate): ");
                s.heap().forEach((k, v) -> b.append(escape(k)).append(' ').append(bytes(v)).append("; "));
                b.setLength(b.length() - 2);
            }
            if (Double.isFinite(s.datasetBytes()) && s.datasetBytes() > 0) {
                b.append(". Dataset (shared by all strategies, not counted): ")
                        .append(fixed(s.datasetBytes() / 1e6, "%.1f")).append(" MB");
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
                    .append("row per class seen so far, in class order.</p>\n");
            String group = null;
            for (Samples.Sample s : samples) {
                String g = s.named() ? s.strategy() : "";
                if (!g.equals(group)) {
                    if (group != null) {
                        b.append("</div>\n");
                    }
                    b.append("<h3>").append(escape(g.isEmpty() ? "Other images" : "Strategy " + g))
                            .append("</h3>\n<div class=\"samples\">\n");
                    group = g;
                }
                String caption = s.named() ? s.kind() + " after task " + s.task() : s.file();
                b.append("<figure class=\"sample\"><img src=\"").append(dataUri(s.png())).append("\" alt=\"")
                        .append(escape((s.named() ? s.strategy() + ": " : "") + caption)).append("\">")
                        .append("<figcaption>").append(escape(caption)).append("<br><span class=\"file\">samples/")
                        .append(escape(s.file())).append("</span></figcaption></figure>\n");
            }
            b.append("</div>\n");
        }

        private void scalingSection() {
            section("scaling", "Scaling");
            b.append("<p>How cost grows with the number of tasks")
                    .append(scaling.scenario().isEmpty() ? "" : " in the " + escape(scaling.scenario()) + " scenario")
                    .append(": each strategy was run with ")
                    .append(escape(scaling.tasks().stream().map(String::valueOf).collect(Collectors.joining(", "))))
                    .append(" tasks. The slope is the exponent of a power law fitted in log-log space: about 0 ")
                    .append("is constant, 1 linear, 2 quadratic growth.</p>\n");
            scalingFigures.forEach(this::figure);
            if (!scaling.fits().isEmpty()) {
                b.append("<h3>Fitted slopes</h3>\n<table>\n<tr><th>strategy</th><th>quantity</th><th>slope</th>")
                        .append("<th>growth</th></tr>\n");
                for (Scaling.Fit f : scaling.fits()) {
                    b.append("<tr><td>").append(escape(f.strategy())).append("</td><td>").append(escape(f.quantity()))
                            .append("</td>");
                    cell(fixed(f.slope(), "%.2f"));
                    b.append("<td>").append(escape(f.growth())).append("</td></tr>\n");
                }
                b.append("</table>\n");
            }
            if (!scaling.measurements().isEmpty()) {
                b.append("<h3>Measurements</h3>\n<table>\n<tr><th>strategy</th><th>tasks</th><th>memory (MB)</th>")
                        .append("<th>training MACs</th><th>time (s)</th><th>ACC</th></tr>\n");
                for (Scaling.Measurement m : scaling.measurements()) {
                    b.append("<tr><td>").append(escape(m.strategy())).append("</td>");
                    cell(Integer.toString(m.tasks()));
                    cell(fixed(m.get("memory_bytes") / 1e6, "%.2f"));
                    cell(scientific(m.get("training_macs")));
                    cell(fixed(m.get("seconds"), "%.1f"));
                    cell(fixed(m.get("ACC"), "%.4f"));
                    b.append("</tr>\n");
                }
                b.append("</table>\n");
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
                b.append("<table class=\"config\">\n<tr><th>option</th><th>value</th></tr>\n");
                for (Map.Entry<String, JsonNode> e : part) {
                    JsonNode v = e.getValue();
                    b.append("<tr><td>").append(escape(e.getKey())).append("</td><td>")
                            .append(escape(v.isNull() ? "(default)" : v.isValueNode() ? v.asText() : v.toString()))
                            .append("</td></tr>\n");
                }
                b.append("</table>\n");
            }
            b.append("</div>\n");
        }

        private void figure(Figures.Figure f) {
            String id = "fig-" + f.file().replaceFirst("\\.png$", "");
            b.append("<figure id=\"").append(escape(id)).append("\"><img src=\"").append(dataUri(f.png()))
                    .append("\" width=\"").append(Figures.WIDTH).append("\" height=\"").append(Figures.HEIGHT)
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

    static String dataUri(byte[] png) {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    private static String stat(double mean, double std) {
        if (!Double.isFinite(mean)) {
            return "—";
        }
        return std > 0 ? String.format(Locale.ROOT, "%.4f ± %.4f", mean, std)
                : String.format(Locale.ROOT, "%.4f", mean);
    }

    private static String fixed(double v, String pattern) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, pattern, v) : "—";
    }

    /** 2.87e10 rather than 28700000000 or 2.87E+10. */
    private static String scientific(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.3g", v).replace("e+0", "e").replace("e+", "e")
                : "—";
    }

    private static String bytes(long n) {
        return String.format(Locale.ROOT, "%,d B", n);
    }
}
