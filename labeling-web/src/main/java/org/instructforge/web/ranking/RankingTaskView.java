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
 * @param revising whether the page revises the submitted ranking (then {@code draft} holds it)
 * @param notRevisable why the submitted ranking can no longer be revised (a run read it, a reviewer decided on it);
 *     null while it can
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
        Instant draftSavedAt,
        boolean revising,
        String notRevisable) {

    /**
     * The submitted ranking on its page again, to revise: its form filled with the stored ranking, which is newer than
     * any copy the browser kept.
     */
    RankingTaskView revising(EnteredRanking stored, String notRevisable) {
        return new RankingTaskView(
                leaseId,
                promptId,
                prompt,
                datasetName,
                guidelines,
                outputs,
                submitted,
                leaseExpiresAt,
                stored,
                Instant.now(),
                true,
                notRevisable);
    }

    /** One output; {@code long} is true for text long enough to start collapsed. */
    public record Output(long candidateId, String letter, String text, boolean isLong) {}

    public int k() {
        return outputs.size();
    }

    public List<MetadataFlag> flags() {
        return List.of(MetadataFlag.values());
    }
}
