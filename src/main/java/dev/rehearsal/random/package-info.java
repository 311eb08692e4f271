/** Seeded, splittable random numbers with a state that can be saved and restored exactly. */
package dev.rehearsal.random;
