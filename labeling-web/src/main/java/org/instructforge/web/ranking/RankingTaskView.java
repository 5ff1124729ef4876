package org.instructforge.web.ranking;

import java.time.Instant;
import java.util.List;

/**
 * A ranking task as the labeler sees it: the prompt and the outputs in this labeler's shuffled order,
 * labelled A, B, C... The model that wrote each output is never shown.
 *
 * @param draft what the labeler entered before and has not submitted yet ({@link EnteredRanking#NOTHING} when
 *     nothing)
 * @param draftSavedAt when the draft was saved; null when there is none
 */
public record RankingTaskView(
        long leaseId,
        long promptId,
        String prompt,
        String datasetName,
        String guidelines,
        List<Output> outputs,
        boolean submitted,
        Instant leaseExpiresAt,
        EnteredRanking draft,
        Instant draftSavedAt) {

    /** One output; {@code long} is true for text long enough to start collapsed. */
    public record Output(long candidateId, String letter, String text, boolean isLong) {}

    public int k() {
        return outputs.size();
    }

    public List<MetadataFlag> flags() {
        return List.of(MetadataFlag.values());
    }
}
