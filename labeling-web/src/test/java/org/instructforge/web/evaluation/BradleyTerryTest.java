package org.instructforge.web.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BradleyTerryTest {

    @Test
    void sevenWinsToThreeGiveAStrengthRatioOfSevenToThree() {
        BradleyTerry.Fit fit = BradleyTerry.fit(record(1, 2, 7, 3, 0));

        assertThat(fit.strengths().get(1L) / fit.strengths().get(2L)).isCloseTo(7.0 / 3, within(1e-9));
        // 400 log10(7/3) = 147.19
        assertThat(fit.elo(1, 2)).isCloseTo(1147.19, within(0.01));
        assertThat(fit.elo(2, 2)).isEqualTo(1000);
        assertThat(fit.regularised()).isFalse();
    }

    @Test
    void recoversStrengthsFourTwoOneFromCountsThatMatchThem() {
        // With strengths 4:2:1 these counts are exactly the expected ones, so they solve the likelihood equations.
        List<BradleyTerry.Game> games = new ArrayList<>();
        games.addAll(record(1, 2, 20, 10, 0)); // 4/(4+2) = 2/3
        games.addAll(record(2, 3, 20, 10, 0)); // 2/(2+1) = 2/3
        games.addAll(record(1, 3, 40, 10, 0)); // 4/(4+1) = 4/5

        BradleyTerry.Fit fit = BradleyTerry.fit(games);

        assertThat(fit.strengths().get(1L) / fit.strengths().get(3L)).isCloseTo(4, within(1e-6));
        assertThat(fit.strengths().get(2L) / fit.strengths().get(3L)).isCloseTo(2, within(1e-6));
        assertThat(fit.elo(1, 3)).isCloseTo(1000 + 400 * Math.log10(4), within(1e-4)); // 1240.82
    }

    @Test
    void aTieIsHalfAWinForEachSide() {
        // 3 wins + 2 ties against 1 win + 2 ties: win shares 4 and 2.
        BradleyTerry.Fit withTies = BradleyTerry.fit(record(1, 2, 3, 1, 2));

        assertThat(withTies.strengths().get(1L) / withTies.strengths().get(2L)).isCloseTo(2, within(1e-9));
    }

    @Test
    void aPlayerWhoNeverLostGetsAFiniteRatingThroughOneVirtualTie() {
        BradleyTerry.Fit fit = BradleyTerry.fit(record(1, 2, 5, 0, 0));

        assertThat(fit.regularised()).isTrue();
        // 5 wins + 0.5 against 0 wins + 0.5: ratio 11.
        assertThat(fit.strengths().get(1L) / fit.strengths().get(2L)).isCloseTo(11, within(1e-9));
    }

    @Test
    void playersNeverComparedWithEachOtherFallIntoSeparateGroups() {
        List<BradleyTerry.Game> games = new ArrayList<>(record(1, 2, 7, 3, 0));
        games.addAll(record(3, 4, 5, 0, 0)); // another pair, one-sided: only this group needs the virtual tie

        BradleyTerry.Fit fit = BradleyTerry.fit(games);

        assertThat(fit.comparable(1, 2)).isTrue();
        assertThat(fit.comparable(1, 3)).isFalse();
        assertThat(fit.strengths().get(1L) / fit.strengths().get(2L)).isCloseTo(7.0 / 3, within(1e-9));
        assertThat(fit.strengths().get(3L) / fit.strengths().get(4L)).isCloseTo(11, within(1e-9));
        assertThat(fit.regularised()).isTrue();

        Ratings ratings = Ratings.of(games, 2L, java.util.Map.of());
        assertThat(ratings.groups()).isEqualTo(2);
        assertThat(ratings.ratings()).extracting(Rating::checkpointId).containsExactly(1L, 2L, 3L, 4L);
        assertThat(ratings.ratings())
                .filteredOn(Rating::anchor)
                .extracting(Rating::checkpointId)
                .containsExactly(2L, 3L);
    }

    @Test
    void bootstrapIntervalsAreReproducibleAndContainThePointEstimate() {
        List<BradleyTerry.Game> games = record(1, 2, 70, 30, 0);

        Ratings first = Ratings.of(games, 2L, java.util.Map.of(1L, "ppo", 2L, "sft"));
        Ratings again = Ratings.of(games, 2L, java.util.Map.of(1L, "ppo", 2L, "sft"));

        Rating ppo = first.ratings().get(0);
        assertThat(ppo.name()).isEqualTo("ppo");
        assertThat(ppo.elo()).isCloseTo(1147.19, within(0.01));
        assertThat(ppo.interval().low()).isLessThan(ppo.elo()).isGreaterThan(1000);
        assertThat(ppo.interval().high()).isGreaterThan(ppo.elo());
        assertThat(ppo.judgements()).isEqualTo(100);
        assertThat(first).isEqualTo(again);
        Rating sft = first.ratings().get(1);
        assertThat(sft.anchor()).isTrue();
        assertThat(sft.interval()).isEqualTo(new Interval(1000, 1000));
    }

    @Test
    void theAnchorFallsBackToTheLowestIdWhenTheBaselineWasNeverJudged() {
        Ratings ratings = Ratings.of(record(5, 9, 7, 3, 0), 42L, java.util.Map.of());

        assertThat(ratings.ratings())
                .filteredOn(Rating::anchor)
                .singleElement()
                .satisfies(r -> assertThat(r.checkpointId()).isEqualTo(5));
    }

    @Test
    void quantilesInterpolateBetweenRanks() {
        assertThat(Bootstrap.quantile(List.of(1.0, 2.0, 3.0, 4.0, 5.0), 0.5)).isEqualTo(3);
        assertThat(Bootstrap.quantile(List.of(0.0, 10.0), 0.025)).isEqualTo(0.25);
    }

    private static List<BradleyTerry.Game> record(long a, long b, int aWins, int bWins, int ties) {
        List<BradleyTerry.Game> games = new ArrayList<>();
        for (int k = 0; k < aWins; k++) games.add(new BradleyTerry.Game(a, b, 1));
        for (int k = 0; k < bWins; k++) games.add(new BradleyTerry.Game(b, a, 1));
        for (int k = 0; k < ties; k++) games.add(new BradleyTerry.Game(a, b, 0.5));
        return games;
    }
}
