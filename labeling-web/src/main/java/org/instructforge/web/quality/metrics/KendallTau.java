package org.instructforge.web.quality.metrics;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.instructforge.shared.ranking.RankedCandidates;

/**
 * Kendall's tau-b between two labelers' rankings of one item, the rank correlation that accounts for ties
 * (Kendall 1945; the variant computed by {@code scipy.stats.kendalltau}'s default):
 *
 * <pre>
 * tau_b = (n_c - n_d) / sqrt((n_0 - n_1) (n_0 - n_2))
 * </pre>
 *
 * with n_c / n_d the concordant / discordant pairs, n_0 = K(K-1)/2 and n_1, n_2 the pairs tied in the first and in
 * the second ranking. 1 = same order, -1 = reversed order.
 */
public final class KendallTau {

    private KendallTau() {}

    /**
     * Tau-b of two rankings of the same candidates; empty when it is undefined: a not-rankable verdict, or one
     * ranking ties every candidate (a zero denominator).
     *
     * @throws IllegalArgumentException when the rankings cover different candidates
     */
    public static OptionalDouble tauB(RankedCandidates a, RankedCandidates b) {
        LabelerPairs.requireSameCandidates(a, b);
        if (!a.isRankable() || !b.isRankable()) {
            return OptionalDouble.empty();
        }
        List<Long> ids = a.candidates();
        long concordant = 0;
        long discordant = 0;
        long n0 = 0;
        long tiedInA = 0;
        long tiedInB = 0;
        for (int i = 0; i < ids.size(); i++) {
            for (int j = i + 1; j < ids.size(); j++) {
                int sa = Integer.signum(a.compare(ids.get(i), ids.get(j)));
                int sb = Integer.signum(b.compare(ids.get(i), ids.get(j)));
                n0++;
                if (sa == 0) tiedInA++;
                if (sb == 0) tiedInB++;
                if (sa * sb > 0) concordant++;
                if (sa * sb < 0) discordant++;
            }
        }
        double denominator = Math.sqrt((double) (n0 - tiedInA) * (n0 - tiedInB));
        return denominator == 0 ? OptionalDouble.empty() : OptionalDouble.of((concordant - discordant) / denominator);
    }

    /**
     * Mean of {@link #tauB} over every pair of labelers on every item ranked by two or more of them.
     *
     * @param rankingsByItem per item, each labeler's ranking keyed by labeler id
     */
    public static OptionalDouble average(Collection<? extends Map<Long, RankedCandidates>> rankingsByItem) {
        return LabelerPairs.mean(rankingsByItem, KendallTau::tauB);
    }
}
