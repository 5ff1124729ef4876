package org.instructforge.web.comparison;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * What a labeler submits for one comparison, in the sides they saw: bound from the comparison page's form
 * ({@code preferred}, {@code likertLeft}, {@code likertRight}) and read from the labeler API's JSON.
 * {@link ComparisonJudgement} checks the same again when it records the judgement, so the API, which does not
 * validate the body, gets the same refusals.
 *
 * @param likertLeft optional 1-7 score of the left output
 * @param likertRight optional 1-7 score of the right output
 */
public record ComparisonSubmission(
        @NotNull(message = "{comparison.preferred.required}")
        Preference preferred,

        @Min(value = 1, message = "{comparison.likert.range}") @Max(value = 7, message = "{comparison.likert.range}")
        Integer likertLeft,

        @Min(value = 1, message = "{comparison.likert.range}") @Max(value = 7, message = "{comparison.likert.range}")
        Integer likertRight) {}
