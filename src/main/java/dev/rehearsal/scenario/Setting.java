package dev.rehearsal.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.rehearsal.Word;
import java.util.Locale;

/** What the model must infer at test time (van de Ven, Tuytelaars and Tolias 2022). */
public enum Setting implements Word {
    /** Class-incremental: one head over all classes seen so far; no task identity at test time. */
    CLASS,
    /** Task-incremental: task identity given; the logits are masked to the task's classes. */
    TASK,
    /** Domain-incremental: one head of the within-task classes shared by every task. */
    DOMAIN;

    @JsonValue
    @Override
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value written {@code text} in a config (any case, nothing else); see {@link Word#parse}. */
    @JsonCreator
    public static Setting of(String text) {
        return Word.parse(Setting.class, text);
    }

    /** A setting by its id or its long names (class-il, class-incremental, ...). */
    public static Setting parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "class", "class-il", "class-incremental" -> CLASS;
            case "task", "task-il", "task-incremental" -> TASK;
            case "domain", "domain-il", "domain-incremental" -> DOMAIN;
            default -> throw new IllegalArgumentException("unknown setting '" + text + "': use class, task or domain");
        };
    }
}
