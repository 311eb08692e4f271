/**
 * What a run measured: the accuracy matrix and the continual-learning metrics computed from it (ACC, BWT,
 * FWT: Lopez-Paz and Ranzato 2017; average forgetting: Chaudhry et al. 2018), wall time per phase, and
 * multiply-accumulate counts per phase.
 */
package dev.rehearsal.metrics;
