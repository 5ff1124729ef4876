package org.instructforge.web.dataset;

/** A dataset with its prompt counts, as the admin's overview shows it. */
public record DatasetSummary(
        long id,
        String name,
        String description,
        String status,
        long prompts,
        long activePrompts,
        long trainPrompts,
        long validPrompts,
        long testPrompts,
        long piiPendingReview) {}
