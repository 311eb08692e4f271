package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/** The {@code generation} key: generated replay made every step (on-the-fly) or once per task into a pool. */
public enum Generation implements Word {
    ON_THE_FLY,
    POOL;

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
    public static Generation of(String text) {
        return Word.parse(Generation.class, text);
    }
}
