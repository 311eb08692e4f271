package dev.rehearsal.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
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
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    private static final Font AXIS = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    private static final Font TICKS = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

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
     * each cell (null or "" for none), into an image of {@code width x height}.
     */
    static BufferedImage draw(int width, int height, String title, String xTitle, String yTitle,
            List<String> colLabels, List<String> rowLabels, double[][] values, String[][] text, String scaleTitle) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(TITLE);
            centered(g, title, width / 2, 30);

            int rows = values.length;
            int cols = rows == 0 ? 0 : values[0].length;
            int left = 90;
            int top = 50;
            int barWidth = 22;
            int right = width - 130; // room for the colour bar, its ticks and its title
            int bottom = height - 70;
            int cell = Math.max(1, Math.min((right - left) / Math.max(1, cols), (bottom - top) / Math.max(1, rows)));
            int plotW = cell * cols;
            int plotH = cell * rows;
            int x0 = left + (right - left - plotW) / 2;
            int y0 = top;
            Font cellFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(8, Math.min(14, cell / 3)));
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    double v = values[i][j];
                    Color c = Double.isFinite(v) ? color(v) : EMPTY;
                    g.setColor(c);
                    g.fillRect(x0 + j * cell, y0 + i * cell, cell, cell);
                    String t = text == null ? null : text[i][j];
                    if (t != null && !t.isEmpty() && cell >= 18) {
                        g.setFont(cellFont);
                        g.setColor(luminance(c) > 0.45 ? Color.BLACK : Color.WHITE);
                        centered(g, t, x0 + j * cell + cell / 2, y0 + i * cell + cell / 2
                                + g.getFontMetrics().getAscent() / 2 - 1);
                    }
                }
            }
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1f));
            g.drawRect(x0, y0, plotW, plotH);
            g.setFont(TICKS);
            g.setColor(Color.BLACK);
            int every = Math.max(1, (int) Math.ceil(cols * 16.0 / Math.max(1, plotW)));
            for (int j = 0; j < cols; j += every) {
                centered(g, colLabels.get(j), x0 + j * cell + cell / 2, y0 + plotH + 18);
            }
            every = Math.max(1, (int) Math.ceil(rows * 16.0 / Math.max(1, plotH)));
            FontMetrics fm = g.getFontMetrics();
            for (int i = 0; i < rows; i += every) {
                String l = rowLabels.get(i);
                g.drawString(l, x0 - 8 - fm.stringWidth(l), y0 + i * cell + cell / 2 + fm.getAscent() / 2 - 1);
            }
            g.setFont(AXIS);
            centered(g, xTitle, x0 + plotW / 2, y0 + plotH + 44);
            vertical(g, yTitle, x0 - 52, y0 + plotH / 2);

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
            g.setFont(TICKS);
            fm = g.getFontMetrics();
            for (int k = 0; k <= 10; k++) {
                int y = by + (int) Math.round((1 - k / 10.0) * (bh - 1));
                g.setColor(Color.BLACK);
                g.drawLine(bx + barWidth, y, bx + barWidth + 5, y);
                g.drawString(String.format(Locale.ROOT, "%.1f", k / 10.0), bx + barWidth + 8, y + fm.getAscent() / 2 - 1);
            }
            g.setFont(AXIS);
            vertical(g, scaleTitle, bx + barWidth + 50, by + bh / 2);
        } finally {
            g.dispose();
        }
        return image;
    }

    private static double luminance(Color c) {
        return (0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue()) / 255;
    }

    private static void centered(Graphics2D g, String s, int cx, int baseline) {
        g.drawString(s, cx - g.getFontMetrics().stringWidth(s) / 2, baseline);
    }

    /** Text rotated a quarter turn anticlockwise, centred on (cx, cy). */
    private static void vertical(Graphics2D g, String s, int cx, int cy) {
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, cx, cy);
        centered(g, s, cx, cy + g.getFontMetrics().getAscent() / 2);
        g.setTransform(saved);
    }
}
