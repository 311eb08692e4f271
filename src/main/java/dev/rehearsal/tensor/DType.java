package dev.rehearsal.tensor;

/** Element types a block can hold: float activations and weights, uint8 pixels, int32 labels and indices. */
public enum DType {
    F32(4, "F32"),
    U8(1, "U8"),
    I32(4, "I32");

    private final int bytes;
    private final String safetensorsName;

    DType(int bytes, String safetensorsName) {
        this.bytes = bytes;
        this.safetensorsName = safetensorsName;
    }

    /** Bytes per element. */
    public int bytes() {
        return bytes;
    }

    /** The dtype string of the safetensors format. */
    public String safetensorsName() {
        return safetensorsName;
    }
}
