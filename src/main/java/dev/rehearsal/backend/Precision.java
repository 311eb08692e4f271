package dev.rehearsal.backend;

import java.util.Locale;

/**
 * What a backend's matmuls multiply in. Every other op, every accumulation, the parameters (the master
 * weights), their gradients and the optimiser state stay float32 in both.
 */
public enum Precision {
    /** float32 operands: the default and the reference. */
    FP32,
    /**
     * Operands rounded to bfloat16 (round to nearest even) before each matmul, products accumulated in
     * float32, results written as float32: what {@code --precision bf16} runs, on CPUs with AVX512_BF16 or AMX.
     */
    BF16;

    /** The config's spelling: "fp32" or "bf16". */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Precision of(String id) {
        return switch (id) {
            case "fp32" -> FP32;
            case "bf16" -> BF16;
            default -> throw new IllegalArgumentException("unknown precision '" + id + "': use fp32 or bf16");
        };
    }
}
