package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

/**
 * Regression test for a DJL pitfall: {@code mul(Number)} frees its scalar right after the op although
 * autograd keeps it for backward, so after a garbage collection the gradient read freed memory (wrong or NaN
 * in most steps). The model's scalars now live in the step's manager.
 */
class ScalarLifetimeTest {

    @Test
    void geluGradientsStayExactAcrossGarbageCollections() {
        float[] values = {-3f, -1f, -0.25f, 0f, 0.5f, 1f, 2.5f};
        for (int step = 0; step < 20; step++) {
            try (NDManager manager = NDManager.newBaseManager()) {
                NDArray x = manager.create(values);
                x.setRequiresGradient(true);
                try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    NDArray y = Gpt.geluNew(x).sum();
                    // Churn the heap the way a training step does between forward and backward.
                    System.gc();
                    for (int i = 0; i < 50; i++) {
                        manager.create(new float[1024]).close();
                    }
                    collector.backward(y);
                }
                float[] gradient = x.getGradient().toFloatArray();
                for (int i = 0; i < values.length; i++) {
                    assertThat((double) gradient[i])
                            .isCloseTo(geluNewDerivative(values[i]), org.assertj.core.data.Offset.offset(1e-5));
                }
            }
        }
    }

    /** d/dx of 0.5 x (1 + tanh(c (x + 0.044715 x^3))), c = sqrt(2/pi), written out in double precision. */
    private static double geluNewDerivative(double x) {
        double c = Math.sqrt(2 / Math.PI);
        double u = c * (x + 0.044715 * x * x * x);
        double t = Math.tanh(u);
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x);
    }
}
