package dev.rehearsal.scenario;

import java.util.Locale;

/** What the model must infer at test time (van de Ven, Tuytelaars and Tolias 2022). */
public enum Setting {
    /** Class-incremental: one head over all classes seen so far; no task identity at test time. */
    CLASS,
    /** Task-incremental: task identity given; the logits are masked to the task's classes. */
    TASK,
    /** Domain-incremental: one head of the within-task classes shared by every task. */
    DOMAIN;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Setting parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "class", "class-il", "class-incremental" -> CLASS;
            case "task", "task-il", "task-incremental" -> TASK;
            case "domain", "domain-il", "domain-incremental" -> DOMAIN;
            default -> throw new IllegalArgumentException("unknown setting '" + text + "': use class, task or domain");
        };
    }
}
