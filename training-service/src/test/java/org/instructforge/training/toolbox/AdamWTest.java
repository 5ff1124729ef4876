package org.instructforge.training.toolbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.instructforge.training.model.ComputeDevice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdamWTest {

    private static final float[] W = {0.5f, -1.0f, 2.0f, 0.1f, 0.0f, -0.3f};
    private static final float[] B = {0.2f, -0.1f, 0.05f};

    /** Three steps of gradients; the second is large enough to be clipped to norm 1. */
    private static final float[][] W_GRADS = {
        {0.3f, -0.2f, 0.1f, 0.0f, 0.5f, -0.4f},
        {1.5f, 2.0f, -3.0f, 0.7f, 0.1f, 0.2f},
        {-0.1f, 0.2f, 0.3f, 0.05f, -0.05f, 0f}
    };

    private static final float[][] B_GRADS = {{0.05f, 0f, -0.02f}, {0.4f, -0.3f, 0.9f}, {0.01f, 0.02f, 0.03f}};

    /**
     * Expected values from torch 1.13's {@code torch.optim.AdamW(lr=0.01, betas=(0.9, 0.95), eps=1e-8)} with weight
     * decay 0.1 on the matrix only and {@code clip_grad_norm_(params, 1.0)} before each step.
     */
    private static final float[] TORCH_NORMS = {0.7435725f, 4.1048751f, 0.3826226f};

    private static final float[] TORCH_W = {
        0.47225541f, -0.99672878f, 1.99262249f, 0.08505196f, -0.02203002f, -0.27874491f
    };
    private static final float[] TORCH_B = {0.17231610f, -0.08879459f, 0.04720640f};

    private NDManager manager;
    private Map<String, Parameter> params;

    @BeforeEach
    void createParameters() {
        ComputeDevice.prepareThread(); // in-place updates of leaf weights need grad mode off on this thread
        manager = NDManager.newBaseManager();
        params = parameters(manager);
    }

    @AfterEach
    void free() {
        manager.close();
    }

    @Test
    void matchesTorchAdamWWithClippingAndDecayOnMatricesOnly() {
        AdamW adamW = new AdamW(params, new AdamW.Settings(0.9f, 0.95f, 1e-8f, 0.1f, 1f), manager);
        for (int step = 0; step < 3; step++) {
            setGradients(params, W_GRADS[step], B_GRADS[step]);
            assertThat(adamW.step(0.01f)).isCloseTo(TORCH_NORMS[step], within(1e-5f));
        }
        assertClose(params.get("w").getArray().toFloatArray(), TORCH_W);
        assertClose(params.get("b").getArray().toFloatArray(), TORCH_B);
        assertThat(adamW.steps()).isEqualTo(3);
    }

    @Test
    void leavesTheGradientsZeroedForTheNextBackwardPass() {
        AdamW adamW = new AdamW(params, AdamW.Settings.instructGpt(0.1f), manager);
        setGradients(params, W_GRADS[0], B_GRADS[0]);
        adamW.step(0.01f);
        for (String name : params.keySet()) {
            for (float g : params.get(name).getArray().getGradient().toFloatArray()) {
                assertThat(Math.abs(g)).as(name).isEqualTo(0f); // 0 * a negative gradient is -0
            }
        }
    }

    @Test
    void savedStateResumesTheSameUpdates(@TempDir Path dir) throws Exception {
        AdamW first = new AdamW(params, AdamW.Settings.instructGpt(0.1f), manager);
        setGradients(params, W_GRADS[0], B_GRADS[0]);
        first.step(0.01f);
        first.save(dir.resolve("optimizer.safetensors"));

        AdamW resumed = new AdamW(params, AdamW.Settings.instructGpt(0.1f), manager);
        resumed.load(dir.resolve("optimizer.safetensors"));
        float[] before = params.get("w").getArray().toFloatArray();
        setGradients(params, W_GRADS[1], B_GRADS[1]);
        resumed.step(0.01f);
        float[] viaResumed = params.get("w").getArray().toFloatArray();

        params.get("w").getArray().set(before);
        setGradients(params, W_GRADS[1], B_GRADS[1]);
        first.step(0.01f);
        assertThat(params.get("w").getArray().toFloatArray()).containsExactly(viaResumed);
    }

    private static Map<String, Parameter> parameters(NDManager manager) {
        Map<String, Parameter> params = new LinkedHashMap<>();
        params.put("w", parameter("w", manager.create(W).reshape(2, 3)));
        params.put("b", parameter("b", manager.create(B)));
        return params;
    }

    private static Parameter parameter(String name, NDArray array) {
        array.setRequiresGradient(true);
        return Parameter.builder()
                .setName(name)
                .setType(Parameter.Type.WEIGHT)
                .optArray(array)
                .build();
    }

    /** Backward through sum(w * gw) + sum(b * gb), whose gradients are gw and gb. */
    private static void setGradients(Map<String, Parameter> params, float[] gw, float[] gb) {
        NDArray w = params.get("w").getArray();
        NDArray b = params.get("b").getArray();
        try (NDManager scope = w.getManager().newSubManager();
                GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = w.mul(scope.create(gw).reshape(2, 3))
                    .sum()
                    .add(b.mul(scope.create(gb)).sum());
            collector.backward(loss);
        }
    }

    private static void assertClose(float[] actual, float[] expected) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(2e-6f));
        }
    }
}
