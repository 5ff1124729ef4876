package org.instructforge.web.ranking;

import java.util.Map;
import java.util.Set;

/**
 * What a labeler submits for one ranking task.
 *
 * @param ranks rank per candidate id (1 = best; equal ranks are ties); empty when not rankable
 * @param likert 1-7 score per candidate id, for those the labeler scored
 * @param flags metadata flags per candidate id
 * @param durationMs time on the page, as the browser measured it (null when unknown)
 */
public record RankingSubmission(
        Map<Long, Integer> ranks,
        Map<Long, Integer> likert,
        Map<Long, Set<MetadataFlag>> flags,
        boolean notRankable,
        String notRankableReason,
        Long durationMs) {}
