/**
 * The results folder as one self-contained page: {@link dev.rehearsal.report.HtmlReport} reads
 * {@code results.json} (run, compare) and/or {@code scale.json} (scale) and the sample grids in
 * {@code samples/}, draws the figures (XChart PNGs in {@code figures/}) and writes {@code report.html},
 * which embeds every image as a data URI so that it opens offline and can be mailed as one file.
 * {@link dev.rehearsal.report.ImageGrid} lays out grayscale digits (buffer contents, generated samples) as
 * PNG grids.
 *
 * <p>AWT runs headless here: the classes that draw set {@code java.awt.headless=true} before touching AWT,
 * because servers have no display.
 */
package dev.rehearsal.report;
