package org.instructforge.web.ranking;

import java.util.Map;
import java.util.Set;

/**
 * What a labeler has entered on the ranking page and not yet submitted, as stored in {@code ranking_draft} (JSON):
 * the draft a reload, a closed tab or a refused submit brings back into the page's {@link RankingForm}. Values are
 * kept as text, so a refused "1.5" is kept as it was sent; only fields of the task's own outputs are kept
 * ({@link RankingForm#entered}).
 *
 * @param ranks rank per candidate id, as entered ("" or absent: none yet)
 * @param likert 1-7 score per candidate id, as entered
 * @param flags metadata flag names per candidate id
 */
public record EnteredRanking(
        Map<Long, String> ranks,
        Map<Long, String> likert,
        Map<Long, Set<String>> flags,
        boolean notRankable,
        String reason) {

    static final EnteredRanking NOTHING = new EnteredRanking(Map.of(), Map.of(), Map.of(), false, "");

    /** The Likert score entered for this output, "" when none. */
    public String likert(long candidateId) {
        return likert.getOrDefault(candidateId, "");
    }
}
