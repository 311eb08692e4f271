/**
 * Experiments: the resolved configuration of a run ({@link dev.rehearsal.config.ExperimentConfig}, every
 * option with its default and documentation), the runner that takes a strategy through a scenario and
 * measures it, and the results written as JSON and Markdown. Checkpoints and run records are verified when
 * a run resumes ({@link dev.rehearsal.experiment.Integrity}: checksums, the config they were written for,
 * values in range).
 */
package dev.rehearsal.experiment;
