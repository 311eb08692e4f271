/**
 * What a run measured: the accuracy matrix and the continual-learning metrics computed from it (ACC, BWT,
 * FWT: Lopez-Paz and Ranzato 2017; average forgetting: Chaudhry et al. 2018), wall time per phase,
 * multiply-accumulate counts per phase, the training loss curves the loop records ({@link
 * dev.rehearsal.metrics.LossCurves}), the final solver's confusion matrix, and how much of what was asked a
 * strategy's runs cover ({@link dev.rehearsal.metrics.Completion}: the marker every table puts on an incomplete
 * strategy, and the runs not run).
 */
package dev.rehearsal.metrics;
