package org.instructforge.shared;

/** Dataset splits, made by source user ID so no user's prompts appear in two splits. */
public enum Split {
    TRAIN,
    VALID,
    TEST
}
