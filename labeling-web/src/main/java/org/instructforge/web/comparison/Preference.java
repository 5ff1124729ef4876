package org.instructforge.web.comparison;

/** A labeler's verdict on two outputs shown side by side; the digit is its key on the page. */
public enum Preference {
    LEFT("1", "Left is better"),
    RIGHT("2", "Right is better"),
    TIE("3", "Tie: equally good"),
    BOTH_BAD("4", "Both are bad");

    private final String key;
    private final String label;

    Preference(String key, String label) {
        this.key = key;
        this.label = label;
    }

    public String key() {
        return key;
    }

    public String label() {
        return label;
    }

    /** A form's value, or a clear error for a missing or unknown one. */
    static Preference parse(String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidJudgementException("Choose the better output, a tie, or both bad.");
        }
        try {
            return valueOf(value.strip());
        } catch (IllegalArgumentException e) {
            throw new InvalidJudgementException("Unknown choice " + value + ": LEFT, RIGHT, TIE or BOTH_BAD.");
        }
    }
}
