package org.instructforge.shared;

/** Who wrote a prompt: InstructGPT mixes labeler-written prompts with prompts from product users. */
public enum PromptSource {
    LABELER,
    CUSTOMER
}
