package org.instructforge.web.demonstration;

import java.time.Instant;

/** What the demonstration page shows: the prompt, the dataset's guidelines and the labeler's draft. */
public record DemonstrationTask(
        long leaseId,
        long promptId,
        String prompt,
        String datasetName,
        String guidelines,
        String draft,
        Instant draftSavedAt,
        boolean submitted,
        int maxChars,
        Instant leaseExpiresAt) {}
