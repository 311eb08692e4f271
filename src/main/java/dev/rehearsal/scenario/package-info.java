/**
 * Continual-learning scenarios: a sequence of {@link dev.rehearsal.scenario.Task}s over a dataset, in one of
 * the three standard settings (van de Ven, Tuytelaars and Tolias 2022). A scenario maps each sample to an
 * output unit of the classifier and says, per task, which output units its loss and its evaluation use.
 */
package dev.rehearsal.scenario;
