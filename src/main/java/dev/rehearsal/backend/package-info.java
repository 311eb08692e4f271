/**
 * The op interface every model runs on: a small set of primitive ops (linear forward/backward, ReLU,
 * sigmoid, the losses, reparameterisation, the optimiser steps, batch gather) with explicit argument
 * order. {@code backend.jvm} is the executable specification; {@code backend.nativ} is the fast path.
 * Nothing here imports a native library.
 */
package dev.rehearsal.backend;
