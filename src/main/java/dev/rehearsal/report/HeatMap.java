package dev.rehearsal.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.util.List;
import java.util.Locale;

/**
 * A heat map drawn with Java2D: cells coloured on the viridis scale from 0 to 1 (perceptually uniform, so
 * 0.88 and 0.98 are a green and a yellow rather than two shades of one blue), each cell's text written on
 * it, and a colour bar beside the plot with ticks every 0.1 and its title. Cells without a value are light
 * gray. Row 0 is drawn at the top, as matrices are read.
 */
final class HeatMap {
    static {
        Output.headless();
    }

    /** Viridis at 0, 1/8, .., 1 (matplotlib's table, sampled), interpolated linearly between. */
    private static final int[] VIRIDIS = {0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962,
        0xADDC30, 0xFDE725};
    private static final Color EMPTY = new Color(0xEEEEEE);
    private static final Font TITLE = Plot.TITLE;
    private static final Font AXIS = Plot.AXIS_TITLE;
    private static final Font TICKS = Plot.TICKS;

    private HeatMap() {
    }

    /** The colour of {@code v} in [0, 1] (clamped). */
    static Color color(double v) {
        double x = Math.max(0, Math.min(1, v)) * (VIRIDIS.length - 1);
        int i = Math.min((int) x, VIRIDIS.length - 2);
        double f = x - i;
        int a = VIRIDIS[i];
        int b = VIRIDIS[i + 1];
        return new Color(mix(a >> 16, b >> 16, f), mix(a >> 8, b >> 8, f), mix(a, b, f));
    }

    private static int mix(int a, int b, double f) {
        return (int) Math.round((a & 0xFF) * (1 - f) + (b & 0xFF) * f);
    }

    /**
     * Draws {@code values} ({@code [rows][cols]}, colour in [0, 1], NaN for no value) with {@code text} on
     * each cell (null or "" for none), into an image {@code width} wide and at least {@code height} high (a
     * title too long for one line wraps, and the image grows by its extra lines). Row and column labels are
     * thinned to every k-th where their measured size would not leave a gap between neighbours.
     */
    static Plot.Drawn draw(int width, int height, String title, String xTitle, String yTitle,
            List<String> colLabels, List<String> rowLabels, double[][] values, String[][] text, String scaleTitle) {
        List<String> titleLines = Canvas.wrap(TITLE, title, width - 24);
        int titleHeight = (int) Math.ceil(titleLines.size() * Canvas.lineHeight(TITLE));
        int extra = titleHeight - (int) Math.ceil(Canvas.lineHeight(TITLE));
        try (Canvas c = new Canvas(width, height + extra)) {
            Graphics2D g = c.g();
            double baseline = 12 + Canvas.ascent(TITLE);
            for (String line : titleLines) {
                c.text(Canvas.Role.TITLE, TITLE, Color.BLACK, line, width / 2.0, baseline, Canvas.Align.CENTER);
                baseline += Canvas.lineHeight(TITLE);
            }

            int rows = values.length;
            int cols = rows == 0 ? 0 : values[0].length;
            int left = 90;
            int top = 24 + titleHeight;
            int barWidth = 22;
            int right = width - 130; // room for the colour bar, its ticks and its title
            int bottom = height + extra - 70;
            int cell = Math.max(1, Math.min((right - left) / Math.max(1, cols), (bottom - top) / Math.max(1, rows)));
            int plotW = cell * cols;
            int plotH = cell * rows;
            int x0 = left + (right - left - plotW) / 2;
            int y0 = top;
            Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(14, cell / 3)));
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double v = values[i][j];
                    Color col = Double.isFinite(v) ? color(v) : EMPTY;
                    g.setColor(col);
                    g.fillRect(x0 + j * cell, y0 + i * cell, cell, cell);
                    String t = text == null ? null : text[i][j];
                    // Written only where it fits inside its cell with a margin.
                    if (t != null && !t.isEmpty() && Canvas.width(cellFont, t) <= cell - 4
                            && Canvas.height(cellFont) <= cell - 2) {
                        c.text(Canvas.Role.CELL, cellFont, luminance(col) > 0.45 ? Color.BLACK : Color.WHITE, t,
                                x0 + j * cell + cell / 2.0, y0 + i * cell + (cell - Canvas.height(cellFont)) / 2.0
                                        + Canvas.ascent(cellFont), Canvas.Align.CENTER);
                    }
                }
            }
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(x0, y0, plotW, plotH);
            double widest = colLabels.stream().mapToDouble(l -> Canvas.width(TICKS, l)).max().orElse(0);
            int every = Math.max(1, (int) Math.ceil((widest + Plot.GAP) / Math.max(1, cell)));
            for (int j = 0; j < cols; j += every) {
                c.text(Canvas.Role.X_TICK, TICKS, Color.BLACK, colLabels.get(j), x0 + j * cell + cell / 2.0,
                        y0 + plotH + 6 + Canvas.ascent(TICKS), Canvas.Align.CENTER);
            }
            every = Math.max(1, (int) Math.ceil((Canvas.height(TICKS) + 4) / Math.max(1, cell)));
            for (int i = 0; i < rows; i += every) {
                c.text(Canvas.Role.Y_TICK, TICKS, Color.BLACK, rowLabels.get(i), x0 - 8,
                        y0 + i * cell + (cell - Canvas.height(TICKS)) / 2.0 + Canvas.ascent(TICKS), Canvas.Align.RIGHT);
            }
            double rowLabelWidth = rowLabels.stream().mapToDouble(l -> Canvas.width(TICKS, l)).max().orElse(0);
            c.text(Canvas.Role.AXIS_TITLE, AXIS, Color.BLACK, xTitle, x0 + plotW / 2.0,
                    y0 + plotH + 6 + Canvas.height(TICKS) + 10 + Canvas.ascent(AXIS), Canvas.Align.CENTER);
            c.textUp(Canvas.Role.AXIS_TITLE, AXIS, Color.BLACK, yTitle,
                    x0 - 8 - rowLabelWidth - 10 - Canvas.height(AXIS) / 2, y0 + plotH / 2.0);

            // The colour bar: 0 at the bottom, 1 at the top, a tick and a label every 0.1.
            int bx = width - 110;
            int by = top;
            int bh = Math.max(100, plotH);
            for (int y = 0; y < bh; y++) {
                g.setColor(color(1 - (double) y / (bh - 1)));
                g.fillRect(bx, by + y, barWidth, 1);
            }
            g.setColor(Color.GRAY);
            g.drawRect(bx, by, barWidth, bh);
            int step = bh >= 11 * (Canvas.height(TICKS) + 2) ? 1 : 2;
            for (int k = 0; k <= 10; k += step) {
                int y = by + (int) Math.round((1 - k / 10.0) * (bh - 1));
                g.setColor(Color.BLACK);
                g.drawLine(bx + barWidth, y, bx + barWidth + 5, y);
                c.text(Canvas.Role.Y_TICK, TICKS, Color.BLACK, String.format(Locale.ROOT, "%.1f", k / 10.0),
                        bx + barWidth + 8, y - Canvas.height(TICKS) / 2 + Canvas.ascent(TICKS), Canvas.Align.LEFT);
            }
            c.textUp(Canvas.Role.AXIS_TITLE, AXIS, Color.BLACK, scaleTitle, bx + barWidth + 50, by + bh / 2.0);
            return new Plot.Drawn(c.image(), c.layout());
        }
    }

    private static double luminance(Color c) {
        return (0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue()) / 255;
    }
}
