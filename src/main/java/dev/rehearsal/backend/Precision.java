package dev.rehearsal.backend;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;
import java.util.Locale;

/**
 * What a backend's matmuls multiply in. Every other op, every accumulation, the parameters (the master
 * weights), their gradients and the optimiser state stay float32 in both.
 */
public enum Precision implements Word {
    /** float32 operands: the default and the reference. */
    FP32,
    /**
     * Operands rounded to bfloat16 (round to nearest even) before each matmul, products accumulated in
     * float32, results written as float32: what {@code --precision bf16} runs, on CPUs with AVX512_BF16 or AMX.
     */
    BF16;

    /** The config's spelling: "fp32" or "bf16". */
    @JsonValue
    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The precision written {@code text} (any case); see {@link Word#parse}. */
    @JsonCreator
    public static Precision of(String text) {
        return Word.parse(Precision.class, text);
    }
}
