package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/** The {@code backend} key: the native backend (OpenBLAS, oneDNN) or the JVM's (the executable specification). */
public enum BackendType implements Word {
    NATIVE,
    JVM;

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
    public static BackendType of(String text) {
        return Word.parse(BackendType.class, text);
    }
}
