/**
 * The profiling harness: exact memory footprints per component (checked against JavaCPP's allocation
 * counter), measured process memory reported apart, compute per phase and per step with achieved GFLOP/s,
 * growth fits of the scaling study, and the generated answers to the reference report's four questions.
 */
package dev.rehearsal.profile;
