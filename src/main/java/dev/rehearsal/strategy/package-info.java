/**
 * Continual-learning strategies, each a small class behind {@link dev.rehearsal.strategy.Strategy}:
 * fine-tuning ({@code naive}, the lower bound), cumulative training ({@code joint}, the upper bound),
 * experience replay ({@code er}), deep generative replay ({@code gr}), A-GEM ({@code agem}: gradient projection
 * against an episodic memory) and iCaRL ({@code icarl}: herding exemplars, binary cross-entropy with
 * distillation, nearest-mean-of-exemplars classification), and the generative classifier ({@code genc}: a VAE
 * per class and no solver, classifying by importance-sampled likelihood). They share one training loop
 * ({@link dev.rehearsal.strategy.Learner}) and differ only in how they configure replay and what they keep
 * after each task. What a strategy holds (solver, batch buffers, replay buffer, generator, frozen models,
 * scratch) it registers as {@link dev.rehearsal.strategy.Component}s; its footprint, memory, checkpoint and
 * close are loops over that one list.
 */
package dev.rehearsal.strategy;
