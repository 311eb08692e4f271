/**
 * Layers and models with explicit forward and backward passes, no autograd tape. A model declares its
 * parameter table and activation table from its config ({@code fc1.weight [H, IN]}, {@code h1 [B, H]}, ...),
 * allocates four blocks once (parameters, gradients, optimiser state, activations with workspace), and its
 * backward calls the layers' backward ops visibly in reverse order. Counts (parameters, MACs, bytes) are sums
 * over those tables.
 */
package dev.rehearsal.nn;
