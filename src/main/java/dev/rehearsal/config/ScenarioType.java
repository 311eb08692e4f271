package dev.rehearsal.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;

/** The {@code scenario} key: how tasks are made from the dataset (split: pairs of classes; permuted: one pixel permutation per task, all classes). */
public enum ScenarioType implements Word {
    SPLIT,
    PERMUTED;

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
    public static ScenarioType of(String text) {
        return Word.parse(ScenarioType.class, text);
    }
}
