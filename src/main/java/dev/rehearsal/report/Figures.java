package dev.rehearsal.report;

import java.awt.Color;
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

/**
 * The report's charts, each drawn ({@link Plot}, {@link HeatMap}) into {@code figures/<name>.png} and returned
 * with the text that explains how to read it: the figure and its caption are written side by side so they stay
 * in agreement. All charts are {@link #WIDTH} pixels wide and share one set of fonts and one palette; a chart
 * is taller than {@link #HEIGHT} only when its legend goes below the plot or its bars need more rows.
 */
final class Figures {
    static {
        Output.headless();
    }

    static final int WIDTH = 800;
    static final int HEIGHT = 500;

    /** Above this many tasks, per-cell values and one legend entry per task no longer fit. */
    private static final int MAX_LABELLED_TASKS = 10;
    private static final List<String> PHASES = List.of("solver_training", "generator_training", "generation",
            "evaluation");

    private Figures() {
    }

    /** Every kind of figure the report draws (the readability check draws each one). */
    enum Kind {
        ACCURACY_MATRIX, CONFUSION, LOSS, AVERAGE_ACCURACY, ACCURACY_OVER_TIME, TRANSFER, MEMORY, TIME, SCALING,
        FRONTIER
    }

    /**
     * A figure written to {@code figures/<file>}: its kind, its PNG bytes (embedded in the page), its text, and
     * its layout as drawn (size, every label's box, the legend).
     */
    record Figure(Kind kind, String file, String title, String alt, String caption, byte[] png, Canvas.Layout layout) {
        int width() {
            return layout.width();
        }

        int height() {
            return layout.height();
        }
    }

