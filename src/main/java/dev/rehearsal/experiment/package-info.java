/**
 * Experiments: the resolved configuration of a run ({@link dev.rehearsal.config.ExperimentConfig}, every
 * option with its default and documentation), the runner that takes a strategy through a scenario and
 * measures it, and the results written as JSON and Markdown.
 */
package dev.rehearsal.experiment;
