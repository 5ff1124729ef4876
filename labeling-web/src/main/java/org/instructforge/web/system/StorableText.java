package org.instructforge.web.system;

/**
 * Text PostgreSQL can store. A text column refuses the NUL character (U+0000) and jsonb refuses its JSON escape,
 * and an unpaired surrogate (which a broken JSON escape can produce) has no UTF-8 form: either one sent
 * to the database fails the whole transaction with a 500. Every text a request brings is checked against this one
 * rule before anything is written: form fields and request parameters by the binder, JSON request bodies by the JSON
 * reader ({@link StorableTextBinding}), and uploaded files line by line by their importers, which name the line.
 */
public final class StorableText {

    /** Text that cannot be stored; the message is written for the person who sent it. */
    public static final class UnstorableTextException extends IllegalArgumentException {
        UnstorableTextException(String message) {
            super(message);
        }
    }

    private StorableText() {}

    /** Why the text cannot be stored, or null when it can. */
    public static String problem(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\0') {
                return "contains a NUL character (U+0000), which cannot be stored";
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "contains an unpaired surrogate (an invalid \\u escape)";
            }
        }
        return null;
    }

    /**
     * @param field what the text is, as the sender knows it ("text", "outputs[2].model")
     * @throws UnstorableTextException when it cannot be stored
     */
    public static void require(String field, String value) {
        String problem = value == null ? null : problem(value);
        if (problem != null) {
            throw new UnstorableTextException(field + " " + problem);
        }
    }
}