    /** "1 step", "3 steps": a count and its noun, plural unless it is one. */
    static String count(long n, String noun) {
        return n + " " + (n == 1 ? noun : noun + "s");
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
        Plot.Drawn image = HeatMap.draw(WIDTH, HEIGHT, "Accuracy matrix R: " + s.figureLabel(), "test on task j",
                "after task i", labels, labels, s.r(), text, "test accuracy");
        return render(dir, "accuracy-matrix-" + fileName(s.name()), Kind.ACCURACY_MATRIX, image,
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
        Plot.Drawn image = HeatMap.draw(WIDTH, HEIGHT, "Confusion matrix of the final solver: " + strategy,
                "predicted class", "true class", columns, rows, share, text, "share of the true class");
        return render(dir, "confusion-" + fileName(strategy), Kind.CONFUSION, image,
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
        Plot.XY chart = new Plot.XY("Training loss of the " + model + ": " + strategy, "training step (all tasks)",
                "mean loss per window");
        boolean legend = perTask.size() <= MAX_LABELLED_TASKS;
        int step = Math.max(1, window);
        long offset = 0;
        for (int k = 0; k < perTask.size(); k++) {
            double[] y = perTask.get(k);
            if (y.length == 0) {
                continue;
            }
            double[] x = new double[y.length];
            for (int i = 0; i < y.length; i++) {
                x[i] = offset + (long) (i + 1) * step;
            }
            offset += (long) y.length * step;
            Plot.Look look = Plot.look(k, Plot.Line.SOLID);
            chart.add(new Plot.Series("task " + (k + 1), x, y, null, new Plot.Look(look.color(), Plot.Marker.NONE,
                    Plot.Line.SOLID), legend));
        }
        chart.xRange(0, Math.max(offset, 1));
        return render(dir, "loss-" + model + "-" + fileName(strategy), Kind.LOSS, chart.draw(WIDTH),
                "Training loss of the " + model + ", " + strategy,
                "Line chart of the " + model + "'s training loss of " + strategy + ", one line per task",
                "Training loss of the " + model + (step == 1 ? " at every step" : ", mean over windows of "
                        + count(step, "step")) + ", one colour per task" + (legend ? "" : " (colours repeat every "
                        + count(Plot.PALETTE.length, "task") + ")") + ", seed " + seed + (model.equals("solver")
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
        Plot.XY chart = new Plot.XY("Average accuracy over the tasks seen so far", "tasks trained",
                "mean test accuracy, tasks 1..i").integerX().xRange(0.8, Math.max(t, 1) + 0.2).yRange(0, 1);
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
            chart.add(s.figureLabel(), x, y, Plot.look(index++, Plot.Line.SOLID));
        }
        return render(dir, "average-accuracy", Kind.AVERAGE_ACCURACY, chart.draw(WIDTH),
                "Average accuracy over the tasks seen so far",
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
        Plot.XY chart = new Plot.XY("Accuracy of each task over time: " + s.figureLabel(), "tasks trained",
                "test accuracy").integerX().xRange(0.8, Math.max(t, 1) + 0.2).yRange(0, 1);
        boolean legend = t <= MAX_LABELLED_TASKS;
        for (int j = 0; j < t; j++) {
            double[] x = new double[t - j];
            double[] y = new double[t - j];
            for (int i = j; i < t; i++) {
                x[i - j] = i + 1;
                y[i - j] = s.r()[i][j];
            }
            chart.add(new Plot.Series("task " + (j + 1), x, y, null, Plot.look(j, Plot.Line.SOLID), legend));
        }
        return render(dir, "accuracy-over-time-" + fileName(s.name()), Kind.ACCURACY_OVER_TIME, chart.draw(WIDTH),
                "Accuracy of each task over time, " + s.figureLabel(),
                "Line chart of the test accuracy of each task of " + s.figureLabel() + " as more tasks are trained",
                "One line per test task, starting when that task is trained. A flat line means the task is "
                        + "remembered; a falling line means later tasks overwrite it. The last point of each line "
                        + "is its final accuracy, and ACC is their mean"
                        + (legend ? "." : "; colours repeat every " + count(Plot.PALETTE.length, "task")
                                + ", with another marker."));
    }

    // ---- all strategies side by side ---------------------------------------------------------------

    /**
     * ACC, BWT and, unless {@code fwtZero} (FWT is 0 by construction, as in class-incremental learning with
     * a growing head: the report says so once instead of drawing empty bars), FWT per strategy.
     */
    static Figure transferMetrics(Path dir, List<Results.Strategy> strategies, boolean fwtZero) {
        List<String> names = strategies.stream().map(Results.Strategy::figureLabel).toList();
        Plot.Bars chart = new Plot.Bars(fwtZero ? "Final accuracy and backward transfer per strategy"
                : "Final accuracy and transfer per strategy", "value", names);
        boolean spread = strategies.stream().anyMatch(s -> s.accStd() > 0 || s.bwtStd() > 0 || s.fwtStd() > 0);
        addBars(chart, "ACC", strategies, Results.Strategy::acc, spread ? Results.Strategy::accStd : null);
        addBars(chart, "BWT", strategies, Results.Strategy::bwt, spread ? Results.Strategy::bwtStd : null);
        if (!fwtZero) {
            addBars(chart, "FWT", strategies, Results.Strategy::fwt, spread ? Results.Strategy::fwtStd : null);
        }
        return render(dir, "metrics", Kind.TRANSFER, chart.draw(WIDTH),
                fwtZero ? "ACC and BWT per strategy" : "ACC, BWT and FWT per strategy",
                "Bar chart of ACC, BWT" + (fwtZero ? "" : " and FWT") + " for " + String.join(", ", names),
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
        Plot.Bars chart = new Plot.Bars("Memory per strategy (exact bytes)", "memory (MB)",
                strategies.stream().map(Results.Strategy::figureLabel).toList()).stacked();
        Map<String, double[]> stacks = new LinkedHashMap<>();
        for (String c : components) {
            double[] mb = strategies.stream().mapToDouble(s -> s.memory().getOrDefault(c, 0L) / 1e6).toArray();
            if (Arrays.stream(mb).anyMatch(v -> v > 0)) {
                chart.add(c, mb, null);
                stacks.put(c, mb);
            }
        }
        Plot.Drawn drawn = chart.draw(WIDTH);
        return render(dir, "memory", Kind.MEMORY, drawn, "Memory per strategy",
                "Stacked bar chart of the exact memory of each strategy by component, in MB",
                "Exact bytes each strategy allocated, stacked by component: solver (parameters, gradients, "
                        + "optimiser state and activations), batch buffers, the replay buffer (er), the generator "
                        + "and the frozen previous models (gr), and the generated pool when gr generates ahead. "
                        + "The dataset is shared by all strategies and not counted. 1 MB = 10^6 bytes."
                        + tooSmall(drawn, stacks, "MB") + incomplete(strategies));
    }

    static Figure time(Path dir, List<Results.Strategy> strategies) {
        Plot.Bars chart = new Plot.Bars("Time per phase and strategy", "wall time (s)",
                strategies.stream().map(Results.Strategy::figureLabel).toList()).stacked();
        Map<String, double[]> stacks = new LinkedHashMap<>();
        for (String p : PHASES) {
            // Every phase is added, so each keeps its colour from report to report; one no strategy spent time
            // in draws nothing and has no legend entry.
            double[] seconds = strategies.stream().mapToDouble(s -> finiteOrZero(s.times().getOrDefault(p, 0.0)))
                    .toArray();
            chart.add(p.replace('_', ' '), seconds, null);
            stacks.put(p.replace('_', ' '), seconds);
        }
        // Wall time outside the four phases (data preparation, bookkeeping), so a bar adds up to the table's time.
        double[] other = strategies.stream().mapToDouble(s -> {
            double phases = PHASES.stream().mapToDouble(p -> finiteOrZero(s.times().getOrDefault(p, 0.0))).sum();
            return Math.max(0, finiteOrZero(s.times().getOrDefault("total", 0.0)) - phases);
        }).toArray();
        boolean hasOther = Arrays.stream(other).anyMatch(v -> v > 0);
        if (hasOther) {
            chart.add("other", other, null);
            stacks.put("other", other);
        }
        Plot.Drawn drawn = chart.draw(WIDTH);
        return render(dir, "time", Kind.TIME, drawn, "Time per phase",
                "Stacked bar chart of the wall time of each strategy by phase, in seconds",
                "Wall time per phase, mean over seeds: solver training; generator training (gr's VAE); "
                        + "generation (drawing replay samples and labelling them with the previous model); "
                        + "evaluation (the test passes that fill the accuracy matrix)"
                        + (hasOther ? "; other is the rest of the wall time (data preparation, bookkeeping)."
                                : ".") + " A phase no strategy spent time in is left out." + tooSmall(drawn, stacks, "s")
                        + incomplete(strategies));
    }

    /**
     * The caption's sentence on the stacked components a drawing left no visible mark of although they are not
     * zero (narrower than a pixel in every bar, so out of the legend too), with their largest value; "" when
     * every one shows.
     */
    private static String tooSmall(Plot.Drawn drawn, Map<String, double[]> stacks, String unit) {
        List<String> hidden = Plot.Bars.hidden(drawn, stacks.keySet().stream()
                .filter(k -> Arrays.stream(stacks.get(k)).anyMatch(v -> v > 0)).toList());
        return hidden.isEmpty() ? "" : " Too small to see at this scale (so not in the legend): " + String.join("; ",
                hidden.stream().map(h -> String.format(Locale.ROOT, "%s, at most %.3g %s", h,
                        Arrays.stream(stacks.get(h)).max().orElse(0), unit)).toList()) + ".";
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
        Plot.XY chart = new Plot.XY("Scaling of " + name + " with the number of tasks", "tasks (log scale)",
                label + ", log scale").logX().logY();
        int index = 0;
        for (String strategy : scaling.strategies()) {
            Plot.Look look = Plot.look(index++, Plot.Line.NONE);
            List<double[]> points = new ArrayList<>();
            for (Scaling.Measurement m : scaling.measurements()) {
                if (m.strategy().equals(strategy) && m.tasks() > 0 && m.get(quantity) > 0) {
                    points.add(new double[] {m.tasks(), m.get(quantity) / unit});
                }
            }
            if (points.isEmpty()) {
                continue;
            }
            points.sort((p, q) -> Double.compare(p[0], q[0]));
            double[] x = points.stream().mapToDouble(p -> p[0]).toArray();
            double[] y = points.stream().mapToDouble(p -> p[1]).toArray();
            Scaling.Fit fit = scaling.fit(strategy, quantity);
            boolean drawFit = fit != null && Double.isFinite(fit.slope()) && x.length > 1;
            chart.add(new Plot.Series(drawFit ? strategy + " (measured)" : strategy, x, y, null, look, !drawFit));
            if (drawFit) {
                double[] ends = fittedLine(x, Arrays.stream(y).map(Math::log10).toArray(), fit.slope());
                chart.add(new Plot.Series(fitLabel(strategy, fit), new double[] {x[0], x[x.length - 1]},
                        new double[] {Math.pow(10, ends[0]), Math.pow(10, ends[1])}, null,
                        new Plot.Look(look.color(), Plot.Marker.NONE, Plot.Line.DASHED), true));
            }
        }
        return render(dir, "scaling-" + fileName(quantity), Kind.SCALING, chart.draw(WIDTH), "Scaling of " + name,
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
        Plot.XY chart = new Plot.XY("Final ACC against the number of tasks", "tasks (log scale)",
                "final ACC (mean over seeds)").logX().yRange(0, 1);
        int index = 0;
        boolean anySem = false;
        for (String strategy : scaling.strategies()) {
            List<double[]> points = new ArrayList<>();
            for (Scaling.Measurement m : scaling.measurements()) {
                if (m.strategy().equals(strategy) && m.tasks() > 0 && Double.isFinite(m.get("acc"))) {
                    double sem = m.get("acc_sem");
                    anySem |= Double.isFinite(sem);
                    points.add(new double[] {m.tasks(), m.get("acc"), Double.isFinite(sem) ? sem : Double.NaN});
                }
            }
            Plot.Look look = Plot.look(index++, Plot.Line.SOLID);
            if (points.isEmpty()) {
                continue;
            }
            points.sort((a, b) -> Double.compare(a[0], b[0]));
            chart.add(new Plot.Series(strategy, points.stream().mapToDouble(p -> p[0]).toArray(),
                    points.stream().mapToDouble(p -> p[1]).toArray(), points.stream().mapToDouble(p -> p[2])
                            .toArray(), look, true));
        }
        return render(dir, "scaling-acc", Kind.SCALING, chart.draw(WIDTH), "Final ACC against the number of tasks",
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

    private static void addBars(Plot.Bars chart, String metric, List<Results.Strategy> strategies,
            ToDoubleFunction<Results.Strategy> mean, ToDoubleFunction<Results.Strategy> std) {
        chart.add(metric, strategies.stream().mapToDouble(mean).toArray(),
                std == null ? null : strategies.stream().mapToDouble(std).toArray());
    }

    /** One point of a frontier chart: mean ACC (and its std over seeds, NaN for one seed) at x. */
    record FrontierPoint(String series, double x, double acc, double std) {
    }

    /** The markers of published reference points: none of them is a measured series' marker. */
    private static final Plot.Marker[] PUBLISHED = {Plot.Marker.CROSS, Plot.Marker.PLUS, Plot.Marker.TRIANGLE_DOWN,
        Plot.Marker.DIAMOND, Plot.Marker.SQUARE};

    /**
     * ACC against a cost on a log axis ({@code xTitle}, values in {@code unit}): one line of markers per
     * strategy (error bars: std over seeds, where there are several), the Pareto front as a dashed staircase
     * with its points ringed (so a front of one point is seen too), and published results in dark gray, each
     * with a marker of its own.
     */
    static Figure frontier(Path dir, String name, String title, String xTitle, double unit,
            List<FrontierPoint> measured, List<FrontierPoint> front, List<FrontierPoint> published, String caption) {
        Plot.XY chart = new Plot.XY(title, xTitle + " (log scale)", "ACC").logX();
        Map<String, List<FrontierPoint>> bySeries = new LinkedHashMap<>();
        measured.forEach(p -> bySeries.computeIfAbsent(p.series(), k -> new ArrayList<>()).add(p));
        int index = 0;
        for (Map.Entry<String, List<FrontierPoint>> e : bySeries.entrySet()) {
            List<FrontierPoint> pts = new ArrayList<>(e.getValue());
            pts.sort((a, b) -> Double.compare(a.x(), b.x()));
            chart.add(new Plot.Series(e.getKey(), pts.stream().mapToDouble(p -> p.x() / unit).toArray(),
                    pts.stream().mapToDouble(FrontierPoint::acc).toArray(),
                    pts.stream().mapToDouble(FrontierPoint::std).toArray(), Plot.look(index++, Plot.Line.SOLID), true));
        }
        if (!front.isEmpty()) {
            List<FrontierPoint> pts = new ArrayList<>(front);
            pts.sort((a, b) -> Double.compare(a.x(), b.x()));
            chart.add(new Plot.Series("Pareto front", pts.stream().mapToDouble(p -> p.x() / unit).toArray(),
                    pts.stream().mapToDouble(FrontierPoint::acc).toArray(), null,
                    new Plot.Look(Color.BLACK, Plot.Marker.RING, Plot.Line.STEPS), true));
        }
        for (int i = 0; i < published.size(); i++) {
            FrontierPoint p = published.get(i);
            chart.add(new Plot.Series(p.series(), new double[] {p.x() / unit}, new double[] {p.acc()}, null,
                    new Plot.Look(new Color(0x333333), PUBLISHED[i % PUBLISHED.length], Plot.Line.NONE), true));
        }
        return render(dir, name, Kind.FRONTIER, chart.draw(WIDTH), title, "Chart of ACC against " + xTitle
                + " on a log scale, one line per strategy, the Pareto front dashed"
                + (published.isEmpty() ? "" : " and published results in gray"), caption);
    }

    private static Figure render(Path dir, String name, Kind kind, Plot.Drawn drawn, String title, String alt,
            String caption) {
        String file = name + ".png";
        byte[] png = ImageGrid.png(drawn.image());
        Output.write(dir.resolve(file), png);
        return new Figure(kind, file, title, alt, caption, png, drawn.layout());
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
