package org.instructforge.training.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RlMathTest {

    private static final float[][] MASK = {{1, 1, 1, 0}, {1, 1, 1, 1}, {1, 0, 0, 0}};

    @Test
    void gaeEqualsTheDiscountedSumOfTemporalDifferences() {
        Random rng = new Random(3);
        float[][] rewards = random(rng);
        float[][] values = random(rng);
        for (float[] gammaLambda : new float[][] {{1f, 0.95f}, {0.9f, 0.5f}, {1f, 1f}, {1f, 0f}}) {
            RlMath.Advantages fast = RlMath.gae(rewards, values, MASK, gammaLambda[0], gammaLambda[1]);
            float[][] slow = straightforwardGae(rewards, values, MASK, gammaLambda[0], gammaLambda[1]);
            for (int i = 0; i < MASK.length; i++) {
                for (int t = 0; t < MASK[i].length; t++) {
                    assertThat(fast.advantages()[i][t]).isCloseTo(slow[i][t], within(1e-5f));
                    float expectedReturn = MASK[i][t] == 0 ? 0 : slow[i][t] + values[i][t];
                    assertThat(fast.returns()[i][t]).isCloseTo(expectedReturn, within(1e-5f));
                }
            }
        }
    }

    @Test
    void gaeWithLambdaOneAndNoDiscountIsRewardToGoMinusValue() {
        float[][] rewards = {{0, 0, 1}};
        float[][] values = {{0.5f, 0.25f, 0.75f}};
        float[][] mask = {{1, 1, 1}};
        RlMath.Advantages a = RlMath.gae(rewards, values, mask, 1f, 1f);
        assertThat(a.advantages()[0]).containsExactly(0.5f, 0.75f, 0.25f);
        assertThat(a.returns()[0]).containsExactly(1f, 1f, 1f);
    }

    @Test
    void whitenGivesZeroMeanUnitVarianceOverMaskedEntriesAndZeroPadding() {
        float[][] x = {{1, 2, 3, 100}, {4, 5, 6, 7}, {8, -50, -50, -50}};
        float[][] w = RlMath.whiten(x, MASK, true);
        assertThat(RlMath.maskedMean(w, MASK)).isCloseTo(0, within(1e-6));
        assertThat(RlMath.maskedVariance(w, MASK)).isCloseTo(1, within(1e-5));
        assertThat(w[0][3]).isZero();
        assertThat(w[2][1]).isZero();
        float[][] keepMean = RlMath.whiten(x, MASK, false);
        assertThat(RlMath.maskedMean(keepMean, MASK)).isCloseTo(RlMath.maskedMean(x, MASK), within(1e-5));
    }

    @Test
    void maskedMeansIgnorePaddingOnArraysAndTensors() {
        float[][] x = {{1, 2, 3, 1000}, {4, 5, 6, 7}, {8, 1000, 1000, 1000}};
        assertThat(RlMath.maskedMean(x, MASK)).isCloseTo(36 / 8.0, within(1e-9));
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(RlMath.maskedMean(m.create(x), m.create(MASK)).getFloat())
                    .isCloseTo(4.5f, within(1e-6f));
        }
        // Bessel-corrected variance of 1..8
        assertThat(RlMath.maskedVariance(x, MASK)).isCloseTo(6.0, within(1e-9));
    }

    @Test
    void approxKlIsHalfTheMeanSquaredLogRatioAndSequenceKlSumsTheResponse() {
        float[][] now = {{-1, -2, -3, 0}};
        float[][] old = {{-1.5f, -2, -2, 9}};
        float[][] mask = {{1, 1, 1, 0}};
        assertThat(RlMath.approxKl(now, old, mask)).isCloseTo(0.5 * (0.25 + 0 + 1) / 3, within(1e-7));
        assertThat(RlMath.sequenceKl(now, old, mask)[0]).isCloseTo(0.5f - 1f, within(1e-6f));
    }

    @Test
    void cosineDecayRunsFromPeakToFloor() {
        assertThat(RlMath.cosineDecay(1f, 0.1f, 0, 11)).isEqualTo(1f);
        assertThat(RlMath.cosineDecay(1f, 0.1f, 5, 11)).isCloseTo(0.55f, within(1e-6f));
        assertThat(RlMath.cosineDecay(1f, 0.1f, 10, 11)).isCloseTo(0.1f, within(1e-6f));
    }

    /** A_t = sum_{l >= 0} (gamma lambda)^l delta_{t+l} over the row's valid tokens, V = 0 past the end. */
    private static float[][] straightforwardGae(
            float[][] rewards, float[][] values, float[][] mask, float gamma, float lambda) {
        float[][] out = new float[rewards.length][];
        for (int i = 0; i < rewards.length; i++) {
            int length = 0;
            while (length < mask[i].length && mask[i][length] == 1) {
                length++;
            }
            out[i] = new float[rewards[i].length];
            for (int t = 0; t < length; t++) {
                double sum = 0;
                for (int l = 0; t + l < length; l++) {
                    int k = t + l;
                    double next = k + 1 < length ? values[i][k + 1] : 0;
                    double delta = rewards[i][k] + gamma * next - values[i][k];
                    sum += Math.pow(gamma * lambda, l) * delta;
                }
                out[i][t] = (float) sum;
            }
        }
        return out;
    }

    private static float[][] random(Random rng) {
        float[][] x = new float[MASK.length][MASK[0].length];
        for (float[] row : x) {
            for (int t = 0; t < row.length; t++) {
                row[t] = (float) rng.nextGaussian();
            }
        }
        return x;
    }
}
