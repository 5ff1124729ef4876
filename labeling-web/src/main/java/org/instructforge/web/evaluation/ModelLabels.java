package org.instructforge.web.evaluation;

import java.util.Map;

/**
 * How labelers marked one model's outputs, as in the InstructGPT paper's metadata figures.
 *
 * @param rankedOutputs ranked outputs of this model (one per labeler and output)
 * @param flagRates per metadata flag (its enum name), the share of those outputs that carry it
 * @param meanLikertRankings the mean 1-7 score labelers gave its outputs while ranking; null when none did
 * @param meanLikertComparisons the same in pairwise evaluations; null when none did
 */
public record ModelLabels(
        long checkpointId,
        String name,
        long rankedOutputs,
        Map<String, Double> flagRates,
        Double meanLikertRankings,
        long comparedOutputs,
        Double meanLikertComparisons) {}
