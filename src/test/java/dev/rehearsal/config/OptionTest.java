package dev.rehearsal.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.rehearsal.RehearsalException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An option's declaration is its whole vocabulary: parsing, range checks, defaults, help text. */
class OptionTest {
    private static final Option LAMBDA = Option.number("test-lambda", 100, 0, false, 1e12, "Penalty strength.")
            .withSettingDefaults(Map.of("class", 1e9, "task", 1e5));
    private static final Option STEPS = Option.integer("test-steps", 4, 1, 1000, "Steps.");
    private static final Option MODE = Option.choice("test-mode", "Mode.", Mode.class);

    /** The words of {@link #MODE}. */
    enum Mode implements dev.rehearsal.Word {
        FAST,
        SLOW;

        @Override
        public String id() {
            return dev.rehearsal.Word.idOf(this);
        }
    }
    private static final Option ON = Option.flag("test-on", true, "Switch.");

    private static String refused(Option o, Object value) {
        RehearsalException e = assertThrows(RehearsalException.class,
                () -> {
                    if (value instanceof String s) {
                        o.parse(s);
                    } else {
                        o.check(value);
                    }
                });
        assertEquals(RehearsalException.USAGE, e.exitCode());
        assertTrue(e.getMessage().contains("'" + o.key() + "'"), e.getMessage());
        return e.getMessage();
    }

    @Test
    void valuesAreParsedAndTyped() {
        assertEquals(2.5, LAMBDA.parse("2.5"));
        assertEquals(7, STEPS.parse("7"));
        assertEquals("slow", MODE.parse("SLOW"));
        assertEquals(false, ON.parse("false"));
        assertEquals(1e4, LAMBDA.check(10000), "a YAML integer is a number");
    }

    @Test
    void everyKindRefusesWhatItCannotHold() {
        refused(LAMBDA, "-1");
        refused(LAMBDA, "NaN");
        refused(LAMBDA, "1e13");
        assertTrue(refused(LAMBDA, "1e-320").contains("float32"), "zero once stored as float32");
        refused(LAMBDA, "abc");
        refused(STEPS, "0");
        refused(STEPS, "2.5");
        refused(STEPS, 2.5);
        refused(MODE, "medium");
        refused(ON, "yes");
        refused(ON, 1);
    }

    @Test
    void defaultsMayDependOnTheSetting() {
        assertEquals(1e9, LAMBDA.defaultFor("class"));
        assertEquals(1e5, LAMBDA.defaultFor("task"));
        assertEquals(100.0, LAMBDA.defaultFor("domain"), "a setting not listed keeps the plain default");
        assertEquals("Penalty strength. (default 1.0E9 class, 100000.0 task, else 100.0; [0, 1000000000000])",
                LAMBDA.description());
        assertEquals("Steps. (default 4; 1 to 1000)", STEPS.description());
    }

    /**
     * Published values differ by experiment as well as by setting (van de Ven et al.'s Split and Permuted MNIST):
     * a scenario's own value wins, then the setting's, then the plain default; --help lists them all.
     */
    @Test
    void defaultsMayDependOnTheScenarioAndTheSetting() {
        Option o = LAMBDA.withScenarioDefaults("permuted", Map.of("task", 7.0, "domain", 8.0));
        assertEquals(1e9, o.defaultFor("split", "class"));
        assertEquals(1e5, o.defaultFor("split", "task"));
        assertEquals(100.0, o.defaultFor("split", "domain"));
        assertEquals(1e9, o.defaultFor("permuted", "class"), "a setting the scenario does not list: the setting's");
        assertEquals(7.0, o.defaultFor("permuted", "task"));
        assertEquals(8.0, o.defaultFor("permuted", "domain"));
        assertEquals(1e5, o.defaultFor("task"), "without a scenario: the split scenario's");
        assertEquals("Penalty strength. (default 1.0E9 class, 100000.0 task, 7.0 permuted task, 8.0 permuted domain, "
                + "else 100.0; [0, 1000000000000])", o.description());
        assertThrows(IllegalArgumentException.class, () -> LAMBDA.withScenarioDefaults("rotated", Map.of("task", 1.0)));
        assertThrows(IllegalArgumentException.class, () -> LAMBDA.withScenarioDefaults("permuted", Map.of("dom", 1.0)));
        assertThrows(RehearsalException.class, () -> LAMBDA.withScenarioDefaults("permuted", Map.of("task", -1.0)),
                "a scenario's default is checked like any value");
    }

    @Test
    void aDeclarationMustHoldItsOwnDefault() {
        assertThrows(RehearsalException.class, () -> Option.integer("bad-default", 0, 1, 10, "x"));
        assertThrows(IllegalArgumentException.class, () -> Option.flag("Not_A_Key", true, "x"));
    }
}
