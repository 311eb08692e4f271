package dev.rehearsal.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, each drawn with XChart into {@code figures/<name>.png} and returned with the text
 * that explains how to read it: the figure and its caption are written side by side so they stay in
 * agreement. All charts share one size, one set of fonts and one palette.
 */
final class Figures {
    static {
        Output.headless();
    }

    static final int WIDTH = 800;
    static final int HEIGHT = 500;

    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    private static final Font VALUES = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    /** Tableau 10: distinguishable, and still readable when printed in gray. */
    private static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F), new Color(0xE15759), new Color(0x76B7B2),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC),
    };
    /** Above this many tasks, per-cell values and one legend entry per task no longer fit. */
    private static final int MAX_LABELLED_TASKS = 10;
    private static final List<String> PHASES = List.of("solver_training", "generator_training", "generation",
            "evaluation");

    private Figures() {
    }

    /** A figure written to {@code figures/<file>}: its PNG bytes (embedded in the page) and its text. */
    record Figure(String file, String title, String alt, String caption, byte[] png) {
    }

    // ---- per strategy ------------------------------------------------------------------------------

    static Figure accuracyMatrix(Path dir, Results.Strategy s) {
        int t = s.tasks();
        List<String> labels = new ArrayList<>();
        String[][] text = new String[t][t];
        for (int i = 0; i < t; i++) {
            labels.add(Integer.toString(i + 1));
            for (int j = 0; j < t; j++) {
                double v = s.r()[i][j];
                text[i][j] = t <= MAX_LABELLED_TASKS && Double.isFinite(v) ? String.format(Locale.ROOT, "%.2f", v) : "";
            }
        }
        BufferedImage image = HeatMap.draw(WIDTH, HEIGHT, "Accuracy matrix R: " + s.figureLabel(), "test on task j",
                "after task i", labels, labels, s.r(), text, "test accuracy");
        return render(dir, "accuracy-matrix-" + fileName(s.name()), ImageGrid.png(image),
                "Accuracy matrix of " + s.figureLabel(),
                "Heat map of the accuracy matrix of " + s.figureLabel() + ": rows are after task i, columns test on task j",
                "Row i is the model right after training task i; column j is its test accuracy on task j. The "
                        + "diagonal shows how well each task was learned; reading down a column shows how much "
                        + "of that task survives later training (fading means forgetting). The upper triangle is "
                        + "accuracy on tasks not trained yet: chance level at best, and zero in class-incremental "
                        + "learning, where their classes have no output yet. ACC is the mean of the bottom row. "
                        + "Colours: the viridis scale of the bar, ticks every 0.1 (0.88 is green, 0.98 yellow).");
    }

    /**
     * The final solver's confusion matrix ({@code [true][predicted]} counts): each cell coloured by its
     * share of the row (the true class's test samples), its count written on it.
     */
    static Figure confusion(Path dir, String strategy, long seed, long[][] counts) {
        int n = counts.length;
        double[][] share = new double[n][];
        String[][] text = new String[n][];
        List<String> rows = new ArrayList<>();
        int cols = 0;
        for (int i = 0; i < n; i++) {
            long total = Arrays.stream(counts[i]).sum();
            share[i] = new double[counts[i].length];
            text[i] = new String[counts[i].length];
            cols = Math.max(cols, counts[i].length);
            for (int j = 0; j < counts[i].length; j++) {
                share[i][j] = total > 0 ? (double) counts[i][j] / total : Double.NaN;
                text[i][j] = Long.toString(counts[i][j]);
            }
            rows.add(Integer.toString(i));
        }
        List<String> columns = new ArrayList<>();
        for (int j = 0; j < cols; j++) {
            columns.add(Integer.toString(j));
        }
        BufferedImage image = HeatMap.draw(WIDTH, HEIGHT, "Confusion matrix of the final solver: " + strategy,
                "predicted class", "true class", columns, rows, share, text, "share of the true class");
        return render(dir, "confusion-" + fileName(strategy), ImageGrid.png(image),
                "Confusion matrix of " + strategy,
                "Heat map of the final solver's confusion matrix for " + strategy + ", true class by predicted class",
                "Test samples of every class (rows) by the class the final solver predicts (columns), seed " + seed
                        + ". The diagonal is what it gets right; a bright column off the diagonal is a class the "
                        + "solver predicts for everything (in class-incremental learning often the last task's). "
                        + "Colour: share of the row; numbers: counts.");
    }

    /**
     * The training loss of one model of a strategy ({@code model}: solver or generator) over the whole run:
     * one line per task, each point the mean over {@code window} steps, x counting steps from the first task.
     */
    static Figure loss(Path dir, String strategy, String model, long seed, List<double[]> perTask, int window) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Training loss of the " + model + ": " + strategy)
                .xAxisTitle("training step (all tasks)").yAxisTitle("mean loss per window").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisMin(0.0).setXAxisDecimalPattern("#,##0")
                .setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(4);
        chart.getStyler().setLegendVisible(perTask.size() <= MAX_LABELLED_TASKS);
        int step = Math.max(1, window);
        long offset = 0;
        for (int k = 0; k < perTask.size(); k++) {
            double[] y = perTask.get(k);
            if (y.length == 0) {
                continue;
            }
            double[] x = new double[y.length];
            double[] v = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                x[i] = offset + (long) (i + 1) * step;
                v[i] = finiteOrZero(y[i]);
            }
            offset += (long) y.length * step;
            XYSeries series = chart.addSeries("task " + (k + 1), x, v);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineColor(PALETTE[k % PALETTE.length]);
            series.setMarkerColor(PALETTE[k % PALETTE.length]);
        }
        return render(dir, "loss-" + model + "-" + fileName(strategy), chart,
                "Training loss of the " + model + ", " + strategy,
                "Line chart of the " + model + "'s training loss of " + strategy + ", one line per task",
                "Mean training loss of the " + model + " over windows of " + step + " steps, one colour per task, "
                        + "seed " + seed + (model.equals("solver")
                                ? " (current and replayed rows together, as weighted in training). A jump at the "
                                        + "start of a task is the new classes; a loss that keeps falling at the "
                                        + "end of a task means more steps would still help."
                                : " (reconstruction plus KL, per sample). The generator replays what it fits: a "
                                        + "loss that has not settled means blurrier replay."));
    }

    /**
     * The standard figure of continual learning: after each task, the mean test accuracy over the tasks
     * seen so far (row i of R averaged over its first i + 1 columns), all strategies on one plot.
     */
    static Figure averageAccuracy(Path dir, List<Results.Strategy> strategies) {
        int t = strategies.stream().mapToInt(Results.Strategy::tasks).max().orElse(0);
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Average accuracy over the tasks seen so far")
                .xAxisTitle("tasks trained").yAxisTitle("mean test accuracy, tasks 1..i").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisMin(0.8).setXAxisMax(t + 0.2)
                .setXAxisDecimalPattern("0").setYAxisDecimalPattern("0.0")
                .setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(7);
        int index = 0;
        for (Results.Strategy s : strategies) {
            double[] y = seenSoFar(s.r());
            if (y.length == 0) {
                continue;
            }
            double[] x = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                x[i] = i + 1;
            }
            XYSeries series = chart.addSeries(s.figureLabel(), x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineColor(PALETTE[index % PALETTE.length]);
            series.setMarkerColor(PALETTE[index++ % PALETTE.length]);
        }
        return render(dir, "average-accuracy", chart, "Average accuracy over the tasks seen so far",
                "Line chart of the mean accuracy over the tasks seen so far after each task, one line per strategy",
                "After training task i, the mean test accuracy over tasks 1 to i (mean over seeds); the last point "
                        + "is ACC. Fine-tuning falls towards 1/i in class-incremental learning; joint training is the "
                        + "upper bound; the gap between them is what replay recovers." + incomplete(strategies));
    }

    /** Row i of R averaged over its first i + 1 columns (NaN cells left out). */
    static double[] seenSoFar(double[][] r) {
        double[] out = new double[r.length];
        for (int i = 0; i < r.length; i++) {
            double sum = 0;
            int n = 0;
            for (int j = 0; j <= i; j++) {
                if (Double.isFinite(r[i][j])) {
                    sum += r[i][j];
                    n++;
                }
            }
            out[i] = n > 0 ? sum / n : 0;
        }
        return out;
    }

    static Figure accuracyOverTime(Path dir, Results.Strategy s) {
        int t = s.tasks();
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Accuracy of each task over time: " + s.figureLabel())
                .xAxisTitle("tasks trained").yAxisTitle("test accuracy").build();
        style(chart.getStyler());
        chart.getStyler().setYAxisMin(0.0).setYAxisMax(1.0).setXAxisMin(0.8).setXAxisMax(t + 0.2)
                .setXAxisDecimalPattern("0").setYAxisDecimalPattern("0.0")
                .setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendVisible(t <= MAX_LABELLED_TASKS).setMarkerSize(7);
        for (int j = 0; j < t; j++) {
            double[] x = new double[t - j];
            double[] y = new double[t - j];
            for (int i = j; i < t; i++) {
                x[i - j] = i + 1;
                y[i - j] = finiteOrZero(s.r()[i][j]);
            }
            XYSeries series = chart.addSeries("task " + (j + 1), x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
            series.setLineColor(PALETTE[j % PALETTE.length]);
            series.setMarkerColor(PALETTE[j % PALETTE.length]);
        }
        return render(dir, "accuracy-over-time-" + fileName(s.name()), chart,
                "Accuracy of each task over time, " + s.figureLabel(),
                "Line chart of the test accuracy of each task of " + s.figureLabel() + " as more tasks are trained",
                "One line per test task, starting when that task is trained. A flat line means the task is "
                        + "remembered; a falling line means later tasks overwrite it. The last point of each line "
                        + "is its final accuracy, and ACC is their mean"
                        + (t > MAX_LABELLED_TASKS ? "; colours repeat every " + PALETTE.length + " tasks." : "."));
    }

    // ---- all strategies side by side ---------------------------------------------------------------

    /**
     * ACC, BWT and, unless {@code fwtZero} (FWT is 0 by construction, as in class-incremental learning with
     * a growing head: the report says so once instead of drawing empty bars), FWT per strategy.
     */
    static Figure transferMetrics(Path dir, List<Results.Strategy> strategies, boolean fwtZero) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(fwtZero ? "Final accuracy and backward transfer per strategy"
                        : "Final accuracy and transfer per strategy").xAxisTitle("strategy").yAxisTitle("value").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisDecimalPattern("0.0");
        boolean spread = strategies.stream().anyMatch(s -> s.accStd() > 0 || s.bwtStd() > 0 || s.fwtStd() > 0);
        List<String> names = strategies.stream().map(Results.Strategy::figureLabel).toList();
        addBars(chart, "ACC", names, strategies, Results.Strategy::acc, spread ? Results.Strategy::accStd : null);
        addBars(chart, "BWT", names, strategies, Results.Strategy::bwt, spread ? Results.Strategy::bwtStd : null);
        if (!fwtZero) {
            addBars(chart, "FWT", names, strategies, Results.Strategy::fwt, spread ? Results.Strategy::fwtStd : null);
        }
        return render(dir, "metrics", chart, fwtZero ? "ACC and BWT per strategy" : "ACC, BWT and FWT per strategy",
                "Grouped bar chart of ACC, BWT" + (fwtZero ? "" : " and FWT") + " for " + String.join(", ", names),
                "ACC: mean test accuracy over all tasks after the last one (higher is better). BWT (backward "
                        + "transfer): mean change of accuracy on each earlier task between just after learning it "
                        + "and the end; negative values are forgetting."
                        + (fwtZero ? " FWT is not drawn: it is 0 by construction here (see the metrics table)."
                                : " FWT (forward transfer): accuracy on a task before training on it, minus the "
                                        + "untrained model's.")
                        + (spread ? " Error bars: one standard deviation over seeds." : "") + incomplete(strategies));
    }

    static Figure memory(Path dir, List<Results.Strategy> strategies) {
        Set<String> components = new LinkedHashSet<>();
        strategies.forEach(s -> components.addAll(s.memory().keySet()));
        Map<String, double[]> stacks = new LinkedHashMap<>();
        for (String c : components) {
            stacks.put(c, strategies.stream().mapToDouble(s -> s.memory().getOrDefault(c, 0L) / 1e6).toArray());
        }
        CategoryChart chart = stacked("Memory per strategy (exact bytes)", "memory (MB)", strategies, stacks);
        return render(dir, "memory", chart, "Memory per strategy",
                "Stacked bar chart of the exact memory of each strategy by component, in MB",
                "Exact bytes each strategy allocated, stacked by component: solver (parameters, gradients, "
                        + "optimiser state and activations), batch buffers, the replay buffer (er), the generator "
                        + "and the frozen previous models (gr), and the generated pool when gr generates ahead. "
                        + "The dataset is shared by all strategies and not counted. 1 MB = 10^6 bytes."
                        + incomplete(strategies));
    }

    static Figure time(Path dir, List<Results.Strategy> strategies) {
        Map<String, double[]> stacks = new LinkedHashMap<>();
        for (String p : PHASES) {
            stacks.put(p.replace('_', ' '), strategies.stream()
                    .mapToDouble(s -> finiteOrZero(s.times().getOrDefault(p, 0.0))).toArray());
        }
        // Wall time outside the four phases (data preparation, bookkeeping), so a bar adds up to the table's time.
        double[] other = strategies.stream().mapToDouble(s -> {
            double phases = PHASES.stream().mapToDouble(p -> finiteOrZero(s.times().getOrDefault(p, 0.0))).sum();
            return Math.max(0, finiteOrZero(s.times().getOrDefault("total", 0.0)) - phases);
        }).toArray();
        boolean hasOther = Arrays.stream(other).anyMatch(v -> v > 0);
        if (hasOther) {
            stacks.put("other", other);
        }
        CategoryChart chart = stacked("Time per phase and strategy", "wall time (s)", strategies, stacks);
        return render(dir, "time", chart, "Time per phase",
                "Stacked bar chart of the wall time of each strategy by phase, in seconds",
                "Wall time per phase, mean over seeds: solver training; generator training (gr's VAE); "
                        + "generation (drawing replay samples and labelling them with the previous model); "
                        + "evaluation (the test passes that fill the accuracy matrix)"
                        + (hasOther ? "; other is the rest of the wall time (data preparation, bookkeeping)."
                                : ".") + incomplete(strategies));
    }

    // ---- scaling -----------------------------------------------------------------------------------

    /**
     * ACC against the number of tasks, then one chart per cost that has at least one positive measurement (log
     * axes cannot show zero).
     */
    static List<Figure> scaling(Path dir, Scaling scaling) {
        List<Figure> out = new ArrayList<>();
        if (scaling.measurements().stream().anyMatch(m -> Double.isFinite(m.get("acc")))) {
            out.add(scalingAccuracy(dir, scaling));
        }
        for (String q : Scaling.QUANTITIES) {
            if (scaling.measurements().stream().anyMatch(m -> m.get(q) > 0)) {
                out.add(scalingChart(dir, scaling, q));
            }
        }
        return out;
    }

    private static Figure scalingChart(Path dir, Scaling scaling, String quantity) {
        // Units that keep log-axis tick labels short: they are printed in full.
        String name;
        String label;
        double unit;
        switch (quantity) {
            case "memory_bytes" -> {
                name = "memory";
                label = "memory (MB)";
                unit = 1e6;
            }
            case "replay_memory_bytes" -> {
                name = "replay memory";
                label = "replay memory (MB)";
                unit = 1e6;
            }
            case "training_macs" -> {
                name = "training compute";
                label = "training MACs (10^9)";
                unit = 1e9;
            }
            case "evaluation_macs" -> {
                name = "evaluation compute";
                label = "evaluation MACs (10^9)";
                unit = 1e9;
            }
            case "seconds" -> {
                name = "wall time";
                label = "wall time (s)";
                unit = 1;
            }
            default -> {
                name = quantity;
                label = quantity;
                unit = 1;
            }
        }
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Scaling of " + name + " with the number of tasks")
                .xAxisTitle("tasks (log scale)").yAxisTitle(label + ", log scale").build();
        style(chart.getStyler());
        // x: XChart's log axis labels 2, 3, .., 9, 10, 20, ..: fine across. y: those labels collide near each
        // decade's top, so y holds log10 values on a linear axis, labelled with the value they stand for.
        chart.getStyler().setXAxisLogarithmic(true).setXAxisLogarithmicDecadeOnly(false)
                .setyAxisTickLabelsFormattingFunction(Figures::powerOfTen)
                .setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal).setMarkerSize(8);
        double lowest = Double.POSITIVE_INFINITY;
        double highest = Double.NEGATIVE_INFINITY;
        int index = 0;
        for (String strategy : scaling.strategies()) {
            Color color = PALETTE[index++ % PALETTE.length];
            List<double[]> points = new ArrayList<>();
            for (Scaling.Measurement m : scaling.measurements()) {
                if (m.strategy().equals(strategy) && m.tasks() > 0 && m.get(quantity) > 0) {
                    points.add(new double[] {m.tasks(), m.get(quantity) / unit});
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = points.stream().mapToDouble(p -> Math.log10(p[1])).toArray();
            Scaling.Fit fit = scaling.fit(strategy, quantity);
            boolean drawFit = fit != null && Double.isFinite(fit.slope()) && x.length > 1;
            for (double v : y) {
                lowest = Math.min(lowest, v);
                highest = Math.max(highest, v);
            }
            XYSeries measured = chart.addSeries(drawFit ? strategy + " (measured)" : strategy, x, y);
            measured.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            measured.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(color);
            measured.setShowInLegend(!drawFit);
            if (drawFit) {
                XYSeries line = chart.addSeries(fitLabel(strategy, fit), new double[] {x[0], x[x.length - 1]},
                        fittedLine(x, y, fit.slope()));
                line.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
                line.setMarker(SeriesMarkers.NONE).setLineColor(color);
                line.setLineStyle(new BasicStroke(2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
                        new float[] {8f, 5f}, 0f));
            }
        }
        if (highest - lowest < 0.5) {
            // At least half a decade: finer steps would round to duplicate two-digit labels.
            double middle = (highest + lowest) / 2;
            chart.getStyler().setYAxisMin(middle - 0.25).setYAxisMax(middle + 0.25);
        }
        return render(dir, "scaling-" + fileName(quantity), chart, "Scaling of " + name,
                "Log-log chart of " + label + " against the number of tasks, with one fitted line per strategy",
                "Each point is one run with that many tasks. Both axes are logarithmic, so a power law "
                        + "y ~ tasks^slope is a straight line whose slope is the exponent: 0 constant, 1 linear, "
                        + "2 quadratic. Dashed lines have the fitted slope from scale.json (shown in the legend) "
                        + "and pass through the middle of the points (the least-squares line in log-log space).");
    }

    /**
     * Final ACC against the number of tasks (log x axis, linear y axis): one line per strategy through its means,
     * with error bars of one standard error of the mean where it ran more than one seed.
     */
    private static Figure scalingAccuracy(Path dir, Scaling scaling) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
                .title("Final ACC against the number of tasks")
                .xAxisTitle("tasks (log scale)").yAxisTitle("final ACC (mean over seeds)").build();
        style(chart.getStyler());
        chart.getStyler().setXAxisLogarithmic(true).setXAxisLogarithmicDecadeOnly(false)
                .setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal).setMarkerSize(8);
        chart.getStyler().setErrorBarsColorSeriesColor(true).setYAxisMax(1.0);
        int index = 0;
        boolean anySem = false;
        for (String strategy : scaling.strategies()) {
            Color color = PALETTE[index++ % PALETTE.length];
            List<double[]> points = new ArrayList<>();
            for (Scaling.Measurement m : scaling.measurements()) {
                if (m.strategy().equals(strategy) && m.tasks() > 0 && Double.isFinite(m.get("acc"))) {
                    double sem = m.get("acc_sem");
                    anySem |= Double.isFinite(sem);
                    points.add(new double[] {m.tasks(), m.get("acc"), Double.isFinite(sem) ? sem : 0});
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            XYSeries series = chart.addSeries(strategy, points.stream().mapToDouble(p -> p[0]).toArray(),
                    points.stream().mapToDouble(p -> p[1]).toArray(), points.stream().mapToDouble(p -> p[2])
                            .toArray());
            series.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
            series.setMarker(SeriesMarkers.CIRCLE).setMarkerColor(color).setLineColor(color);
        }
        return render(dir, "scaling-acc", chart, "Final ACC against the number of tasks",
                "Line chart of final ACC against the number of tasks, one line per strategy",
                "Final ACC (average accuracy over all tasks after the last one) of each strategy at each number of "
                        + "tasks, mean over seeds" + (anySem ? "; error bars: one standard error of the mean" : "")
                        + ". The x axis is logarithmic. A line that stays flat holds its accuracy as tasks are added.");
    }

    static String fitLabel(String strategy, Scaling.Fit fit) {
        return String.format(Locale.ROOT, "%s: slope %.2f%s", strategy, fit.slope(),
                fit.growth().isEmpty() ? "" : " (" + fit.growth() + ")");
    }

    /**
     * log10 of the fitted power law at the ends of the measured range, from {@code log10y} of the points:
     * the given slope through the points' mean in log-log space, which is where a least-squares line
     * passes. The intercept in scale.json is not used because its logarithm base is not part of the
     * schema; the slope does not depend on it.
     */
    static double[] fittedLine(double[] x, double[] log10y, double slope) {
        double offset = 0;
        for (int i = 0; i < x.length; i++) {
            offset += (log10y[i] - slope * Math.log10(x[i])) / x.length;
        }
        return new double[] {offset + slope * Math.log10(x[0]), offset + slope * Math.log10(x[x.length - 1])};
    }

    /** Tick label of a log10 value: 10^v with two significant digits (0.5 gives 3.2, 1.3 gives 20). */
    static String powerOfTen(double log10) {
        double v = Math.pow(10, log10);
        if (v >= 1e6 || v < 1e-3) {
            return String.format(Locale.ROOT, "%.1e", v);
        }
        return new BigDecimal(v).round(new MathContext(2)).stripTrailingZeros().toPlainString();
    }

    // ---- shared helpers ----------------------------------------------------------------------------

    /**
     * The caption's sentence on the strategies marked incomplete (drawn after the complete ones), or "": their
     * figures cover fewer tasks or seeds, so they are not comparable with the others.
     */
    static String incomplete(List<Results.Strategy> strategies) {
        List<String> marked = strategies.stream().filter(s -> !s.completion().complete()).map(Results.Strategy::label)
                .toList();
        return marked.isEmpty() ? "" : " Incomplete, drawn after the others and not comparable with them (fewer tasks "
                + "or seeds): " + String.join("; ", marked) + ".";
    }

    private static void addBars(CategoryChart chart, String metric, List<String> names,
            List<Results.Strategy> strategies, ToDoubleFunction<Results.Strategy> mean,
            ToDoubleFunction<Results.Strategy> std) {
        List<Double> values = strategies.stream().map(s -> finiteOrZero(mean.applyAsDouble(s))).toList();
        if (std == null) {
            chart.addSeries(metric, names, values);
        } else {
            chart.addSeries(metric, names, values,
                    strategies.stream().map(s -> finiteOrZero(std.applyAsDouble(s))).toList());
        }
    }

    private static CategoryChart stacked(String title, String yTitle, List<Results.Strategy> strategies,
            Map<String, double[]> stacks) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
                .title(title).xAxisTitle("strategy").yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        chart.getStyler().setYAxisMin(0.0);
        List<String> names = strategies.stream().map(Results.Strategy::figureLabel).toList();
        for (Map.Entry<String, double[]> e : stacks.entrySet()) {
            chart.addSeries(e.getKey(), names, Arrays.stream(e.getValue()).boxed().toList());
        }
        return chart;
    }

    /** One point of a frontier chart: mean ACC (and its std over seeds) at x. */
    record FrontierPoint(String series, double x, double acc, double std) {
    }

    /**
     * ACC against a cost on a log axis ({@code xTitle}, values in {@code unit}): one marker series per
     * strategy (error bars: std over seeds), the Pareto front as a line, published results as crosses.
     */
    static Figure frontier(Path dir, String name, String title, String xTitle, double unit,
            List<FrontierPoint> measured, List<FrontierPoint> front, List<FrontierPoint> published, String caption) {
        // Wider and taller than the other charts: a legend of a dozen names beside the plot.
        XYChart chart = new XYChartBuilder().width(1200).height(700).title(title)
                .xAxisTitle(xTitle + " (log scale)").yAxisTitle("ACC").build();
        style(chart.getStyler());
        // Decade ticks when the points span more than a decade or so, else XChart's 2, 3, .. 9 (which would
        // collide over several decades, and leave no tick at all within one).
        double lo = measured.stream().mapToDouble(FrontierPoint::x).filter(v -> v > 0).min().orElse(1);
        double hi = measured.stream().mapToDouble(FrontierPoint::x).max().orElse(1);
        chart.getStyler().setXAxisLogarithmic(true).setXAxisLogarithmicDecadeOnly(hi / lo > 20)
                .setLegendPosition(Styler.LegendPosition.OutsideE).setMarkerSize(8);
        Map<String, List<FrontierPoint>> bySeries = new LinkedHashMap<>();
        measured.forEach(p -> bySeries.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p));
        int index = 0;
        for (Map.Entry<String, List<FrontierPoint>> e : bySeries.entrySet()) {
            List<FrontierPoint> pts = new ArrayList<>(e.getValue());
            pts.sort((a, b) -> Double.compare(a.x(), b.x()));
            XYSeries s = chart.addSeries(e.getKey(), pts.stream().mapToDouble(p -> p.x() / unit).toArray(),
                    pts.stream().mapToDouble(FrontierPoint::acc).toArray(),
                    pts.stream().mapToDouble(p -> finiteOrZero(p.std())).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line).setMarker(SeriesMarkers.CIRCLE);
            s.setLineStyle(new BasicStroke(1f));
            s.setLineColor(PALETTE[index % PALETTE.length]);
            s.setMarkerColor(PALETTE[index++ % PALETTE.length]);
        }
        if (front.size() > 0) {
            List<FrontierPoint> pts = new ArrayList<>(front);
            pts.sort((a, b) -> Double.compare(a.x(), b.x()));
            XYSeries s = chart.addSeries("Pareto front", pts.stream().mapToDouble(p -> p.x() / unit).toArray(),
                    pts.stream().mapToDouble(FrontierPoint::acc).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step).setMarker(SeriesMarkers.NONE);
            s.setLineColor(Color.BLACK);
            s.setLineStyle(new BasicStroke(2.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f,
                    new float[] {6f, 4f}, 0f));
        }
        for (FrontierPoint p : published) {
            XYSeries s = chart.addSeries(p.series(), new double[] {p.x() / unit}, new double[] {p.acc()});
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter).setMarker(SeriesMarkers.CROSS);
            s.setMarkerColor(Color.DARK_GRAY);
        }
        return render(dir, name, chart, title, "Chart of ACC against " + xTitle + " on a log scale, one line per "
                + "strategy, the Pareto front dashed and published results as crosses", caption);
    }

    private static void style(AxesChartStyler s) {
        s.setChartBackgroundColor(Color.WHITE).setPlotBackgroundColor(Color.WHITE).setPlotBorderVisible(false)
                .setChartTitleFont(TITLE).setLegendFont(LEGEND).setLegendBorderColor(Color.WHITE)
                .setSeriesColors(PALETTE).setChartPadding(12).setAntiAlias(true);
        s.setChartTitleBoxVisible(false);
        s.setAxisTitleFont(AXIS_TITLE).setAxisTickLabelsFont(TICKS).setAxisTitlePadding(8)
                .setPlotGridLinesColor(new Color(0xE0E0E0)).setPlotGridLinesStroke(new BasicStroke(1f))
                .setLocale(Locale.ROOT);
    }

    private static Figure render(Path dir, String name, Chart<?, ?> chart, String title, String alt,
            String caption) {
        byte[] png;
        try {
            png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new IllegalStateException("PNG encoding in memory failed for figure " + name, e);
        }
        return render(dir, name, png, title, alt, caption);
    }

    private static Figure render(Path dir, String name, byte[] png, String title, String alt, String caption) {
        String file = name + ".png";
        Output.write(dir.resolve(file), png);
        return new Figure(file, title, alt, caption, png);
    }

    /** Strategy and quantity names in file names: letters, digits, '-' and '_' only. */
    static String fileName(String name) {
        String safe = name.replaceAll("[^A-Za-z0-9_-]", "_");
        return safe.isEmpty() ? "_" : safe;
    }

    private static double finiteOrZero(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
