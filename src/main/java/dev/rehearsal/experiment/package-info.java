/**
 * Experiments: the resolved configuration of a run ({@link dev.rehearsal.config.ExperimentConfig}, every
 * option with its default and documentation), the runner that takes a strategy through a scenario and
 * measures it, and the results written as JSON (in the layout of {@link dev.rehearsal.ResultsSchema}), tidy CSV
 * ({@link dev.rehearsal.experiment.ResultsCsv}) and Markdown, and merged across folders for
 * {@code rehearsal report} ({@link dev.rehearsal.experiment.ResultsMerge}). Checkpoints and run records are verified when
 * a run resumes ({@link dev.rehearsal.experiment.Integrity}: checksums, the config they were written for,
 * values in range). {@link dev.rehearsal.experiment.RunListing} lists the runs in results folders
 * ({@code rehearsal runs}).
 */
package dev.rehearsal.experiment;
