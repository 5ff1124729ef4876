package org.instructforge.web.pii;

/**
 * The kinds of personal data the scanner finds, each with the placeholder that replaces it.
 *
 * <p>Declaration order is specificity, most specific first: when two detections cover exactly the same
 * span, the earlier type wins (a checksum-validated IBAN beats a phone-number reading of the same digits).
 */
public enum PiiType {
    SECRET_URL("[SECRET_URL]"),
    EMAIL("[EMAIL]"),
    IBAN("[IBAN]"),
    CARD("[CARD]"),
    SSN("[SSN]"),
    IP("[IP]"),
    PHONE("[PHONE]"),
    ADDRESS("[ADDRESS]"),
    NAME("[NAME]");

    private final String placeholder;

    PiiType(String placeholder) {
        this.placeholder = placeholder;
    }

    /** The text that replaces a detection of this type when a prompt is scrubbed, e.g. {@code [EMAIL]}. */
    public String placeholder() {
        return placeholder;
    }
}
