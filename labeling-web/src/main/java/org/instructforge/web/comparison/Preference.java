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
}
