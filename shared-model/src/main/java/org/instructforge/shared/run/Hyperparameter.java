package org.instructforge.shared.run;

/**
 * One tunable setting of a run: its name (the trainer's settings-record component of the same name), whether it
 * is a whole number, the recipe's default and the accepted range.
 */
public record Hyperparameter(String name, boolean integer, double defaultValue, double min, double max, String help) {

    static Hyperparameter whole(String name, long defaultValue, long min, long max, String help) {
        return new Hyperparameter(name, true, defaultValue, min, max, help);
    }

    static Hyperparameter real(String name, double defaultValue, double min, double max, String help) {
        return new Hyperparameter(name, false, defaultValue, min, max, help);
    }

    /** The value as a form shows it: whole numbers without a decimal point, reals as short as they round-trip. */
    public String format(double value) {
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
