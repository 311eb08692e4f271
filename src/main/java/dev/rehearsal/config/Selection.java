package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/** The {@code selection} key: how samples enter a replay buffer (random, reservoir, or herding after the task). */
public enum Selection implements Word {
    RANDOM,
    RESERVOIR,
    HERDING;

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
    public static Selection of(String text) {
        return Word.parse(Selection.class, text);
    }
}
