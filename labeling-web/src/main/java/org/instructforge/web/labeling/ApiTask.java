package org.instructforge.web.labeling;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A leased task as the labeler JSON API shows it: what a labeler needs and nothing more. Ranking candidates come
 * in this labeler's shuffled display order and comparison outputs as left/right; the models are never named.
 *
 * @param candidates RANKING only
 * @param comparison COMPARISON only
 */
public record ApiTask(
        long leaseId,
        TaskKind kind,
        Instant expiresAt,
        Prompt prompt,
        String guidelines,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<Candidate> candidates,
        @JsonInclude(JsonInclude.Include.NON_NULL) Comparison comparison) {

    public record Prompt(long id, String text) {}

    public record Candidate(long id, String text) {}

    public record Comparison(Side left, Side right) {}

    public record Side(String text) {}
}
