package org.instructforge.shared;

/**
 * Where a prompt stands in PII scrubbing. Only CLEAN and SCRUBBED prompts are shown, labelled, exported or trained on:
 * that rule lives once, in the schema ({@code prompt_pii_cleared} and {@code prompt_usable}, V027), where every reader
 * of both services asks it.
 */
public enum PiiStatus {
    UNSCANNED,
    CLEAN,
    PENDING_REVIEW,
    SCRUBBED
}
