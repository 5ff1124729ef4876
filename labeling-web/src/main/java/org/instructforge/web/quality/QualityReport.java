package org.instructforge.web.quality;

import java.util.List;

/**
 * Agreement between labelers over all items ranked by two or more of them (excluded labelers and AI feedback left
 * out), and each labeler's figures. InstructGPT reports 72.6 +/- 1.5 % pairwise agreement among its labelers.
 *
 * @param itemsWithOverlap ranked items with at least two rankings
 * @param unreadableRankings ids of stored rankings that do not form a ranking (too few outputs, ranks that do not
 *     match them), left out of every figure and named on the page
 */
public record QualityReport(
        long itemsWithOverlap,
        Double pairwiseAgreement,
        Double kendallTau,
        Double krippendorffAlpha,
        List<LabelerStats> labelers,
        AiFeedback aiFeedback,
        List<Long> unreadableRankings) {

    /** Labels the AI labeler wrote (RLAIF rounds): shown beside, never mixed into, the people's figures. */
    public record AiFeedback(long rankings, long comparisons) {}
}
