/**
 * Sweeps: a grid file expanded into experiments (each one resolved config with one strategy and seed, named
 * by {@link dev.rehearsal.experiment.Experiment#id}), validated before anything runs, run on an
 * {@link dev.rehearsal.engine.Engine} with each record written atomically to {@code runs/<id>.json} as it
 * arrives (a re-run skips the finished ids), and merged into {@code sweep.json}, a tidy {@code sweep.csv},
 * {@code sweep.md} (mean ± std over seeds per grid point) and the report. A grid may choose among its
 * combinations on validation results of some seeds and report the chosen ones on others ({@link
 * dev.rehearsal.sweep.Selection}). Where the records are, and records taken from other sweeps' folders:
 * {@link dev.rehearsal.sweep.Records}.
 */
package dev.rehearsal.sweep;
