package org.instructforge.web.evaluation;

import java.util.List;

/**
 * Everything the evaluation page shows.
 *
 * @param ratings Bradley–Terry ratings from human judgements
 * @param aiRatings the same from AI-feedback judgements, kept apart
 */
public record EvaluationOverview(
        List<RoundResult> rounds, Ratings ratings, Ratings aiRatings, List<ModelLabels> labels) {}
