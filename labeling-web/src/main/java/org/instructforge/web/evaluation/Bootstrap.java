package org.instructforge.web.evaluation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * Percentile bootstrap (Efron 1979): the statistic is recomputed on resamples of the data drawn with replacement,
 * and the 2.5th and 97.5th percentiles of the results bound a 95 % interval. Seeded, so a page shows the same
 * interval on every reload.
 */
final class Bootstrap {

    private Bootstrap() {}

    /**
     * A 95 % interval per key of a statistic that answers one number per key (a rating per checkpoint, say). A key
     * missing from a resample's answer (its checkpoint drew no judgement) leaves that resample out for that key.
     */
    static <T> Map<Long, Interval> intervals(
            List<T> data, Function<List<T>, Map<Long, Double>> statistic, int resamples, long seed) {
        Map<Long, List<Double>> draws = new LinkedHashMap<>();
        if (data.isEmpty()) {
            return Map.of();
        }
        Random random = new Random(seed);
        for (int r = 0; r < resamples; r++) {
            List<T> resample = new ArrayList<>(data.size());
            for (int k = 0; k < data.size(); k++) {
                resample.add(data.get(random.nextInt(data.size())));
            }
            statistic
                    .apply(resample)
                    .forEach((key, value) ->
                            draws.computeIfAbsent(key, x -> new ArrayList<>()).add(value));
        }
        Map<Long, Interval> intervals = new HashMap<>();
        draws.forEach((key, values) -> {
            Collections.sort(values);
            intervals.put(key, new Interval(quantile(values, 0.025), quantile(values, 0.975)));
        });
        return intervals;
    }

    /** Linear interpolation between the closest ranks of sorted values (R's default, type 7). */
    static double quantile(List<Double> sorted, double q) {
        double position = q * (sorted.size() - 1);
        int below = (int) Math.floor(position);
        int above = Math.min(below + 1, sorted.size() - 1);
        double fraction = position - below;
        return sorted.get(below) + fraction * (sorted.get(above) - sorted.get(below));
    }
}
