package org.instructforge.web.comparison;

/**
 * What a labeler submits for one comparison, in the sides they saw.
 *
 * @param likertLeft optional 1-7 score of the left output
 * @param likertRight optional 1-7 score of the right output
 */
public record ComparisonSubmission(Preference preferred, Integer likertLeft, Integer likertRight) {}
