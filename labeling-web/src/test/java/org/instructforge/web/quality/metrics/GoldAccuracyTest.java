package org.instructforge.web.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.instructforge.shared.ranking.RankedCandidates;
import org.junit.jupiter.api.Test;

class GoldAccuracyTest {

    private static final List<Long> IDS = List.of(1L, 2L, 3L, 4L);
    private static final RankedCandidates GOLD = RankedCandidates.ofOrder(IDS);

    @Test
    void matchingGoldScoresOneAndReversingItScoresZero() {
        assertThat(GoldAccuracy.of(RankedCandidates.ofOrder(IDS), GOLD)).hasValue(1.0);
        assertThat(GoldAccuracy.of(RankedCandidates.ofOrder(List.of(4L, 3L, 2L, 1L)), GOLD))
                .hasValue(0.0);
    }

    @Test
    void aTieOnAPairGoldOrdersCountsAsAMiss() {
        // Gold orders all 6 pairs; the labeler ties (1,2) and matches the other 5.
        assertThat(GoldAccuracy.of(RankedCandidates.of(IDS, List.of(1, 1, 3, 4)), GOLD))
                .hasValue(5.0 / 6);
    }

    @Test
    void pairsGoldLeavesTiedAreNotScored() {
        RankedCandidates goldWithTie = RankedCandidates.of(IDS, List.of(1, 1, 3, 4));

        assertThat(GoldAccuracy.of(RankedCandidates.of(IDS, List.of(2, 1, 3, 4)), goldWithTie))
                .hasValue(1.0);
        assertThat(GoldAccuracy.of(RankedCandidates.of(IDS, List.of(1, 4, 2, 3)), goldWithTie))
                .hasValue(3.0 / 5);
    }

    @Test
    void notRankableOnAGoldItemOrdersNoneOfItsPairs() {
        assertThat(GoldAccuracy.of(RankedCandidates.notRankable(IDS), GOLD)).hasValue(0.0);
    }

    @Test
    void rejectsANotRankableGoldOrDifferentCandidates() {
        assertThatThrownBy(() -> GoldAccuracy.of(GOLD, RankedCandidates.notRankable(IDS)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gold order must rank");
        assertThatThrownBy(() -> GoldAccuracy.of(RankedCandidates.ofOrder(List.of(1L, 2L, 3L, 9L)), GOLD))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different candidates");
    }
}
