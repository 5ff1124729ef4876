package org.instructforge.shared;

/** Where a prompt stands in PII scrubbing. Training exports take only CLEAN and SCRUBBED prompts. */
public enum PiiStatus {
    UNSCANNED,
    CLEAN,
    PENDING_REVIEW,
    SCRUBBED;

    /** Whether text in this state may leave the platform in a training export. */
    public boolean exportable() {
        return this == CLEAN || this == SCRUBBED;
    }
}
