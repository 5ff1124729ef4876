package org.instructforge.web.quality.metrics;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.TreeSet;
import org.instructforge.shared.ranking.RankedCandidates;

/**
 * Krippendorff's alpha, the chance-corrected agreement that admins of labeling tools ask for (Argilla #4273): it
 * takes any number of labelers, missing values, and a metric fitting the data.
 *
 * <p>{@link #of} is the reference computation through the coincidence matrix (Krippendorff, "Computing
 * Krippendorff's Alpha-Reliability", 2011, section C): alpha = 1 - D_o / D_e = 1 - (n - 1) * sum_ck o_ck
 * delta2_ck / sum_ck n_c n_k delta2_ck, with o_ck = sum over units of (number of c-k value pairs) / (m_u - 1),
 * n_c = sum_k o_ck, n = sum_c n_c, and units with fewer than two values left out. It reproduces that paper's
 * 4-coder, 12-unit example with missing values: nominal 0.743, ordinal 0.815, interval 0.849.
 *
 * <p>For rankings, {@link #ordinalOverCandidates} is the one to report: each (item, candidate) is a unit and each
 * labeler's rank of it an ordinal value. It uses every labeler's full ranking, ties included, and the ordinal
 * metric makes a 1-vs-2 confusion cost less than a 1-vs-4 one. Ranks are positions in 1..K (see
 * {@link RankedCandidates#rankOf}), so pooling them across items of one K into one expected disagreement is
 * meaningful.
 *
 * <p>Not offered: nominal alpha with candidate pairs as units ("a>b" / "b>a"). A pair's value only means something
 * relative to which candidate is called "a", so pooling values across pairs for the expected disagreement depends on
 * an arbitrary orientation (with "a" = the first labeler's winner, three labelers ranking at random score -0.125
 * instead of 0). {@link PairwiseAgreement} covers the pairwise view.
 */
public final class KrippendorffAlpha {

    /** How far apart two values are (the paper's delta^2 functions). */
    public enum Metric {
        /** Any two different values disagree equally. */
        NOMINAL,
        /** Ranks: the distance counts how many values lie between the two (ordinal delta^2 from the marginals). */
        ORDINAL,
        /** Numbers: the squared difference. */
        INTERVAL
    }

    private KrippendorffAlpha() {}

    /**
     * Alpha over reliability data given as units, each a list of the values its coders gave; a {@code null} value
     * is missing (a coder who did not rate that unit).
     *
     * @return empty when undefined: no unit has two values, or every value is the same (no expected disagreement)
     */
    public static OptionalDouble of(List<? extends Collection<Integer>> units, Metric metric) {
        // Pairable values only: a unit needs m_u >= 2 values to say anything about agreement.
        List<List<Integer>> pairable = new ArrayList<>();
        TreeSet<Integer> distinct = new TreeSet<>();
        for (Collection<Integer> unit : units) {
            List<Integer> values = unit.stream().filter(Objects::nonNull).toList();
            if (values.size() >= 2) {
                pairable.add(values);
                distinct.addAll(values);
            }
        }
        if (pairable.isEmpty()) {
            return OptionalDouble.empty();
        }
        int[] value = distinct.stream().mapToInt(Integer::intValue).toArray();
        Map<Integer, Integer> index = new TreeMap<>();
        for (int c = 0; c < value.length; c++) {
            index.put(value[c], c);
        }

        // Coincidence matrix: every ordered pair of values within a unit, weighted 1 / (m_u - 1).
        int v = value.length;
        double[][] o = new double[v][v];
        for (List<Integer> unit : pairable) {
            int[] count = new int[v];
            unit.forEach(x -> count[index.get(x)]++);
            double weight = 1.0 / (unit.size() - 1);
            for (int c = 0; c < v; c++) {
                for (int k = 0; k < v; k++) {
                    int pairs = c == k ? count[c] * (count[c] - 1) : count[c] * count[k];
                    o[c][k] += pairs * weight;
                }
            }
        }
        double[] nc = new double[v];
        double n = 0;
        for (int c = 0; c < v; c++) {
            for (int k = 0; k < v; k++) {
                nc[c] += o[c][k];
            }
            n += nc[c];
        }

        double observed = 0;
        double expected = 0;
        for (int c = 0; c < v; c++) {
            for (int k = 0; k < v; k++) {
                double d2 = delta2(metric, c, k, value, nc);
                observed += o[c][k] * d2;
                expected += nc[c] * nc[k] * d2;
            }
        }
        if (expected == 0) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(1 - (n - 1) * observed / expected);
    }

    /** The paper's delta^2_ck for values at indices c and k of the sorted distinct values, with marginals nc. */
    private static double delta2(Metric metric, int c, int k, int[] value, double[] nc) {
        return switch (metric) {
            case NOMINAL -> c == k ? 0 : 1;
            case INTERVAL -> Math.pow(value[c] - value[k], 2);
            case ORDINAL -> {
                // (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2
                int lo = Math.min(c, k);
                int hi = Math.max(c, k);
                double between = 0;
                for (int g = lo; g <= hi; g++) {
                    between += nc[g];
                }
                double d = between - (nc[c] + nc[k]) / 2;
                yield d * d;
            }
        };
    }

    /**
     * Ordinal alpha over rankings: one unit per (item, candidate), one value per labeler (its rank, 1 = best).
     * Not-rankable verdicts give no values. Rank 4 is last of four but mid-field of nine, so compute alpha per K
     * (or over items of one K) when tasks of different sizes are mixed.
     *
     * @param rankingsByItem per item, each labeler's ranking keyed by labeler id
     * @throws IllegalArgumentException when two rankings of one item cover different candidates
     */
    public static OptionalDouble ordinalOverCandidates(
            Collection<? extends Map<Long, RankedCandidates>> rankingsByItem) {
        List<List<Integer>> units = new ArrayList<>();
        for (Map<Long, RankedCandidates> item : rankingsByItem) {
            List<RankedCandidates> rankable = rankableOf(item);
            if (rankable.isEmpty()) {
                continue;
            }
            for (long candidate : rankable.get(0).candidates()) {
                units.add(rankable.stream().map(r -> r.rankOf(candidate)).toList());
            }
        }
        return of(units, Metric.ORDINAL);
    }

    private static List<RankedCandidates> rankableOf(Map<Long, RankedCandidates> item) {
        List<RankedCandidates> rankable = new TreeMap<>(item)
                .values().stream().filter(RankedCandidates::isRankable).toList();
        for (RankedCandidates r : rankable) {
            LabelerPairs.requireSameCandidates(rankable.get(0), r);
        }
        return rankable;
    }
}
