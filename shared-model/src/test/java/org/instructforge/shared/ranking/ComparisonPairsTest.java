package org.instructforge.shared.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonPairsTest {

    @Test
    void rankingWithATieYieldsAllStrictPairsAndDropsTheTie() {
        // a=1, b=2, c=2, d=4: C(4,2) = 6 pairs, minus the tie b=c.
        RankedCandidates ranking = RankedCandidates.of(List.of(1L, 2L, 3L, 4L), List.of(1, 2, 2, 4));

        assertThat(ComparisonPairs.of(ranking))
                .containsExactly(
                        new PreferencePair(1L, 2L),
                        new PreferencePair(1L, 3L),
                        new PreferencePair(1L, 4L),
                        new PreferencePair(2L, 4L),
                        new PreferencePair(3L, 4L));
    }

    @Test
    void strictRankingOfKYieldsKChooseTwoPairs() {
        for (int k = RankedCandidates.MIN_CANDIDATES; k <= RankedCandidates.MAX_CANDIDATES; k++) {
            List<Long> ids =
                    java.util.stream.LongStream.rangeClosed(1, k).boxed().toList();
            assertThat(ComparisonPairs.of(RankedCandidates.ofOrder(ids))).hasSize(k * (k - 1) / 2);
        }
    }

    @Test
    void winnerIsAlwaysTheBetterRankedCandidate() {
        // Given worst first, the pairs still point from better to worse rank.
        RankedCandidates ranking = RankedCandidates.of(List.of(7L, 8L, 9L, 6L), List.of(4, 3, 2, 1));

        assertThat(ComparisonPairs.of(ranking))
                .allSatisfy(p -> assertThat(ranking.rankOf(p.chosen())).isLessThan(ranking.rankOf(p.rejected())))
                .first()
                .isEqualTo(new PreferencePair(6L, 9L));
    }

    @Test
    void allTiedRankingYieldsNoPairs() {
        RankedCandidates allTied = RankedCandidates.of(List.of(1L, 2L, 3L, 4L), List.of(1, 1, 1, 1));

        assertThat(ComparisonPairs.of(allTied)).isEmpty();
    }

    @Test
    void notRankableYieldsNoPairs() {
        assertThat(ComparisonPairs.of(RankedCandidates.notRankable(List.of(1L, 2L, 3L, 4L, 5L))))
                .isEmpty();
    }

    @Test
    void rejectsAPairOfACandidateWithItself() {
        assertThatThrownBy(() -> new PreferencePair(3L, 3L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("two different candidates");
    }
}
