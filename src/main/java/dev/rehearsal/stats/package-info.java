/**
 * The statistics a continual-learning paper reports, in one small module that every table and sentence uses:
 * a mean over seeds with its sample standard deviation, SEM (std / sqrt(n), as van de Ven et al. print it) and
 * 95% Student-t interval ({@link dev.rehearsal.stats.SeedSummary}); Student's t distribution in closed form
 * ({@link dev.rehearsal.stats.StudentT}); the paired t-test and the exact Wilcoxon signed-rank test between two
 * methods run on the same seeds ({@link dev.rehearsal.stats.Paired}); Holm's step-down correction across the
 * comparisons of one table ({@link dev.rehearsal.stats.Holm}); and the rule that decides whether a sentence may
 * say that one method beats another ({@link dev.rehearsal.stats.Verdict}). It depends on nothing else in the
 * project.
 */
package dev.rehearsal.stats;
