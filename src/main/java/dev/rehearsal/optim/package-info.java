/**
 * Optimisers that update a model's whole contiguous parameter block in one backend call (SGD with
 * momentum, Adam with bias correction), and learning-rate schedules.
 */
package dev.rehearsal.optim;
