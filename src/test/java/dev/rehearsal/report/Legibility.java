package dev.rehearsal.report;

import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What makes a figure unreadable, found in the layout it was drawn with ({@link Canvas.Layout}: every text's
 * box as the font measures it at the drawn position, every legend entry's style, every series' visible marks):
 * text outside the image, any two texts overlapping, neighbouring tick labels closer than a gap, two legend
 * entries that look alike or share a name, a legend entry that names nothing visible, an error bar hidden in
 * its marker, and a count of one with a plural noun ("windows of 1 steps") in the caption or on the figure.
 */
final class Legibility {
    /** Neighbouring tick labels of one axis closer than this (pixels) run into each other when read. */
    static final double TICK_GAP = 4;
    /** "1 steps", "1 tasks": a one followed by a plural; words ending in ss, us or is are singular (1 class). */
    private static final Pattern ONE_PLURAL = Pattern.compile("(?<![\\d.,])\\b1 ([a-z]+s)\\b");

    private Legibility() {
    }

    /** Every problem of {@code f}, one line each, naming the figure; empty when it reads well. */
    static List<String> problems(Figures.Figure f) {
        List<String> out = new ArrayList<>();
        Canvas.Layout l = f.layout();
        String name = f.file() + ": ";
        Rectangle2D image = new Rectangle2D.Double(0, 0, l.width(), l.height());
        List<Canvas.Text> texts = l.texts();
        for (Canvas.Text t : texts) {
            if (!image.contains(t.box())) {
                out.add(name + t.role() + " '" + t.text() + "' is cut by the image's edge: " + box(t.box()) + " in "
                        + l.width() + "x" + l.height());
            }
        }
        for (int i = 0; i < texts.size(); i++) {
            for (int j = i + 1; j < texts.size(); j++) {
                Rectangle2D a = texts.get(i).box();
                Rectangle2D b = texts.get(j).box();
                Rectangle2D both = a.createIntersection(b);
                if (both.getWidth() > 0.5 && both.getHeight() > 0.5) {
                    out.add(name + texts.get(i).role() + " '" + texts.get(i).text() + "' " + box(a) + " overlaps "
                            + texts.get(j).role() + " '" + texts.get(j).text() + "' " + box(b));
                }
            }
        }
        out.addAll(tickGaps(name, texts, Canvas.Role.X_TICK, true));
        out.addAll(tickGaps(name, texts, Canvas.Role.Y_TICK, false));
        Map<String, String> styles = new HashMap<>();
        Map<String, String> names = new HashMap<>();
        for (Canvas.Key k : l.keys()) {
            if (names.put(k.name(), k.style()) != null) {
                out.add(name + "two legend entries are named '" + k.name() + "'");
            }
            String other = styles.put(k.style(), k.name());
            if (other != null) {
                out.add(name + "legend entries '" + other + "' and '" + k.name() + "' look alike (" + k.style() + ")");
            }
            if (l.marks().getOrDefault(k.name(), 0) == 0) {
                out.add(name + "legend entry '" + k.name() + "' names nothing visible in the plot");
            }
        }
        for (double[] bar : l.errorBars()) {
            if (bar[0] <= bar[1]) {
                out.add(String.format(java.util.Locale.ROOT, "%san error bar of %.1f px inside a marker of %.0f px: a "
                        + "dash in the point, not a spread", name, bar[0], bar[1]));
            }
        }
        for (String text : java.util.stream.Stream.concat(java.util.stream.Stream.of(f.caption(), f.title(), f.alt()),
                texts.stream().map(Canvas.Text::text)).toList()) {
            Matcher m = ONE_PLURAL.matcher(text);
            while (m.find()) {
                if (!m.group(1).matches(".*(ss|us|is)")) {
                    out.add(name + "'1 " + m.group(1) + "' in \"" + text + "\"");
                }
            }
        }
        return out;
    }

    /**
     * Neighbouring tick labels of one axis (same role, on one line: the same baseline across, or the same right
     * edge down) at least {@link #TICK_GAP} apart.
     */
    private static List<String> tickGaps(String name, List<Canvas.Text> texts, Canvas.Role role, boolean across) {
        Map<Long, List<Canvas.Text>> axes = new HashMap<>();
        for (Canvas.Text t : texts) {
            if (t.role() == role) {
                long line = Math.round(across ? t.box().getMaxY() : t.box().getMaxX());
                axes.computeIfAbsent(line, k -> new ArrayList<>()).add(t);
            }
        }
        List<String> out = new ArrayList<>();
        for (List<Canvas.Text> axis : axes.values()) {
            axis.sort(Comparator.comparingDouble(t -> across ? t.box().getX() : t.box().getY()));
            for (int i = 1; i < axis.size(); i++) {
                Rectangle2D a = axis.get(i - 1).box();
                Rectangle2D b = axis.get(i).box();
                double gap = across ? b.getX() - a.getMaxX() : b.getY() - a.getMaxY();
                if (gap < TICK_GAP) {
                    out.add(String.format(java.util.Locale.ROOT, "%s%s labels '%s' and '%s' are %.1f px apart (at "
                            + "least %.0f)", name, role, axis.get(i - 1).text(), axis.get(i).text(), gap, TICK_GAP));
                }
            }
        }
        return out;
    }

    private static String box(Rectangle2D r) {
        return String.format(java.util.Locale.ROOT, "[%.0f,%.0f %.0fx%.0f]", r.getX(), r.getY(), r.getWidth(),
                r.getHeight());
    }
}
