/**
 * Replay: where old samples come from (a class-balanced buffer of raw uint8 samples, a frozen generator
 * labelled by the frozen previous classifier, or a pool generated once per task) and the
 * {@link dev.rehearsal.replay.ReplayScheduler} that composes every training batch from current and replayed
 * rows with their loss weights, and {@link dev.rehearsal.replay.Herding}, iCaRL's exemplar selection on a
 * solver's features. Strategies configure these; none re-implements them.
 */
package dev.rehearsal.replay;
