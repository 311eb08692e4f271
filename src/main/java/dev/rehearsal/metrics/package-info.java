/**
 * What a run measured: the accuracy matrix and the continual-learning metrics computed from it (ACC, BWT,
 * FWT: Lopez-Paz and Ranzato 2017; average forgetting: Chaudhry et al. 2018), wall time per phase,
 * multiply-accumulate counts per phase, the training loss curves the loop records ({@link
 * dev.rehearsal.metrics.LossCurves}) and the final solver's confusion matrix.
 */
package dev.rehearsal.metrics;
