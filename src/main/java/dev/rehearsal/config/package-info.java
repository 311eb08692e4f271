/**
 * The vocabulary of an experiment: every option a run understands, declared once, and the resolved config
 * ({@link dev.rehearsal.config.ExperimentConfig}) that carries their values. Options that belong to one
 * strategy are declared by that strategy as {@link dev.rehearsal.config.Option}s; the command line, config
 * files, validation, {@code --help} and the results read those declarations. This package sits below
 * {@code strategy}, so strategies may import it; it imports nothing of Rehearsal's above it.
 */
package dev.rehearsal.config;
