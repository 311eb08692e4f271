package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/** The {@code weighting} key: current 1/t and replay 1 - 1/t on the t-th task (tasks), or half and half (equal). */
public enum Weighting implements Word {
    TASKS,
    EQUAL;

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
    public static Weighting of(String text) {
        return Word.parse(Weighting.class, text);
    }
}
