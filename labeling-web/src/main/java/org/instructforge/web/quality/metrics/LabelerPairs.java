package org.instructforge.web.quality.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.instructforge.shared.ranking.RankedCandidates;

/**
 * Averages a two-ranking score over every pair of labelers who ranked the same item, the way InstructGPT
 * averages agreement: each (item, labeler pair) counts once. Not-rankable verdicts carry no order and are skipped.
 */
final class LabelerPairs {

    private LabelerPairs() {}

    static OptionalDouble mean(
            Collection<? extends Map<Long, RankedCandidates>> rankingsByItem,
            BiFunction<RankedCandidates, RankedCandidates, OptionalDouble> score) {
        List<Double> scores = new ArrayList<>();
        forEachPair(rankingsByItem, score, (first, second, value) -> scores.add(value));
        return scores.stream().mapToDouble(Double::doubleValue).average();
    }

    /** Per labeler, the mean score over every co-labeler on every shared item. */
    static Map<Long, Double> meanPerLabeler(
            Collection<? extends Map<Long, RankedCandidates>> rankingsByItem,
            BiFunction<RankedCandidates, RankedCandidates, OptionalDouble> score) {
        Map<Long, double[]> sumAndCount = new TreeMap<>();
        forEachPair(rankingsByItem, score, (first, second, value) -> {
            for (long labeler : new long[] {first, second}) {
                double[] acc = sumAndCount.computeIfAbsent(labeler, l -> new double[2]);
                acc[0] += value;
                acc[1] += 1;
            }
        });
        Map<Long, Double> means = new TreeMap<>();
        sumAndCount.forEach((labeler, acc) -> means.put(labeler, acc[0] / acc[1]));
        return means;
    }

    private interface PairScore {
        void accept(long firstLabeler, long secondLabeler, double value);
    }

    private static void forEachPair(
            Collection<? extends Map<Long, RankedCandidates>> rankingsByItem,
            BiFunction<RankedCandidates, RankedCandidates, OptionalDouble> score,
            PairScore sink) {
        for (Map<Long, RankedCandidates> item : rankingsByItem) {
            List<Map.Entry<Long, RankedCandidates>> rankable = new TreeMap<>(item)
                    .entrySet().stream().filter(e -> e.getValue().isRankable()).toList();
            for (int i = 0; i < rankable.size(); i++) {
                for (int j = i + 1; j < rankable.size(); j++) {
                    var first = rankable.get(i);
                    var second = rankable.get(j);
                    OptionalDouble value = score.apply(first.getValue(), second.getValue());
                    if (value.isPresent()) {
                        sink.accept(first.getKey(), second.getKey(), value.getAsDouble());
                    }
                }
            }
        }
    }

    static void requireSameCandidates(RankedCandidates a, RankedCandidates b) {
        if (!a.sameCandidatesAs(b)) {
            throw new IllegalArgumentException("the two rankings cover different candidates (" + a.candidates() + " vs "
                    + b.candidates() + "); compare rankings of the same item only");
        }
    }
}
