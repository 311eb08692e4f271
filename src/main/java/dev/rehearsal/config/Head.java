package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/** The {@code head} key: a class-incremental head that grows by each task's classes, or has every output from the start. */
public enum Head implements Word {
    GROW,
    FIXED;

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
    public static Head of(String text) {
        return Word.parse(Head.class, text);
    }
}
