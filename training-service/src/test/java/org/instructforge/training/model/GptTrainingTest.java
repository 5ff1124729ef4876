package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The model is trainable with plain DJL: GradientCollector for backward, an Optimizer over its Parameters. */
class GptTrainingTest {

    private static final GptConfig SMALL = new GptConfig(50, 16, 16, 2, 2, 64, 1e-5f, 0.1f, 49, 49);

    @Test
    void everyParameterGetsAGradientAndAdamLowersTheLossOfAFixedBatch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(1); // initial weights and dropout masks
            Gpt gpt = new Gpt(SMALL, true);
            gpt.initialize(manager);
            long[][] batch = bigramChains(4, 12);
            Optimizer adam = Optimizer.adam()
                    .optLearningRateTracker(Tracker.fixed(1e-2f))
                    .build();
            float first = 0;
            float last = 0;
            for (int step = 0; step < 60; step++) {
                try (NDManager stepManager = manager.newSubManager();
                        GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                    ParameterStore ps = new ParameterStore(stepManager, false);
                    NDArray x = stepManager.create(batch);
                    CausalLm.Output out = gpt.forward(ps, x, null, null, null, true);
                    NDArray logits = gpt.logits(ps, out.hidden()).get(new NDIndex(":, :-1, :"));
                    NDArray nll = LogProbs.ofTokens(logits, x.get(new NDIndex(":, 1:")), 1f)
                            .neg()
                            .mean();
                    // A scalar-head term too, so its parameters take part (a stand-in for a reward loss).
                    NDArray score =
                            gpt.scalarAt(ps, out.hidden(), stepManager.create(new long[] {11, 11, 11, 11}), true);
                    NDArray loss = nll.add(score.sub(1f).square().mean());
                    collector.backward(loss);
                    if (step == 0) {
                        first = nll.getFloat();
                        for (Parameter p : gpt.parametersByName().values()) {
                            assertThat(p.getArray().getGradient().abs().sum().getFloat())
                                    .as(p.getName())
                                    .isGreaterThan(0f);
                        }
                    }
                    last = nll.getFloat();
                    for (Parameter p : gpt.parametersByName().values()) {
                        adam.update(p.getId(), p.getArray(), p.getArray().getGradient());
                    }
                }
            }
            assertThat(last).as("loss %s -> %s", first, last).isLessThan(first * 0.5f);
        }
    }

    @Test
    void forwardPassesNeverAllocateInTheManagerThatHoldsTheWeights() throws Exception {
        try (NDManager weights = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(ModelFixtures.randomMultiHead(), weights, true);
            int before = weights.getManagedArrays().size();
            for (int i = 0; i < 3; i++) {
                try (NDManager step = weights.newSubManager()) {
                    ParameterStore ps = new ParameterStore(step, false);
                    CausalLm.Output out = gpt.forward(ps, step.create(tokens(2, 8)), null, null, null, false);
                    gpt.logits(ps, out.hidden());
                    gpt.scalarAt(ps, out.hidden(), step.create(new long[] {7, 7}), false);
                }
                new Generator(gpt)
                        .generate(
                                weights,
                                List.of(new long[] {1, 2, 3}, new long[] {4}),
                                SamplingSettings.sampling(5),
                                new Random(i));
            }
            assertThat(weights.getManagedArrays()).hasSize(before);
        }
    }

    /** Each token determines the next (t -> 7t + 3 mod V): learnable, unlike random tokens whose floor is entropy. */
    private static long[][] bigramChains(int rows, int length) {
        long[][] out = new long[rows][length];
        for (int i = 0; i < rows; i++) {
            out[i][0] = 5L * i;
            for (int j = 1; j < length; j++) {
                out[i][j] = (7 * out[i][j - 1] + 3) % SMALL.vocabSize();
            }
        }
        return out;
    }

    private static long[][] tokens(int rows, int length) {
        Random rng = new Random(1);
        long[][] out = new long[rows][length];
        for (long[] row : out) {
            for (int j = 0; j < length; j++) {
                row[j] = rng.nextInt(SMALL.vocabSize());
            }
        }
        return out;
    }
}
