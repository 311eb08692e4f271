package dev.rehearsal.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A figure's drawing surface: Java2D on a white RGB image, where every piece of text is drawn through
 * {@link #text} or {@link #textUp} and recorded as the box the font gives it at the drawn position, and every
 * legend entry is recorded with the style its key shows. That record, the {@link Layout}, is what the
 * readability check reads: overlapping labels, text outside the image, two legend entries that look alike, a
 * legend entry whose series left no visible mark. Text is measured with the same fonts and rendering hints
 * before the image exists ({@link #width}, {@link #wrap}), so a figure can be laid out, then drawn.
 */
final class Canvas implements AutoCloseable {
    static {
        Output.headless();
    }

    /** What a piece of text is, for the checks (ticks of one axis are compared with each other, and so on). */
    enum Role {
        TITLE, AXIS_TITLE, X_TICK, Y_TICK, CATEGORY, LEGEND, CELL
    }

    /** How a text is placed against its anchor point. */
    enum Align {
        LEFT, CENTER, RIGHT
    }

    /** A piece of text as drawn: its role, its text and its box in image pixels (font ascent to descent). */
    record Text(Role role, String text, Rectangle2D box) {
    }

    /**
     * A legend entry: its name and the style its key shows (marker, colour, line pattern), which must differ
     * between entries; {@code box} covers key and text.
     */
    record Key(String name, String style, Rectangle2D box) {
    }

    /**
     * What was drawn: the image size, every text, every legend entry, per series the marks it left inside the
     * plot (markers, bars, segments longer than a pixel: a legend entry with no mark names nothing visible), and
     * the length of every error bar drawn through a marker, with the marker's size (a bar no longer than its
     * marker is a dash inside the point).
     */
    record Layout(int width, int height, List<Text> texts, List<Key> keys, Map<String, Integer> marks,
            List<double[]> errorBars) {
    }

    /** Measures text before any image exists, with the hints drawing uses. */
    private static final Graphics2D MEASURE = hinted(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)
            .createGraphics());

    private final BufferedImage image;
    private final Graphics2D g;
    private final List<Text> texts = new ArrayList<>();
    private final List<Key> keys = new ArrayList<>();
    private final Map<String, Integer> marks = new LinkedHashMap<>();
    private final List<double[]> errorBars = new ArrayList<>();

    Canvas(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = hinted(image.createGraphics());
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    private static Graphics2D hinted(Graphics2D g) {
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        return g;
    }

    /** The graphics to draw shapes with (text goes through {@link #text}, so that it is recorded). */
    Graphics2D g() {
        return g;
    }

    BufferedImage image() {
        return image;
    }

    /** Draws {@code s} with its baseline at {@code baseline}, aligned on {@code x}; returns its box. */
    Rectangle2D text(Role role, Font font, Color color, String s, double x, double baseline, Align align) {
        g.setFont(font);
        g.setColor(color);
        FontMetrics fm = g.getFontMetrics();
        double w = fm.stringWidth(s);
        double left = switch (align) {
            case LEFT -> x;
            case CENTER -> x - w / 2;
            case RIGHT -> x - w;
        };
        g.drawString(s, (float) left, (float) baseline);
        Rectangle2D box = new Rectangle2D.Double(left, baseline - fm.getAscent(), w, fm.getAscent() + fm.getDescent());
        texts.add(new Text(role, s, box));
        return box;
    }

    /** Draws {@code s} turned a quarter anticlockwise (read bottom to top), centred on (cx, cy). */
    Rectangle2D textUp(Role role, Font font, Color color, String s, double cx, double cy) {
        g.setFont(font);
        g.setColor(color);
        FontMetrics fm = g.getFontMetrics();
        double w = fm.stringWidth(s);
        double h = fm.getAscent() + fm.getDescent();
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, cx, cy);
        g.drawString(s, (float) (cx - w / 2), (float) (cy - h / 2 + fm.getAscent()));
        g.setTransform(saved);
        Rectangle2D box = new Rectangle2D.Double(cx - h / 2, cy - w / 2, h, w);
        texts.add(new Text(role, s, box));
        return box;
    }

    /** Records a legend entry (its key is drawn by the caller, its text through {@link #text}). */
    void key(String name, String style, Rectangle2D box) {
        keys.add(new Key(name, style, box));
    }

    /** Records {@code n} visible marks of series {@code name}. */
    void mark(String name, int n) {
        marks.merge(name, n, Integer::sum);
    }

    /** Records an error bar {@code length} pixels long through a marker of {@code marker} pixels. */
    void errorBar(double length, double marker) {
        errorBars.add(new double[] {length, marker});
    }

    Layout layout() {
        return new Layout(image.getWidth(), image.getHeight(), List.copyOf(texts), List.copyOf(keys), Map.copyOf(marks),
                List.copyOf(errorBars));
    }

    @Override
    public void close() {
        g.dispose();
    }

    // ---- measuring ---------------------------------------------------------------------------------

    static double width(Font font, String s) {
        return MEASURE.getFontMetrics(font).stringWidth(s);
    }

    /** Ascent plus descent: the height of a text box. */
    static double height(Font font) {
        FontMetrics fm = MEASURE.getFontMetrics(font);
        return fm.getAscent() + fm.getDescent();
    }

    static double ascent(Font font) {
        return MEASURE.getFontMetrics(font).getAscent();
    }

    /** The distance between baselines of wrapped lines. */
    static double lineHeight(Font font) {
        return MEASURE.getFontMetrics(font).getHeight();
    }

    /**
     * {@code s} broken at spaces into lines no wider than {@code max}; a single word wider than that is broken
     * after its last '-', '=', '_' or ',' that fits, else between characters, so no line is ever wider.
     */
    static List<String> wrap(Font font, String s, double max) {
        List<String> lines = new ArrayList<>();
        String line = "";
        for (String word : s.trim().split("\\s+")) {
            String candidate = line.isEmpty() ? word : line + " " + word;
            if (width(font, candidate) <= max) {
                line = candidate;
                continue;
            }
            if (!line.isEmpty()) {
                lines.add(line);
            }
            line = word;
            while (width(font, line) > max && line.length() > 1) {
                int cut = cut(font, line, max);
                lines.add(line.substring(0, cut));
                line = line.substring(cut);
            }
        }
        if (!line.isEmpty() || lines.isEmpty()) {
            lines.add(line);
        }
        return lines;
    }

    /** Where to break a word too wide for {@code max}: after a separator that fits, else at the last char that does. */
    private static int cut(Font font, String word, double max) {
        int fits = 1;
        while (fits < word.length() && width(font, word.substring(0, fits + 1)) <= max) {
            fits++;
        }
        for (int i = fits; i > 0; i--) {
            if ("-=_,/".indexOf(word.charAt(i - 1)) >= 0) {
                return i;
            }
        }
        return fits;
    }
}
