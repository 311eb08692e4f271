package dev.rehearsal.backend;

/** The activation a linear layer fuses into its forward pass. */
public enum Activation {
    NONE,
    RELU
}
