package org.instructforge.web.pii;

/** What an admin decides about one detection. */
public enum ReviewDecision {
    /** It is PII: replace it with its typed placeholder. */
    ACCEPT,
    /** It is PII, but replace it with the admin's own text (e.g. keep a city, drop the street). */
    EDIT,
    /** Not PII: leave the text as it is. */
    REJECT
}
