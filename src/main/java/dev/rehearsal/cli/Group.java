package dev.rehearsal.cli;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The headed sections of a command's {@code --help}, in the order they are printed; an option is placed in one
 * where it is declared ({@code @Group.In(DATA)}). Options in no section (what to run: strategies, seeds,
 * {@code --quick}, {@code --resume}, help and version) are listed first, under "Options".
 */
enum Group {
    DATA("Data"),
    MODEL("Model"),
    TRAINING("Training"),
    REPLAY("Replay"),
    /** The options strategies declare themselves (added to the commands at start-up). */
    STRATEGY("Strategy options (each read by the strategies in brackets)"),
    OUTPUT("Output"),
    SYSTEM("System");

    final String heading;

    Group(String heading) {
        this.heading = heading;
    }

    /** The section of the option declared on the annotated field. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.FIELD)
    @interface In {
        Group value();
    }
}
