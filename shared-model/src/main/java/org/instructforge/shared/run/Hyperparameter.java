package org.instructforge.shared.run;

import java.util.List;
import java.util.Locale;

/**
 * One tunable setting of a run: its name (the trainer's settings-record component of the same name), whether it
 * is a whole number, the recipe's default and the accepted range. A choice (a loss, a flag) names its values in
 * {@code choices}; its default, minimum and maximum are then indices into them.
 */
public record Hyperparameter(
        String name, boolean integer, double defaultValue, double min, double max, String help, List<String> choices) {

    public Hyperparameter {
        choices = choices == null ? List.of() : List.copyOf(choices);
    }

    static Hyperparameter whole(String name, long defaultValue, long min, long max, String help) {
        return new Hyperparameter(name, true, defaultValue, min, max, help, List.of());
    }

    static Hyperparameter real(String name, double defaultValue, double min, double max, String help) {
        return new Hyperparameter(name, false, defaultValue, min, max, help, List.of());
    }

    /** One of named values (lower case), stored as the name; the trainer binds it to its enum in any case. */
    static Hyperparameter choice(String name, String defaultChoice, String help, String... choices) {
        int index = List.of(choices).indexOf(defaultChoice);
        if (index < 0) {
            throw new IllegalArgumentException(defaultChoice + " is not one of " + List.of(choices));
        }
        return new Hyperparameter(name, true, index, 0, choices.length - 1, help, List.of(choices));
    }

    /** On or off, stored as a JSON boolean. */
    static Hyperparameter flag(String name, boolean defaultValue, String help) {
        return new Hyperparameter(name, true, defaultValue ? 1 : 0, 0, 1, help, List.of("false", "true"));
    }

    /** Whether the value is one of {@link #choices} rather than a number. */
    public boolean isChoice() {
        return !choices.isEmpty();
    }

    /** Whether the value is true or false (stored as a JSON boolean). */
    public boolean isFlag() {
        return choices.equals(List.of("false", "true"));
    }

    /**
     * The stored value of a typed-in choice (any case, surrounding blanks ignored): the name, or a boolean for a
     * flag; null when it is none of the choices.
     */
    Object parseChoice(String text) {
        int index = choices.indexOf(text.trim().toLowerCase(Locale.ROOT));
        if (index < 0) {
            return null;
        }
        return isFlag() ? (Object) (index == 1) : choices.get(index);
    }

    /** The value as a form shows it: whole numbers without a decimal point, reals as short as they round-trip. */
    public String format(double value) {
        if (isChoice()) {
            return choices.get((int) value);
        }
        return integer ? Long.toString((long) value) : trimmed(value);
    }

    public String formattedDefault() {
        return format(defaultValue);
    }

    private static String trimmed(double value) {
        String plain = Double.toString(value);
        return plain.endsWith(".0") ? plain.substring(0, plain.length() - 2) : plain;
    }
}
