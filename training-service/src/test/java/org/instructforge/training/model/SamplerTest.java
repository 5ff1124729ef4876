package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Sample frequencies against the exact distribution. Pearson's chi-square with the draws fixed by a seed; the
 * thresholds are the 0.999 quantiles (df 4: 18.47, df 1: 10.83), so a correct sampler fails on 1 seed in 1000 and
 * a biased one (e.g. an off-by-one in the CDF search) fails by orders of magnitude.
 */
class SamplerTest {

    private static final int DRAWS = 40_000;
    private static final float[] LOGITS = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f};

    @Test
    void sampleFrequenciesMatchTheSoftmax() {
        assertThat(chiSquare(new SamplingSettings(1, 1f, 0, 1f, true), softmax(LOGITS, 1f)))
                .isLessThan(18.47);
    }

    @Test
    void temperatureSamplesFromTheScaledSoftmax() {
        assertThat(chiSquare(new SamplingSettings(1, 0.5f, 0, 1f, true), softmax(LOGITS, 0.5f)))
                .isLessThan(18.47);
        assertThat(chiSquare(new SamplingSettings(1, 2f, 0, 1f, true), softmax(LOGITS, 2f)))
                .isLessThan(18.47);
    }

    @Test
    void topKSamplesOnlyTheKMostLikelyTokensInProportion() {
        double[] p = softmax(LOGITS, 1f);
        double kept = p[0] + p[1];
        double[] expected = {p[0] / kept, p[1] / kept, 0, 0, 0};
        assertThat(chiSquare(new SamplingSettings(1, 1f, 2, 1f, true), expected))
                .isLessThan(10.83);
    }

    @Test
    void topPKeepsTheSmallestSetOfLikelyTokensReachingP() {
        // probabilities 0.5, 0.3, 0.15, 0.05: p = 0.75 keeps the first two (0.5 < 0.75, 0.5 + 0.3 crosses it).
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        double[] expected = {0.5 / 0.8, 0.3 / 0.8, 0, 0};
        assertThat(chiSquare(logits, new SamplingSettings(1, 1f, 0, 0.75f, true), expected))
                .isLessThan(10.83);
    }

    @Test
    void greedyPicksTheArgmaxOfEachRow() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(new float[][] {{0f, 3f, 1f}, {5f, -1f, 4.9f}});
            long[] picks = Sampler.next(logits, SamplingSettings.greedy(1), new Random(0))
                    .toLongArray();
            assertThat(picks).containsExactly(1, 0);
        }
    }

    @Test
    void sameSeedGivesTheSameDraws() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray logits = manager.create(LOGITS).reshape(1, -1).repeat(0, 50);
            SamplingSettings s = SamplingSettings.sampling(1);
            assertThat(Sampler.next(logits, s, new Random(3)).toLongArray())
                    .containsExactly(Sampler.next(logits, s, new Random(3)).toLongArray());
        }
    }

    private static double chiSquare(SamplingSettings settings, double[] expected) {
        return chiSquare(LOGITS, settings, expected);
    }

    /** Draws DRAWS tokens (one per row, all rows the same logits) and returns Pearson's statistic. */
    private static double chiSquare(float[] logits, SamplingSettings settings, double[] expected) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray batch = manager.create(logits).reshape(1, -1).repeat(0, DRAWS); // (DRAWS, V)
            long[] draws = Sampler.next(batch, settings, new Random(42)).toLongArray();
            long[] counts = new long[logits.length];
            for (long d : draws) {
                counts[(int) d]++;
            }
            double chi = 0;
            for (int i = 0; i < counts.length; i++) {
                if (expected[i] == 0) {
                    assertThat(counts[i]).as("draws of filtered token %d", i).isZero();
                    continue;
                }
                double e = expected[i] * DRAWS;
                chi += (counts[i] - e) * (counts[i] - e) / e;
            }
            return chi;
        }
    }

    private static double[] softmax(float[] logits, float temperature) {
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp(logits[i] / temperature);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }
}
