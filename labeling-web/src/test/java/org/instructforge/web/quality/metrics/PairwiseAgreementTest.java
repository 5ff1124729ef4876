package org.instructforge.web.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.instructforge.shared.ranking.RankedCandidates;
import org.junit.jupiter.api.Test;

class PairwiseAgreementTest {

    static final List<Long> IDS = List.of(1L, 2L, 3L, 4L);
    static final RankedCandidates IN_ORDER = RankedCandidates.ofOrder(IDS);
    static final RankedCandidates REVERSED = RankedCandidates.ofOrder(List.of(4L, 3L, 2L, 1L));
    /** Candidate 1 third, 2 and 3 tied best, 4 last. */
    static final RankedCandidates SWAPPED_WITH_TIE = RankedCandidates.of(IDS, List.of(2, 1, 1, 4));

    static final RankedCandidates NOT_RANKABLE = RankedCandidates.notRankable(IDS);

    @Test
    void identicalRankingsAgreeFully() {
        assertThat(PairwiseAgreement.between(IN_ORDER, RankedCandidates.ofOrder(IDS)))
                .hasValue(1.0);
    }

    @Test
    void reversedRankingsNeverAgree() {
        assertThat(PairwiseAgreement.between(IN_ORDER, REVERSED)).hasValue(0.0);
    }

    @Test
    void countsOnlyPairsBothLabelersOrderedStrictly() {
        // Pair (2,3) is tied by the second labeler and drops out; of the other 5, (1,2) and (1,3) disagree.
        assertThat(PairwiseAgreement.between(IN_ORDER, SWAPPED_WITH_TIE)).hasValue(3.0 / 5);
    }

    @Test
    void isUndefinedWithANotRankableVerdictOrATieOnEveryPair() {
        RankedCandidates allTied = RankedCandidates.of(IDS, List.of(1, 1, 1, 1));

        assertThat(PairwiseAgreement.between(IN_ORDER, NOT_RANKABLE)).isEmpty();
        assertThat(PairwiseAgreement.between(IN_ORDER, allTied)).isEmpty();
    }

    @Test
    void rejectsRankingsOfDifferentCandidates() {
        assertThatThrownBy(() -> PairwiseAgreement.between(IN_ORDER, RankedCandidates.ofOrder(List.of(1L, 2L, 3L, 5L))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("different candidates");
    }

    @Test
    void averagesOverEveryLabelerPairOnItemsWithTwoOrMoreRankings() {
        List<Map<Long, RankedCandidates>> items = List.of(
                // Labeler pairs (10,11) = 1, (10,12) = 0, (11,12) = 0; 13's verdict has no order.
                Map.of(10L, IN_ORDER, 11L, IN_ORDER, 12L, REVERSED, 13L, NOT_RANKABLE),
                // A single ranking compares with no one.
                Map.of(10L, REVERSED),
                // (10,14) = 0.6
                Map.of(10L, IN_ORDER, 14L, SWAPPED_WITH_TIE));

        assertThat(PairwiseAgreement.average(items).getAsDouble()).isCloseTo((1 + 0 + 0 + 0.6) / 4, within(1e-12));
        assertThat(PairwiseAgreement.average(List.of(Map.of(10L, IN_ORDER)))).isEmpty();
    }

    @Test
    void reportsEachLabelersAgreementWithTheirCoLabelers() {
        List<Map<Long, RankedCandidates>> items = List.of(
                Map.of(10L, IN_ORDER, 11L, IN_ORDER, 12L, REVERSED, 13L, NOT_RANKABLE),
                Map.of(10L, IN_ORDER, 14L, SWAPPED_WITH_TIE));

        Map<Long, Double> perLabeler = PairwiseAgreement.perLabeler(items);

        assertThat(perLabeler).containsOnlyKeys(10L, 11L, 12L, 14L);
        assertThat(perLabeler.get(10L)).isCloseTo((1 + 0 + 0.6) / 3, within(1e-12));
        assertThat(perLabeler.get(11L)).isCloseTo(0.5, within(1e-12));
        assertThat(perLabeler.get(12L)).isZero();
        assertThat(perLabeler.get(14L)).isCloseTo(0.6, within(1e-12));
    }
}
