package org.instructforge.web.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.instructforge.shared.ranking.RankedCandidates;
import org.junit.jupiter.api.Test;

class KendallTauTest {

    private static final List<Long> IDS = List.of(1L, 2L, 3L, 4L);

    private static RankedCandidates ranks(Integer... ranks) {
        return RankedCandidates.of(IDS, List.of(ranks));
    }

    @Test
    void sameOrderIsOneAndReversedIsMinusOne() {
        assertThat(KendallTau.tauB(ranks(1, 2, 3, 4), ranks(1, 2, 3, 4))).hasValue(1.0);
        assertThat(KendallTau.tauB(ranks(1, 2, 3, 4), ranks(4, 3, 2, 1))).hasValue(-1.0);
    }

    @Test
    void tiesInEitherRankingShrinkTheDenominator() {
        // [1,2,2,4] vs [1,1,3,4]: 4 concordant, 0 discordant, one pair tied in each:
        // tau_b = 4 / sqrt((6 - 1) * (6 - 1)) = 0.8 (scipy.stats.kendalltau agrees).
        assertThat(KendallTau.tauB(ranks(1, 2, 2, 4), ranks(1, 1, 3, 4)).getAsDouble())
                .isCloseTo(0.8, within(1e-12));
    }

    @Test
    void discordantPairsCountAgainst() {
        // [1,2,3,4] vs [2,1,1,4]: 3 concordant, 2 discordant, 1 pair tied in the second only:
        // tau_b = 1 / sqrt(6 * 5) = 0.18257... (scipy.stats.kendalltau agrees).
        assertThat(KendallTau.tauB(ranks(1, 2, 3, 4), ranks(2, 1, 1, 4)).getAsDouble())
                .isCloseTo(1 / Math.sqrt(30), within(1e-12));
    }

    @Test
    void isUndefinedWhenOneRankingTiesEverythingOrCannotBeRanked() {
        assertThat(KendallTau.tauB(ranks(1, 2, 3, 4), ranks(1, 1, 1, 1))).isEmpty();
        assertThat(KendallTau.tauB(ranks(1, 2, 3, 4), RankedCandidates.notRankable(IDS)))
                .isEmpty();
    }

    @Test
    void averagesOverLabelerPairs() {
        List<Map<Long, RankedCandidates>> items = List.of(
                Map.of(1L, ranks(1, 2, 3, 4), 2L, ranks(4, 3, 2, 1)),
                Map.of(1L, ranks(1, 2, 2, 4), 2L, ranks(1, 1, 3, 4), 3L, ranks(1, 1, 1, 1)));

        // Pairs: -1, 0.8; the all-tied ranking gives no defined tau.
        assertThat(KendallTau.average(items).getAsDouble()).isCloseTo((-1 + 0.8) / 2, within(1e-12));
    }
}
