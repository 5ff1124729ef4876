package org.instructforge.web.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.EnumMap;
import java.util.Map;
import org.instructforge.shared.Split;
import org.junit.jupiter.api.Test;

class SplitRatiosTest {

    private final SplitRatios ratios = new SplitRatios(0.8, 0.1);

    @Test
    void aUserAlwaysLandsInTheSameSplit() {
        for (int user = 0; user < 100; user++) {
            assertThat(ratios.splitFor(7, "user-" + user)).isEqualTo(ratios.splitFor(7, "user-" + user));
        }
    }

    @Test
    void usersSpreadOverSplitsInTheConfiguredShares() {
        Map<Split, Integer> counts = new EnumMap<>(Split.class);
        int users = 20_000;
        for (int user = 0; user < users; user++) {
            counts.merge(ratios.splitFor(1, "u" + user), 1, Integer::sum);
        }
        assertThat(counts.get(Split.TRAIN) / (double) users).isCloseTo(0.8, within(0.015));
        assertThat(counts.get(Split.VALID) / (double) users).isCloseTo(0.1, within(0.015));
        assertThat(counts.get(Split.TEST) / (double) users).isCloseTo(0.1, within(0.015));
    }

    @Test
    void aZeroShareSplitGetsNobody() {
        SplitRatios trainOnly = new SplitRatios(1.0, 0.0);
        for (int user = 0; user < 1000; user++) {
            assertThat(trainOnly.splitFor(3, "u" + user)).isEqualTo(Split.TRAIN);
        }
    }
}
