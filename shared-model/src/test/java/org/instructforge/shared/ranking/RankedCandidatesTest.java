package org.instructforge.shared.ranking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RankedCandidatesTest {

    private static final List<Long> FOUR = List.of(10L, 11L, 12L, 13L);

    @Test
    void denseAndCompetitionTieStylesGiveTheSameRanking() {
        RankedCandidates dense = RankedCandidates.of(FOUR, List.of(1, 1, 2, 3));
        RankedCandidates competition = RankedCandidates.of(FOUR, List.of(1, 1, 3, 4));

        assertThat(dense).isEqualTo(competition).hasSameHashCodeAs(competition);
        assertThat(dense.rankOf(12L)).isEqualTo(3);
        assertThat(dense.rankOf(13L)).isEqualTo(4);
        assertThat(dense.tiers()).containsExactly(List.of(10L, 11L), List.of(12L), List.of(13L));
    }

    @Test
    void ranksAreReportedAsPositionsInCompetitionStyle() {
        RankedCandidates ranking = RankedCandidates.of(FOUR, List.of(2, 1, 2, 4));

        assertThat(ranking.rankOf(11L)).isEqualTo(1);
        assertThat(ranking.rankOf(10L)).isEqualTo(2);
        assertThat(ranking.rankOf(12L)).isEqualTo(2);
        assertThat(ranking.rankOf(13L)).isEqualTo(4);
        assertThat(ranking.compare(11L, 10L)).isNegative();
        assertThat(ranking.compare(10L, 12L)).isZero();
        assertThat(ranking.compare(13L, 12L)).isPositive();
    }

    @Test
    void orderAndTiersAndMapBuildTheSameRankings() {
        Map<Long, Integer> map = new LinkedHashMap<>();
        map.put(10L, 1);
        map.put(11L, 2);
        map.put(12L, 2);
        map.put(13L, 4);

        assertThat(RankedCandidates.of(map))
                .isEqualTo(RankedCandidates.ofTiers(List.of(List.of(10L), List.of(11L, 12L), List.of(13L))));
        assertThat(RankedCandidates.ofOrder(FOUR)).isEqualTo(RankedCandidates.of(FOUR, List.of(1, 2, 3, 4)));
    }

    @Test
    void notRankableKeepsItsCandidatesButHasNoRanks() {
        RankedCandidates verdict = RankedCandidates.notRankable(FOUR);

        assertThat(verdict.isRankable()).isFalse();
        assertThat(verdict.candidates()).containsExactlyElementsOf(FOUR);
        assertThat(verdict.tiers()).isEmpty();
        assertThatThrownBy(() -> verdict.rankOf(10L)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void rejectsFewerThanFourOrMoreThanNineCandidates() {
        assertThatThrownBy(() -> RankedCandidates.ofOrder(List.of(1L, 2L, 3L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 to 9 candidates")
                .hasMessageContaining("got 3");
        assertThatThrownBy(() -> RankedCandidates.ofOrder(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 10");
        assertThatThrownBy(() -> RankedCandidates.notRankable(List.of(1L, 2L)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsADuplicateCandidate() {
        assertThatThrownBy(() -> RankedCandidates.of(List.of(10L, 11L, 10L, 13L), List.of(1, 2, 3, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidate 10 appears twice");
        assertThatThrownBy(() -> RankedCandidates.ofTiers(List.of(List.of(10L, 11L), List.of(12L, 10L))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("appears twice");
    }

    @Test
    void rejectsRanksOutsideOneToK() {
        assertThatThrownBy(() -> RankedCandidates.of(FOUR, List.of(1, 2, 3, 5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidate 13 has rank 5, outside 1..4");
        assertThatThrownBy(() -> RankedCandidates.of(FOUR, List.of(0, 1, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rank 0");
    }

    @Test
    void rejectsRankingsWithoutABestCandidate() {
        assertThatThrownBy(() -> RankedCandidates.of(FOUR, List.of(2, 2, 3, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no candidate has rank 1");
    }

    @Test
    void rejectsAMissingRankOrMismatchedLengths() {
        assertThatThrownBy(() -> RankedCandidates.of(FOUR, Arrays.asList(1, null, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidate 11 has no rank");
        assertThatThrownBy(() -> RankedCandidates.of(FOUR, List.of(1, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("4 candidates but 3 ranks");
    }

    @Test
    void rejectsAnEmptyTier() {
        assertThatThrownBy(() -> RankedCandidates.ofTiers(List.of(List.of(10L, 11L), List.of(), List.of(12L, 13L))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tier 2 is empty");
    }

    @Test
    void rejectsQuestionsAboutAnUnknownCandidate() {
        assertThatThrownBy(() -> RankedCandidates.ofOrder(FOUR).rankOf(99L))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("candidate 99 is not part of this ranking");
    }
}
