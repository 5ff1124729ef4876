package org.instructforge.web.quality.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.instructforge.shared.ranking.RankedCandidates;
import org.instructforge.web.quality.metrics.KrippendorffAlpha.Metric;
import org.junit.jupiter.api.Test;

class KrippendorffAlphaTest {

    /**
     * Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers rate 12 units on a
     * 1-5 scale with missing values (null). Published: nominal 0.743, ordinal 0.815, interval 0.849.
     */
    private static final Integer[][] OBSERVERS_BY_UNIT = {
        {1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null},
        {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3},
        {null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null},
        {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null},
    };

    private static List<List<Integer>> unitsOf(Integer[][] observersByUnit) {
        List<List<Integer>> units = new ArrayList<>();
        for (int u = 0; u < observersByUnit[0].length; u++) {
            List<Integer> values = new ArrayList<>();
            for (Integer[] observer : observersByUnit) {
                values.add(observer[u]);
            }
            units.add(values);
        }
        return units;
    }

    @Test
    void reproducesKrippendorffsPublishedExample() {
        List<List<Integer>> units = unitsOf(OBSERVERS_BY_UNIT);

        assertThat(KrippendorffAlpha.of(units, Metric.NOMINAL).getAsDouble()).isCloseTo(0.743, within(5e-4));
        assertThat(KrippendorffAlpha.of(units, Metric.ORDINAL).getAsDouble()).isCloseTo(0.815, within(5e-4));
        assertThat(KrippendorffAlpha.of(units, Metric.INTERVAL).getAsDouble()).isCloseTo(0.849, within(5e-4));
    }

    @Test
    void matchesAStraightforwardPairByPairComputationOnRandomData() {
        Random random = new Random(7);
        for (int trial = 0; trial < 50; trial++) {
            List<List<Integer>> units = new ArrayList<>();
            int coders = 2 + random.nextInt(4);
            for (int u = 0; u < 1 + random.nextInt(30); u++) {
                List<Integer> unit = new ArrayList<>();
                int centre = 1 + random.nextInt(7);
                for (int c = 0; c < coders; c++) {
                    unit.add(random.nextInt(4) == 0 ? null : Math.max(1, centre + random.nextInt(3) - 1));
                }
                units.add(unit);
            }
            for (Metric metric : Metric.values()) {
                var reference = bruteForceAlpha(units, metric);
                var alpha = KrippendorffAlpha.of(units, metric);
                assertThat(alpha.isPresent()).isEqualTo(reference != null);
                if (reference != null) {
                    assertThat(alpha.getAsDouble()).isCloseTo(reference, within(1e-9));
                }
            }
        }
    }

    @Test
    void isUndefinedWithoutPairableValuesOrWithoutVariation() {
        assertThat(KrippendorffAlpha.of(List.of(Arrays.asList(1, null), List.of(2)), Metric.NOMINAL))
                .isEmpty();
        assertThat(KrippendorffAlpha.of(List.of(List.of(3, 3), List.of(3, 3, 3)), Metric.ORDINAL))
                .isEmpty();
    }

    @Test
    void identicalRankingsHavePerfectAlpha() {
        List<Long> ids = List.of(1L, 2L, 3L, 4L, 5L);
        List<Map<Long, RankedCandidates>> items = List.of(
                Map.of(1L, RankedCandidates.ofOrder(ids), 2L, RankedCandidates.ofOrder(ids)),
                Map.of(
                        1L, RankedCandidates.of(ids, List.of(1, 1, 2, 3, 3)),
                        2L, RankedCandidates.of(ids, List.of(1, 1, 3, 4, 4)),
                        3L, RankedCandidates.notRankable(ids)));

        assertThat(KrippendorffAlpha.ordinalOverCandidates(items)).hasValue(1.0);
    }

    @Test
    void ordinalOverCandidatesUsesEachLabelersRankOfEachCandidateAsAUnit() {
        List<Long> ids = List.of(1L, 2L, 3L, 4L);
        List<Map<Long, RankedCandidates>> items = List.of(
                Map.of(
                        7L, RankedCandidates.ofOrder(ids),
                        8L, RankedCandidates.of(ids, List.of(2, 1, 1, 4)),
                        9L, RankedCandidates.notRankable(ids)),
                Map.of(7L, RankedCandidates.of(ids, List.of(1, 2, 2, 4))));

        // Ranks in competition style: [2,1,1,4] is positions 3,1,1,4. The lone ranking forms no pairable unit.
        List<List<Integer>> units = List.of(List.of(1, 3), List.of(2, 1), List.of(3, 1), List.of(4, 4));
        assertThat(KrippendorffAlpha.ordinalOverCandidates(items))
                .isEqualTo(KrippendorffAlpha.of(units, Metric.ORDINAL));
    }

    @Test
    void independentRandomRankingsHaveAlphaNearZero() {
        Random random = new Random(11);
        List<Long> ids = List.of(1L, 2L, 3L, 4L, 5L, 6L);
        List<Map<Long, RankedCandidates>> items = new ArrayList<>();
        for (int item = 0; item < 2000; item++) {
            Map<Long, RankedCandidates> byLabeler = new HashMap<>();
            for (long labeler = 1; labeler <= 3; labeler++) {
                List<Long> order = new ArrayList<>(ids);
                Collections.shuffle(order, random);
                byLabeler.put(labeler, RankedCandidates.ofOrder(order));
            }
            items.add(byLabeler);
        }

        assertThat(KrippendorffAlpha.ordinalOverCandidates(items).getAsDouble()).isCloseTo(0, within(0.03));
    }

    /**
     * Alpha = 1 - D_o / D_e straight from the definition, pair by pair, with no coincidence matrix: D_o averages
     * delta^2 over ordered value pairs within each unit (weight 1 / (m_u - 1)), D_e over all ordered pairs of
     * pairable values. Null when undefined.
     */
    private static Double bruteForceAlpha(List<List<Integer>> units, Metric metric) {
        List<List<Integer>> pairable = units.stream()
                .map(u -> u.stream().filter(Objects::nonNull).toList())
                .filter(u -> u.size() >= 2)
                .toList();
        List<Integer> all = pairable.stream().flatMap(List::stream).toList();
        int n = all.size();
        if (n == 0) {
            return null;
        }
        Map<Integer, Integer> frequency = new HashMap<>();
        all.forEach(v -> frequency.merge(v, 1, Integer::sum));
        double observed = 0;
        for (List<Integer> unit : pairable) {
            double sum = 0;
            for (int i = 0; i < unit.size(); i++) {
                for (int j = 0; j < unit.size(); j++) {
                    if (i != j) {
                        sum += distance(metric, unit.get(i), unit.get(j), frequency);
                    }
                }
            }
            observed += sum / (unit.size() - 1);
        }
        observed /= n;
        double expected = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != j) {
                    expected += distance(metric, all.get(i), all.get(j), frequency);
                }
            }
        }
        expected /= (double) n * (n - 1);
        return expected == 0 ? null : 1 - observed / expected;
    }

    private static double distance(Metric metric, int a, int b, Map<Integer, Integer> frequency) {
        return switch (metric) {
            case NOMINAL -> a == b ? 0 : 1;
            case INTERVAL -> (a - b) * (a - b);
            case ORDINAL -> {
                int lo = Math.min(a, b);
                int hi = Math.max(a, b);
                double between = frequency.entrySet().stream()
                        .filter(e -> e.getKey() >= lo && e.getKey() <= hi)
                        .mapToInt(Map.Entry::getValue)
                        .sum();
                double d = between - (frequency.get(a) + frequency.get(b)) / 2.0;
                yield d * d;
            }
        };
    }
}
