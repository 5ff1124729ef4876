package org.instructforge.web.round;

import java.time.Instant;

/**
 * A label round for listing.
 *
 * @param labelled DEMONSTRATION: the round's prompts that have a submitted demonstration
 */
public record RoundSummary(
        long id,
        String kind,
        String name,
        String status,
        String datasetName,
        String split,
        Integer promptCount,
        Integer outputsPerPrompt,
        String feedbackSource,
        Long runId,
        Instant createdAt,
        long labelled) {}
