package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/** The {@code gemm} key: the library that runs the native backend's GEMMs. */
public enum Gemm implements Word {
    DNNL,
    OPENBLAS;

    @JsonValue
    @Override
    public String id() {
        return Word.idOf(this);
    }

    @Override
    public String toString() {
        return id();
    }

    /** The value written {@code text} (any case); see {@link Word#parse}. */
    @JsonCreator
    public static Gemm of(String text) {
        return Word.parse(Gemm.class, text);
    }
}
