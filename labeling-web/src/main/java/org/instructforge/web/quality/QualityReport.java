package org.instructforge.web.quality;

import java.util.List;

/**
 * Agreement between labelers over all items ranked by two or more of them (excluded labelers left out),
 * and each labeler's figures. InstructGPT reports 72.6 +/- 1.5 % pairwise agreement among its labelers.
 *
 * @param itemsWithOverlap ranked items with at least two rankings
 */
public record QualityReport(
        long itemsWithOverlap,
        Double pairwiseAgreement,
        Double kendallTau,
        Double krippendorffAlpha,
        List<LabelerStats> labelers) {}
