package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/** The {@code omp-wait} key: what idle oneDNN (OpenMP) threads do (auto decides at start-up). */
public enum OmpWait implements Word {
    AUTO,
    DEFAULT,
    PASSIVE,
    ACTIVE,
    BRIEF;

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
    public static OmpWait of(String text) {
        return Word.parse(OmpWait.class, text);
    }
}
