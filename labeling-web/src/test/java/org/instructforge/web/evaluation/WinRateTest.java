package org.instructforge.web.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WinRateTest {

    @Test
    void wilsonIntervalOfEightOutOfTenMatchesTheHandComputedValues() {
        // p = 0.8, z = 1.96: centre (0.8 + 0.19208) / 1.38416, margin 1.96 sqrt(0.016 + 0.009604) / 1.38416.
        Interval interval = WinRate.wilson(8, 10, 1.959964);

        assertThat(interval.low()).isCloseTo(0.4902, within(5e-4));
        assertThat(interval.high()).isCloseTo(0.9433, within(5e-4));
    }

    @Test
    void wilsonIntervalStaysInsideZeroAndOneWhereTheNormalApproximationCollapses() {
        Interval none = WinRate.wilson(0, 10, 1.959964);

        assertThat(none.low()).isEqualTo(0);
        assertThat(none.high()).isCloseTo(0.2775, within(5e-4));
    }

    @Test
    void tiesAndBothBadCountAsHalfAWin() {
        WinRate rate = new WinRate(5, 2, 2, 1);

        assertThat(rate.judgements()).isEqualTo(10);
        assertThat(rate.score()).isEqualTo(6.5);
        assertThat(rate.rate()).isEqualTo(0.65);
        assertThat(rate.interval()).isEqualTo(WinRate.wilson(6.5, 10, 1.959964));
    }

    @Test
    void noJudgementsHaveNoRateAndNoInterval() {
        assertThat(WinRate.NONE.rate()).isNaN();
        assertThat(WinRate.NONE.interval()).isNull();
    }

    @Test
    void countsEachKindOfJudgement() {
        WinRate rate = WinRate.NONE.plus("A").plus("A").plus("B").plus("TIE").plus("BOTH_BAD");

        assertThat(rate).isEqualTo(new WinRate(2, 1, 1, 1));
    }
}
