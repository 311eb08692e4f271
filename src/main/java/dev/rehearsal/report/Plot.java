package dev.rehearsal.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The report's charts, drawn with Java2D on a {@link Canvas}: line and scatter charts on linear or logarithmic
 * axes ({@link XY}) and horizontal bar charts, grouped or stacked ({@link Bars}), whose categories are written
 * out in full (wrapped) beside their bars, however long they are. Everything is laid out before it is drawn:
 * tick labels are the densest round values that keep a gap between neighbours ({@link Ticks}), titles and long
 * names wrap instead of running off the image, the legend goes beside the plot when its entries are short and
 * below it otherwise, and the image grows to hold it. The plot area has one size in every line chart, and a bar
 * chart grows by one row per category.
 */
final class Plot {
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    static final Font AXIS_TITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    /** Tableau 10: distinguishable, and still readable when printed in gray. */
    static final Color[] PALETTE = {
        new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F), new Color(0xE15759), new Color(0x76B7B2),
        new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC),
    };
    /** The least distance between neighbouring labels, in pixels (more than half an em of the tick font). */
    static final double GAP = 8;
    /** The least distance between neighbouring ticks across and down, in pixels: fewer, roomier ticks read faster. */
    static final double X_SPACING = 56;
    static final double Y_SPACING = 30;
    /** Height of the plot area of every line chart. */
    static final int PLOT_HEIGHT = 340;
    private static final int PAD = 12;
    private static final int TICK = 5;
    private static final int KEY_WIDTH = 28;
    private static final Color AXIS = new Color(0x888888);
    private static final Color GRID = new Color(0xE3E3E3);
    private static final Color MINOR_GRID = new Color(0xF2F2F2);
    private static final Color TEXT = new Color(0x222222);

    private Plot() {
    }

    /** A drawn chart: the image and what the readability check reads. */
    record Drawn(BufferedImage image, Canvas.Layout layout) {
    }

    enum Marker {
        CIRCLE, SQUARE, DIAMOND, TRIANGLE, TRIANGLE_DOWN, CROSS, PLUS, RING, NONE
    }

    /** How points are joined: not at all, solid or dashed straight lines, or a dashed staircase (a front). */
    enum Line {
        NONE, SOLID, DASHED, STEPS
    }

    /** A series' look. {@link #style()} is what two legend entries are compared by: it must differ. */
    record Look(Color color, Marker marker, Line line) {
        String style() {
            return String.format(Locale.ROOT, "%s %s #%06X", marker, line, color.getRGB() & 0xFFFFFF);
        }
    }

    /** The markers filled series cycle through once the palette is used up. */
    private static final Marker[] FILLED = {Marker.CIRCLE, Marker.SQUARE, Marker.DIAMOND, Marker.TRIANGLE,
        Marker.TRIANGLE_DOWN};

    /**
     * The look of the i-th series of a chart: a palette colour each; past ten, the colours again with the next
     * marker, so that no two of the first fifty look alike.
     */
    static Look look(int i, Line line) {
        return new Look(PALETTE[i % PALETTE.length], FILLED[(i / PALETTE.length) % FILLED.length], line);
    }

    /**
     * A series: points (x, y) with, where {@code err} holds a finite positive value, an error bar of that
     * half-length; no legend entry unless {@code inLegend}.
     */
    record Series(String name, double[] x, double[] y, double[] err, Look look, boolean inLegend) {
        Series {
            if (x.length != y.length || err != null && err.length != y.length) {
                throw new IllegalArgumentException("series " + name + " has " + x.length + " x, " + y.length + " y"
                        + (err == null ? "" : " and " + err.length + " error values") + ": one of each per point");
            }
        }
    }

    // ---- line and scatter charts -------------------------------------------------------------------

    /** A line or scatter chart. */
    static final class XY {
        private final String title;
        private final String xTitle;
        private final String yTitle;
        private final List<Series> series = new ArrayList<>();
        private boolean logX;
        private boolean logY;
        private boolean integerX;
        private double xLo = Double.NaN;
        private double xHi = Double.NaN;
        private double yLo = Double.NaN;
        private double yHi = Double.NaN;

        XY(String title, String xTitle, String yTitle) {
            this.title = title;
            this.xTitle = xTitle;
            this.yTitle = yTitle;
        }

        XY logX() {
            logX = true;
            return this;
        }

        XY logY() {
            logY = true;
            return this;
        }

        /** Ticks on whole numbers only (counts, such as tasks). */
        XY integerX() {
            integerX = true;
            return this;
        }

        XY xRange(double lo, double hi) {
            xLo = lo;
            xHi = hi;
            return this;
        }

        XY yRange(double lo, double hi) {
            yLo = lo;
            yHi = hi;
            return this;
        }

        XY add(Series s) {
            series.add(s);
            return this;
        }

        XY add(String name, double[] x, double[] y, Look look) {
            return add(new Series(name, x, y, null, look, true));
        }

        Drawn draw(int width) {
            List<String> titleLines = Canvas.wrap(TITLE, title, width - 2 * PAD);
            Ticks.Scale xs = range(true);
            Ticks.Scale ys = range(false);
            List<Series> legend = series.stream().filter(Series::inLegend).toList();
            double keyText = legend.stream().mapToDouble(s -> Canvas.width(LEGEND, s.name())).max().orElse(0);
            boolean legendRight = !legend.isEmpty() && KEY_WIDTH + 6 + keyText <= 0.3 * width
                    && legend.size() * Canvas.lineHeight(LEGEND) + 8 <= PLOT_HEIGHT;

            List<Ticks.Tick> yTicks = Ticks.of(ys, PLOT_HEIGHT, l -> Canvas.height(TICKS), 4, Y_SPACING, false);
            double yLabels = yTicks.stream().mapToDouble(t -> Canvas.width(TICKS, t.label())).max().orElse(0);
            double left = PAD + Canvas.height(AXIS_TITLE) + 8 + yLabels + TICK + 4;
            double right = width - PAD - (legendRight ? KEY_WIDTH + 6 + keyText + 16 : 0);
            List<Ticks.Tick> xTicks = List.of();
            for (int attempt = 0; attempt < 4; attempt++) {
                xTicks = Ticks.of(xs, right - left, l -> Canvas.width(TICKS, l), GAP, X_SPACING, integerX);
                double overflow = 0;
                for (Ticks.Tick t : xTicks) {
                    double at = left + xs.fraction(t.value()) * (right - left);
                    double half = Canvas.width(TICKS, t.label()) / 2;
                    overflow = Math.max(overflow, at + half - (width - PAD / 2.0));
                    if (legendRight) {
                        overflow = Math.max(overflow, at + half - right - 8);
                    }
                }
                if (overflow <= 0) {
                    break;
                }
                right -= overflow + 2;
            }

            double top = PAD + titleLines.size() * Canvas.lineHeight(TITLE) + 10;
            double bottom = top + PLOT_HEIGHT;
            double xLabelTop = bottom + TICK + 6;
            double xTitleTop = xLabelTop + Canvas.height(TICKS) + 8;
            double below = xTitleTop + Canvas.height(AXIS_TITLE) + 10;
            LegendBlock block = legendRight || legend.isEmpty() ? null : LegendBlock.of(legend, width);
            int height = (int) Math.ceil(below + (block == null ? 0 : block.height() + 6) + PAD);

            try (Canvas c = new Canvas(width, height)) {
                Rectangle2D plot = new Rectangle2D.Double(left, top, right - left, PLOT_HEIGHT);
                title(c, titleLines, width);
                Graphics2D g = c.g();
                // Grid: minor lines of log axes (every 1..9 of a decade), then the ticks'.
                g.setStroke(new BasicStroke(1f));
                if (logX) {
                    g.setColor(MINOR_GRID);
                    Ticks.logGrid(xs).forEach(v -> vertical(g, plot, plot.getX() + xs.fraction(v) * plot.getWidth()));
                }
                if (logY) {
                    g.setColor(MINOR_GRID);
                    Ticks.logGrid(ys).forEach(v -> horizontal(g, plot, plot.getMaxY() - ys.fraction(v) * plot.getHeight()));
                }
                g.setColor(GRID);
                xTicks.forEach(t -> vertical(g, plot, plot.getX() + xs.fraction(t.value()) * plot.getWidth()));
                yTicks.forEach(t -> horizontal(g, plot, plot.getMaxY() - ys.fraction(t.value()) * plot.getHeight()));
                g.setColor(AXIS);
                g.draw(new Line2D.Double(plot.getX(), plot.getY(), plot.getX(), plot.getMaxY()));
                g.draw(new Line2D.Double(plot.getX(), plot.getMaxY(), plot.getMaxX(), plot.getMaxY()));
                for (Ticks.Tick t : xTicks) {
                    double x = plot.getX() + xs.fraction(t.value()) * plot.getWidth();
                    g.setColor(AXIS);
                    g.draw(new Line2D.Double(x, plot.getMaxY(), x, plot.getMaxY() + TICK));
                    c.text(Canvas.Role.X_TICK, TICKS, TEXT, t.label(), x, xLabelTop + Canvas.ascent(TICKS),
                            Canvas.Align.CENTER);
                }
                for (Ticks.Tick t : yTicks) {
                    double y = plot.getMaxY() - ys.fraction(t.value()) * plot.getHeight();
                    g.setColor(AXIS);
                    g.draw(new Line2D.Double(plot.getX() - TICK, y, plot.getX(), y));
                    c.text(Canvas.Role.Y_TICK, TICKS, TEXT, t.label(), plot.getX() - TICK - 4,
                            y - Canvas.height(TICKS) / 2 + Canvas.ascent(TICKS), Canvas.Align.RIGHT);
                }
                c.text(Canvas.Role.AXIS_TITLE, AXIS_TITLE, TEXT, xTitle, plot.getCenterX(),
                        xTitleTop + Canvas.ascent(AXIS_TITLE), Canvas.Align.CENTER);
                c.textUp(Canvas.Role.AXIS_TITLE, AXIS_TITLE, TEXT, yTitle, PAD + Canvas.height(AXIS_TITLE) / 2,
                        plot.getCenterY());

                Shape clip = g.getClip();
                g.clip(new Rectangle2D.Double(plot.getX() - 6, plot.getY() - 6, plot.getWidth() + 12,
                        plot.getHeight() + 12));
                for (Series s : series) {
                    c.mark(s.name(), drawSeries(c, s, plot, xs, ys));
                }
                g.setClip(clip);

                if (legendRight) {
                    double y = plot.getCenterY() - legend.size() * Canvas.lineHeight(LEGEND) / 2;
                    for (Series s : legend) {
                        legendEntry(c, s.name(), s.look(), right + 16, y, width - PAD - right - 16);
                        y += Canvas.lineHeight(LEGEND);
                    }
                } else if (block != null) {
                    block.draw(c, below + 6);
                }
                return new Drawn(c.image(), c.layout());
            }
        }

        /** The axis's range: as set, else the data's with a margin (5% of the span, or of the decades). */
        private Ticks.Scale range(boolean x) {
            boolean log = x ? logX : logY;
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (Series s : series) {
                double[] v = x ? s.x() : s.y();
                for (int i = 0; i < v.length; i++) {
                    double e = !x && s.err() != null && Double.isFinite(s.err()[i]) ? s.err()[i] : 0;
                    for (double w : new double[] {v[i] - e, v[i] + e}) {
                        if (Double.isFinite(w) && (!log || w > 0)) {
                            lo = Math.min(lo, w);
                            hi = Math.max(hi, w);
                        }
                    }
                }
            }
            double setLo = x ? xLo : yLo;
            double setHi = x ? xHi : yHi;
            if (!(lo <= hi)) {
                lo = log ? 1 : 0;
                hi = log ? 10 : 1;
            }
            if (log) {
                double a = Math.log10(Double.isNaN(setLo) ? lo : setLo);
                double b = Math.log10(Double.isNaN(setHi) ? hi : setHi);
                double margin = Math.max(0.05 * (b - a), 0.1);
                return new Ticks.Scale(Math.pow(10, Double.isNaN(setLo) ? a - margin : a),
                        Math.pow(10, Double.isNaN(setHi) ? b + margin : b), true);
            }
            double a = Double.isNaN(setLo) ? lo : setLo;
            double b = Double.isNaN(setHi) ? hi : setHi;
            double margin = b > a ? 0.05 * (b - a) : Math.max(Math.abs(a) * 0.1, 0.5);
            return new Ticks.Scale(Double.isNaN(setLo) ? a - margin : a, Double.isNaN(setHi) ? b + margin : b, false);
        }
    }

    /** Size of the markers of line charts, in pixels. */
    private static final double MARKER = 8;

    /**
     * Draws one series inside {@code plot}; returns its visible marks (markers, segments longer than 1 px). An
     * error bar is drawn only where it reaches out of its marker: a shorter one would be a dash inside the point.
     */
    private static int drawSeries(Canvas c, Series s, Rectangle2D plot, Ticks.Scale xs, Ticks.Scale ys) {
        Graphics2D g = c.g();
        List<double[]> points = new ArrayList<>();
        List<Double> errs = new ArrayList<>();
        for (int i = 0; i < Math.min(s.x().length, s.y().length); i++) {
            double x = s.x()[i];
            double y = s.y()[i];
            if (!Double.isFinite(x) || !Double.isFinite(y) || xs.log() && x <= 0 || ys.log() && y <= 0) {
                continue;
            }
            points.add(new double[] {plot.getX() + xs.fraction(x) * plot.getWidth(),
                plot.getMaxY() - ys.fraction(y) * plot.getHeight(), y});
            errs.add(s.err() == null ? Double.NaN : s.err()[i]);
        }
        int marks = 0;
        Look look = s.look();
        if (look.line() != Line.NONE && points.size() > 1) {
            g.setColor(look.color());
            g.setStroke(stroke(look.line()));
            Path2D path = new Path2D.Double();
            path.moveTo(points.get(0)[0], points.get(0)[1]);
            for (int i = 1; i < points.size(); i++) {
                double[] p = points.get(i);
                if (look.line() == Line.STEPS) {
                    path.lineTo(p[0], points.get(i - 1)[1]);
                }
                path.lineTo(p[0], p[1]);
                marks += Math.hypot(p[0] - points.get(i - 1)[0], p[1] - points.get(i - 1)[1]) > 1 ? 1 : 0;
            }
            g.draw(path);
        }
        g.setStroke(new BasicStroke(1.2f));
        for (int i = 0; i < points.size(); i++) {
            double e = errs.get(i);
            if (Double.isFinite(e) && e > 0) {
                double[] p = points.get(i);
                double yValue = p[2];
                double up = plot.getMaxY() - ys.fraction(yValue + e) * plot.getHeight();
                double down = ys.log() && yValue - e <= 0 ? plot.getMaxY()
                        : plot.getMaxY() - ys.fraction(yValue - e) * plot.getHeight();
                if (down - up >= MARKER + 4) {
                    c.errorBar(down - up, MARKER);
                    g.setColor(look.color().darker());
                    g.draw(new Line2D.Double(p[0], up, p[0], down));
                    g.draw(new Line2D.Double(p[0] - 4, up, p[0] + 4, up));
                    g.draw(new Line2D.Double(p[0] - 4, down, p[0] + 4, down));
                }
            }
        }
        if (look.marker() != Marker.NONE) {
            for (double[] p : points) {
                marker(g, look, p[0], p[1], MARKER);
                marks += inside(plot, p[0], p[1]) ? 1 : 0;
            }
        } else if (marks == 0) {
            // A line of a single point (or of points on one pixel) draws nothing: a dot marks where it is.
            for (double[] p : points) {
                marker(g, new Look(look.color(), Marker.CIRCLE, Line.NONE), p[0], p[1], 5);
                marks += inside(plot, p[0], p[1]) ? 1 : 0;
            }
        }
        return marks;
    }

    private static Stroke stroke(Line line) {
        return switch (line) {
            case DASHED -> new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                    new float[] {8f, 5f}, 0f);
            case STEPS -> new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                    new float[] {6f, 4f}, 0f);
            default -> new BasicStroke(1.6f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
        };
    }

    /** A marker of {@code size} pixels centred on (x, y): filled shapes with a white rim, strokes for the others. */
    static void marker(Graphics2D g, Look look, double x, double y, double size) {
        double r = size / 2;
        Shape shape = switch (look.marker()) {
            case CIRCLE, RING -> new Ellipse2D.Double(x - r, y - r, size, size);
            case SQUARE -> new Rectangle2D.Double(x - r * 0.9, y - r * 0.9, size * 0.9, size * 0.9);
            case DIAMOND -> polygon(x, y, new double[] {0, r * 1.2, 0, -r * 1.2}, new double[] {-r * 1.2, 0, r * 1.2, 0});
            case TRIANGLE -> polygon(x, y, new double[] {0, r * 1.3, -r * 1.3}, new double[] {-r * 1.4, r, r});
            case TRIANGLE_DOWN -> polygon(x, y, new double[] {0, r * 1.3, -r * 1.3}, new double[] {r * 1.4, -r, -r});
            case CROSS -> cross(x, y, r * 1.1, true);
            case PLUS -> cross(x, y, r * 1.25, false);
            case NONE -> null;
        };
        if (shape == null) {
            return;
        }
        switch (look.marker()) {
            case CROSS, PLUS -> {
                g.setColor(look.color());
                g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
                g.draw(shape);
            }
            case RING -> {
                g.setColor(look.color());
                g.setStroke(new BasicStroke(2f));
                g.draw(new Ellipse2D.Double(x - r - 2, y - r - 2, size + 4, size + 4));
            }
            default -> {
                g.setColor(look.color());
                g.fill(shape);
                g.setColor(Color.WHITE);
                g.setStroke(new BasicStroke(0.8f));
                g.draw(shape);
            }
        }
    }

    private static Shape polygon(double x, double y, double[] dx, double[] dy) {
        Path2D p = new Path2D.Double();
        p.moveTo(x + dx[0], y + dy[0]);
        for (int i = 1; i < dx.length; i++) {
            p.lineTo(x + dx[i], y + dy[i]);
        }
        p.closePath();
        return p;
    }

    private static Shape cross(double x, double y, double r, boolean diagonal) {
        Path2D p = new Path2D.Double();
        if (diagonal) {
            p.moveTo(x - r, y - r);
            p.lineTo(x + r, y + r);
            p.moveTo(x - r, y + r);
            p.lineTo(x + r, y - r);
        } else {
            p.moveTo(x - r, y);
            p.lineTo(x + r, y);
            p.moveTo(x, y - r);
            p.lineTo(x, y + r);
        }
        return p;
    }

    /** Whether (x, y) is in {@code plot}, edges included (a point on the axis is drawn). */
    private static boolean inside(Rectangle2D plot, double x, double y) {
        return x >= plot.getX() - 0.5 && x <= plot.getMaxX() + 0.5 && y >= plot.getY() - 0.5 && y <= plot.getMaxY() + 0.5;
    }

    private static void vertical(Graphics2D g, Rectangle2D plot, double x) {
        g.draw(new Line2D.Double(x, plot.getY(), x, plot.getMaxY()));
    }

    private static void horizontal(Graphics2D g, Rectangle2D plot, double y) {
        g.draw(new Line2D.Double(plot.getX(), y, plot.getMaxX(), y));
    }

    private static void title(Canvas c, List<String> lines, int width) {
        double baseline = PAD + Canvas.ascent(TITLE);
        for (String line : lines) {
            c.text(Canvas.Role.TITLE, TITLE, TEXT, line, width / 2.0, baseline, Canvas.Align.CENTER);
            baseline += Canvas.lineHeight(TITLE);
        }
    }

    /**
     * One legend entry at (x, top): its key (a line with the marker, or a box for bars) and its name, wrapped
     * to {@code maxWidth}; returns its height.
     */
    private static double legendEntry(Canvas c, String name, Look look, double x, double top, double maxWidth) {
        Graphics2D g = c.g();
        double line = Canvas.lineHeight(LEGEND);
        double mid = top + line / 2;
        if (look.line() != Line.NONE) {
            g.setColor(look.color());
            g.setStroke(stroke(look.line()));
            g.draw(new Line2D.Double(x, mid, x + KEY_WIDTH, mid));
        }
        if (look.marker() == Marker.NONE && look.line() == Line.NONE) {
            g.setColor(look.color());
            g.fill(new Rectangle2D.Double(x + KEY_WIDTH / 2.0 - 7, mid - 6, 14, 12));
        } else {
            marker(g, look, x + KEY_WIDTH / 2.0, mid, 8);
        }
        List<String> lines = Canvas.wrap(LEGEND, name, Math.max(40, maxWidth - KEY_WIDTH - 6));
        double baseline = top + (line - Canvas.height(LEGEND)) / 2 + Canvas.ascent(LEGEND);
        Rectangle2D box = new Rectangle2D.Double(x, top, KEY_WIDTH, line);
        for (String l : lines) {
            box.add(c.text(Canvas.Role.LEGEND, LEGEND, TEXT, l, x + KEY_WIDTH + 6, baseline, Canvas.Align.LEFT));
            baseline += line;
        }
        c.key(name, look.style(), box);
        return lines.size() * line;
    }

    /** A legend under the plot: entries in as many equal columns as fit the width, row by row. */
    private record LegendBlock(List<String> names, List<Look> looks, int columns, double columnWidth,
            double[] rowHeights, int width) {
        static LegendBlock of(List<Series> series, int width) {
            return of(series.stream().map(Series::name).toList(), series.stream().map(Series::look).toList(), width);
        }

        static LegendBlock of(List<String> names, List<Look> looks, int width) {
            double usable = width - 2 * PAD;
            double widest = names.stream().mapToDouble(n -> KEY_WIDTH + 6 + Canvas.width(LEGEND, n)).max().orElse(0);
            int columns = (int) Math.max(1, Math.min(names.size(), Math.floor((usable + 20) / (widest + 20))));
            // Columns as wide as the widest entry (with room to breathe), not spread over the whole width.
            double columnWidth = columns == 1 ? usable : Math.min(widest + 24, (usable + 20) / columns - 20);
            int rows = (names.size() + columns - 1) / columns;
            double[] heights = new double[rows];
            for (int i = 0; i < names.size(); i++) {
                int lines = Canvas.wrap(LEGEND, names.get(i), Math.max(40, columnWidth - KEY_WIDTH - 6)).size();
                heights[i / columns] = Math.max(heights[i / columns], lines * Canvas.lineHeight(LEGEND) + 4);
            }
            return new LegendBlock(names, looks, columns, columnWidth, heights, width);
        }

        double height() {
            double h = 0;
            for (double r : rowHeights) {
                h += r;
            }
            return h;
        }

        void draw(Canvas c, double top) {
            double y = top;
            for (int row = 0; row < rowHeights.length; row++) {
                for (int col = 0; col < columns; col++) {
                    int i = row * columns + col;
                    if (i < names.size()) {
                        legendEntry(c, names.get(i), looks.get(i), PAD + col * (columnWidth + 20), y, columnWidth);
                    }
                }
                y += rowHeights[row];
            }
        }
    }

    // ---- horizontal bar charts ---------------------------------------------------------------------

    /**
     * Horizontal bars: one row per category (its name beside it, wrapped), and in each row one bar per group
     * (grouped, with error bars where given) or the groups stacked end to end (stacked, all values >= 0).
     */
    static final class Bars {
        private final String title;
        private final String valueTitle;
        private final List<String> categories;
        private final List<String> groups = new ArrayList<>();
        private final List<double[]> values = new ArrayList<>();
        private final List<double[]> errors = new ArrayList<>();
        private boolean stacked;

        Bars(String title, String valueTitle, List<String> categories) {
            this.title = title;
            this.valueTitle = valueTitle;
            this.categories = categories;
        }

        Bars stacked() {
            stacked = true;
            return this;
        }

        /** The groups a drawing of this chart left no visible mark of (too small for a pixel at its scale). */
        static List<String> hidden(Drawn drawn, List<String> groups) {
            return groups.stream().filter(g -> drawn.layout().marks().getOrDefault(g, 0) == 0).toList();
        }

        /** A group: its value (and, or null, the half-length of its error bar) for each category, in order. */
        Bars add(String group, double[] v, double[] err) {
            if (v.length != categories.size() || err != null && err.length != categories.size()) {
                throw new IllegalArgumentException("group " + group + " has " + v.length + " values for "
                        + categories.size() + " categories");
            }
            groups.add(group);
            values.add(v);
            errors.add(err);
            return this;
        }

        Drawn draw(int width) {
            List<String> titleLines = Canvas.wrap(TITLE, title, width - 2 * PAD);
            double labelMax = 0.42 * width;
            List<List<String>> labels = categories.stream().map(n -> Canvas.wrap(TICKS, n, labelMax)).toList();
            double labelWidth = labels.stream().flatMap(List::stream).mapToDouble(l -> Canvas.width(TICKS, l)).max()
                    .orElse(0);
            int bars = stacked ? 1 : Math.max(1, groups.size());
            double thickness = stacked ? 18 : 12;
            double[] rowHeight = new double[categories.size()];
            for (int i = 0; i < rowHeight.length; i++) {
                rowHeight[i] = Math.max(bars * thickness, labels.get(i).size() * Canvas.lineHeight(TICKS)) + 12;
            }
            double lo = 0;
            double hi = 0;
            for (int i = 0; i < categories.size(); i++) {
                double sum = 0;
                for (int k = 0; k < groups.size(); k++) {
                    double v = values.get(k)[i];
                    double e = errors.get(k) == null || !Double.isFinite(errors.get(k)[i]) ? 0 : errors.get(k)[i];
                    if (!Double.isFinite(v)) {
                        continue;
                    }
                    if (stacked) {
                        sum += Math.max(0, v);
                    } else {
                        lo = Math.min(lo, v - e);
                        hi = Math.max(hi, v + e);
                    }
                }
                hi = Math.max(hi, sum);
            }
            if (hi - lo <= 0) {
                hi = 1;
            }
            double span = hi - lo;
            Ticks.Scale scale = new Ticks.Scale(lo < 0 ? lo - 0.03 * span : 0, hi + 0.03 * span, false);

            double left = PAD + labelWidth + 10;
            double right = width - PAD;
            List<Ticks.Tick> ticks = List.of();
            for (int attempt = 0; attempt < 4; attempt++) {
                ticks = Ticks.of(scale, right - left, l -> Canvas.width(TICKS, l), GAP, X_SPACING, false);
                double overflow = 0;
                for (Ticks.Tick t : ticks) {
                    double at = left + scale.fraction(t.value()) * (right - left);
                    double half = Canvas.width(TICKS, t.label()) / 2;
                    overflow = Math.max(overflow, Math.max(at + half - (width - PAD / 2.0), PAD / 2.0 - (at - half)));
                }
                if (overflow <= 0) {
                    break;
                }
                right -= overflow + 2;
            }
            double top = PAD + titleLines.size() * Canvas.lineHeight(TITLE) + 10;
            double plotHeight = 0;
            for (double r : rowHeight) {
                plotHeight += r;
            }
            double bottom = top + plotHeight;
            double tickTop = bottom + TICK + 6;
            double titleTop = tickTop + Canvas.height(TICKS) + 8;
            double below = titleTop + Canvas.height(AXIS_TITLE) + 10;
            List<Look> looks = new ArrayList<>();
            List<String> shownNames = new ArrayList<>();
            List<Look> shownLooks = new ArrayList<>();
            for (int k = 0; k < groups.size(); k++) {
                looks.add(new Look(PALETTE[k % PALETTE.length], Marker.NONE, Line.NONE));
                // A stacked group narrower than a pixel in every bar cannot be seen: no legend entry for it
                // (its marks stay 0, and the caption names it; see hidden()).
                double widest = 0;
                for (double v : values.get(k)) {
                    widest = Math.max(widest, Double.isFinite(v) ? v : 0);
                }
                if (!stacked || widest / (scale.hi() - scale.lo()) * (right - left) >= 1) {
                    shownNames.add(groups.get(k));
                    shownLooks.add(looks.get(k));
                }
            }
            LegendBlock block = shownNames.size() > 1 || stacked ? LegendBlock.of(shownNames, shownLooks, width) : null;
            int height = (int) Math.ceil(below + (block == null ? 0 : block.height() + 6) + PAD);

            try (Canvas c = new Canvas(width, height)) {
                Rectangle2D plot = new Rectangle2D.Double(left, top, right - left, plotHeight);
                title(c, titleLines, width);
                Graphics2D g = c.g();
                g.setStroke(new BasicStroke(1f));
                double y = top;
                for (int i = 0; i < categories.size(); i++) {
                    if (i % 2 == 1) {
                        g.setColor(new Color(0xF7F7F7));
                        g.fill(new Rectangle2D.Double(plot.getX(), y, plot.getWidth(), rowHeight[i]));
                    }
                    y += rowHeight[i];
                }
                g.setColor(GRID);
                ticks.forEach(t -> vertical(g, plot, plot.getX() + scale.fraction(t.value()) * plot.getWidth()));
                for (Ticks.Tick t : ticks) {
                    double x = plot.getX() + scale.fraction(t.value()) * plot.getWidth();
                    g.setColor(AXIS);
                    g.draw(new Line2D.Double(x, plot.getMaxY(), x, plot.getMaxY() + TICK));
                    c.text(Canvas.Role.X_TICK, TICKS, TEXT, t.label(), x, tickTop + Canvas.ascent(TICKS),
                            Canvas.Align.CENTER);
                }
                c.text(Canvas.Role.AXIS_TITLE, AXIS_TITLE, TEXT, valueTitle, plot.getCenterX(),
                        titleTop + Canvas.ascent(AXIS_TITLE), Canvas.Align.CENTER);
                double zero = plot.getX() + scale.fraction(0) * plot.getWidth();
                int[] marks = new int[groups.size()];
                y = top;
                for (int i = 0; i < categories.size(); i++) {
                    double band = bars * thickness;
                    double barTop = y + (rowHeight[i] - band) / 2;
                    double end = zero;
                    for (int k = 0; k < groups.size(); k++) {
                        double v = values.get(k)[i];
                        if (!Double.isFinite(v)) {
                            continue;
                        }
                        g.setColor(looks.get(k).color());
                        if (stacked) {
                            double w = Math.max(0, v) / (scale.hi() - scale.lo()) * plot.getWidth();
                            g.fill(new Rectangle2D.Double(end, barTop, w, thickness));
                            marks[k] += w >= 1 ? 1 : 0;
                            end += w;
                        } else {
                            double at = plot.getX() + scale.fraction(v) * plot.getWidth();
                            double barY = barTop + k * thickness;
                            double x0 = Math.min(zero, at);
                            double x1 = Math.max(zero, at);
                            if (x1 - x0 < 2) { // a zero is a 2-pixel sliver: a bar of 0, not a missing one
                                x0 = zero - 1;
                                x1 = zero + 1;
                            }
                            g.fill(new Rectangle2D.Double(x0, barY + 1, x1 - x0, thickness - 2));
                            marks[k]++;
                            double e = errors.get(k) == null ? Double.NaN : errors.get(k)[i];
                            double a = plot.getX() + scale.fraction(v - (Double.isFinite(e) ? e : 0)) * plot.getWidth();
                            double b = plot.getX() + scale.fraction(v + (Double.isFinite(e) ? e : 0)) * plot.getWidth();
                            if (Double.isFinite(e) && b - a >= 2) {
                                double mid = barY + thickness / 2;
                                g.setColor(TEXT);
                                g.draw(new Line2D.Double(a, mid, b, mid));
                                g.draw(new Line2D.Double(a, mid - 3, a, mid + 3));
                                g.draw(new Line2D.Double(b, mid - 3, b, mid + 3));
                            }
                        }
                    }
                    List<String> lines = labels.get(i);
                    double baseline = y + (rowHeight[i] - lines.size() * Canvas.lineHeight(TICKS)) / 2
                            + (Canvas.lineHeight(TICKS) - Canvas.height(TICKS)) / 2 + Canvas.ascent(TICKS);
                    for (String l : lines) {
                        c.text(Canvas.Role.CATEGORY, TICKS, TEXT, l, plot.getX() - 8, baseline, Canvas.Align.RIGHT);
                        baseline += Canvas.lineHeight(TICKS);
                    }
                    y += rowHeight[i];
                }
                g.setColor(AXIS);
                g.draw(new Line2D.Double(zero, plot.getY(), zero, plot.getMaxY()));
                g.draw(new Line2D.Double(plot.getX(), plot.getMaxY(), plot.getMaxX(), plot.getMaxY()));
                for (int k = 0; k < groups.size(); k++) {
                    c.mark(groups.get(k), marks[k]);
                }
                if (block != null) {
                    block.draw(c, below + 6);
                }
                return new Drawn(c.image(), c.layout());
            }
        }
    }
}
