package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/** The {@code replay-targets} key: generated replay labelled with the previous solver's hard labels or its soft targets. */
public enum ReplayTargets implements Word {
    HARD,
    SOFT;

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
    public static ReplayTargets of(String text) {
        return Word.parse(ReplayTargets.class, text);
    }
}
