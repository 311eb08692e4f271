/**
 * The results folder as one self-contained page: {@link dev.rehearsal.report.HtmlReport} reads
 * {@code results.json} (run, compare) and/or {@code scale.json} (scale) and the sample grids in
 * {@code samples/}, draws the figures (PNGs in {@code figures/}, laid out by {@code Plot} and {@code Ticks} on a
 * {@code Canvas} that records every label's box for the legibility check) and writes {@code report.html},
 * which embeds every image as a data URI so that it opens offline and can be mailed as one file.
 * {@link dev.rehearsal.report.ImageGrid} lays out grayscale digits (buffer contents, generated samples) as
 * PNG grids. What the page says about the run's protocol (the short-configuration banner, the protocol line)
 * comes from the stored config ({@code Protocol}); published accuracies ({@code Published}, the resource
 * {@code published.json}) are shown only on their protocol; confidence intervals over seeds are Student t
 * ({@code Interval}); heat maps are drawn with Java2D on the viridis scale with a colour bar ({@code HeatMap});
 * the per-run loss curves and confusion matrices are read by {@code RunDetails}.
 *
 * <p>AWT runs headless here: the classes that draw set {@code java.awt.headless=true} before touching AWT,
 * because servers have no display.
 */
package dev.rehearsal.report;
