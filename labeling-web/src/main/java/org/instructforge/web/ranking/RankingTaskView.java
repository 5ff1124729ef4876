package org.instructforge.web.ranking;

import java.time.Instant;
import java.util.List;

/**
 * A ranking task as the labeler sees it: the prompt and the outputs in this labeler's shuffled order,
 * labelled A, B, C... The model that wrote each output is never shown.
 */
public record RankingTaskView(
        long leaseId,
        long promptId,
        String prompt,
        String datasetName,
        String guidelines,
        List<Output> outputs,
        boolean submitted,
        Instant leaseExpiresAt) {

    /** One output; {@code long} is true for text long enough to start collapsed. */
    public record Output(long candidateId, String letter, String text, boolean isLong) {}

    public int k() {
        return outputs.size();
    }

    public List<MetadataFlag> flags() {
        return List.of(MetadataFlag.values());
    }
}
