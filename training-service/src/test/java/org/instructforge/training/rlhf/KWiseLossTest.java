package org.instructforge.training.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class KWiseLossTest {

    private static double softplus(double x) {
        return Math.log1p(Math.exp(x));
    }

    @Test
    void fullRankingOfFourAveragesItsSixPairs() {
        // rewards 2, 1, 0, -1 ranked in that order: margins 1, 2, 3, 1, 2, 1
        double expected = (3 * softplus(-1) + 2 * softplus(-2) + softplus(-3)) / 6; // 0.207038
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray r = m.create(new float[] {2, 1, 0, -1});
            long[] w = {0, 0, 0, 1, 1, 2};
            long[] l = {1, 2, 3, 2, 3, 3};
            float[] weight = {1 / 6f, 1 / 6f, 1 / 6f, 1 / 6f, 1 / 6f, 1 / 6f};
            assertThat(RewardTrainer.kWiseLoss(r, w, l, weight).getFloat()).isCloseTo((float) expected, within(1e-6f));
            assertThat(expected).isCloseTo(0.207038, within(1e-6));
        }
    }

    @Test
    void eachPromptWeighsTheSameWhateverItsNumberOfPairs() {
        // prompt A: 2 outputs... as rows 0-1 with one pair (margin 0.5); prompt B: rows 2-4, three pairs
        double a = softplus(-0.5);
        double b = (softplus(-1) + softplus(-3) + softplus(-2)) / 3;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray r = m.create(new float[] {0.5f, 0, 3, 2, 0});
            long[] w = {0, 2, 2, 3};
            long[] l = {1, 3, 4, 4};
            float[] weight = {1 / 2f, 1 / 6f, 1 / 6f, 1 / 6f};
            assertThat(RewardTrainer.kWiseLoss(r, w, l, weight).getFloat())
                    .isCloseTo((float) ((a + b) / 2), within(1e-6f));
        }
    }

    @Test
    void gradientPushesWinnersUpAndLosersDownAndStaysFiniteForHugeMargins() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray r = m.create(new float[] {0, 0, 200, -200});
            r.setRequiresGradient(true);
            try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
                NDArray loss =
                        RewardTrainer.kWiseLoss(r, new long[] {0, 3}, new long[] {1, 2}, new float[] {0.5f, 0.5f});
                c.backward(loss);
                // pair 0 > 1 at margin 0: d/dr0 = -0.5 * sigmoid(0) = -0.25; pair 3 > 2 at margin -400: -0.5 * ~1
                assertThat(loss.getFloat()).isCloseTo((float) (0.5 * Math.log(2) + 0.5 * 400), within(1e-3f));
            }
            float[] g = r.getGradient().toFloatArray();
            assertThat(g[0]).isCloseTo(-0.25f, within(1e-6f));
            assertThat(g[1]).isCloseTo(0.25f, within(1e-6f));
            assertThat(g[3]).isCloseTo(-0.5f, within(1e-6f));
            assertThat(g[2]).isCloseTo(0.5f, within(1e-6f));
        }
    }
}
