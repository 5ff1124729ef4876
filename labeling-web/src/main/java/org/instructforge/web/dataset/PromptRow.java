package org.instructforge.web.dataset;

/** A prompt as the admin's browser lists it. */
public record PromptRow(
        long id,
        String text,
        String userId,
        String source,
        String category,
        String split,
        String piiStatus,
        String status) {}
