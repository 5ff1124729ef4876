package org.instructforge.shared;

/** Whether a prompt is sampled for labeling and training, or why not. */
public enum PromptStatus {
    ACTIVE,
    /** Shares a long normalised prefix with an earlier prompt. */
    DUPLICATE,
    /** Beyond the per-user cap (InstructGPT: 200 prompts per user ID). */
    OVER_CAP,
    RETIRED
}
