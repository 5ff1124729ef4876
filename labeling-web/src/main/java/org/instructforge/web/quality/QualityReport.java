package org.instructforge.web.quality;

import java.util.List;

/**
 * Agreement between labelers over all items ranked by two or more of them (excluded labelers and AI feedback left
 * out), and each labeler's figures. InstructGPT reports 72.6 +/- 1.5 % pairwise agreement among its labelers.
 *
 * @param itemsWithOverlap ranked items with at least two rankings
 */
public record QualityReport(
        long itemsWithOverlap,
        Double pairwiseAgreement,
        Double kendallTau,
        Double krippendorffAlpha,
        List<LabelerStats> labelers,
        AiFeedback aiFeedback) {

    /** Labels the AI labeler wrote (RLAIF rounds): shown beside, never mixed into, the people's figures. */
    public record AiFeedback(long rankings, long comparisons) {}
}
