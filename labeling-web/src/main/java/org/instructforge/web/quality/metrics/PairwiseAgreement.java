package org.instructforge.web.quality.metrics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.instructforge.shared.ranking.RankedCandidates;

/**
 * Inter-labeler agreement as InstructGPT reports it (Ouyang et al. 2022, section 3.4: 72.6 +/- 1.5 % among
 * training labelers, 77.3 +/- 1.3 % among held-out labelers): the share of candidate pairs on which two labelers
 * pick the same winner.
 *
 * <p>Only pairs both labelers ordered strictly count: a tie gives the reward model no comparison (ties are dropped
 * from training), so it is neither agreement nor disagreement here. Use {@link KendallTau} or
 * {@link KrippendorffAlpha} for measures that count ties.
 */
public final class PairwiseAgreement {

    private PairwiseAgreement() {}

    /**
     * Share of the candidate pairs both labelers ordered strictly on which they agree; empty when there is no such
     * pair (a not-rankable verdict, or ties covering every pair).
     *
     * @throws IllegalArgumentException when the rankings cover different candidates
     */
    public static OptionalDouble between(RankedCandidates a, RankedCandidates b) {
        LabelerPairs.requireSameCandidates(a, b);
        if (!a.isRankable() || !b.isRankable()) {
            return OptionalDouble.empty();
        }
        List<Long> ids = a.candidates();
        int bothStrict = 0;
        int agree = 0;
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                int sa = a.compare(ids.get(i), ids.get(j));
                int sb = b.compare(ids.get(i), ids.get(j));
                if (sa != 0 && sb != 0) {
                    bothStrict++;
                    if (Integer.signum(sa) == Integer.signum(sb)) {
                        agree++;
                    }
                }
            }
        }
        return bothStrict == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) agree / bothStrict);
    }

    /**
     * Mean of {@link #between} over every pair of labelers on every item ranked by two or more of them.
     *
     * @param rankingsByItem per item, each labeler's ranking keyed by labeler id
     * @return empty when no item has two comparable rankings
     */
    public static OptionalDouble average(Collection<? extends Map<Long, RankedCandidates>> rankingsByItem) {
        return LabelerPairs.mean(rankingsByItem, PairwiseAgreement::between);
    }

    /**
     * Per labeler, the mean of {@link #between} with every co-labeler on every shared item: "agreement with
     * others" for a labeler's own page and the admins' per-labeler quality view. Labelers with no comparable
     * co-ranking are absent.
     */
    public static Map<Long, Double> perLabeler(Collection<? extends Map<Long, RankedCandidates>> rankingsByItem) {
        return LabelerPairs.meanPerLabeler(rankingsByItem, PairwiseAgreement::between);
    }
}
