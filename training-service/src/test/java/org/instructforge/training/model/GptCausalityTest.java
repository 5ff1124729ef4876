package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Causality of every architecture: GPT-2, and the Llama family (RoPE + grouped-query attention). */
class GptCausalityTest {

    static Stream<Path> checkpoints() {
        return Stream.of(ModelFixtures.randomMultiHead(), LlamaTest.variant("llama-gqa-tied"));
    }

    @ParameterizedTest
    @MethodSource("checkpoints")
    void changingTokenTPlusOneNeverChangesLogitsAtPositionsUpToT(Path checkpoint) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(checkpoint, manager, false);
            int vocab = gpt.config().vocabSize();
            int length = 12;
            Random rng = new Random(7);
            long[] tokens = rng.longs(length, 0, vocab).toArray();
            NDArray base = gpt.logits(gpt.forward(manager.create(new long[][] {tokens}), null, null, null)
                    .hidden());
            for (int t = 0; t < length - 1; t++) {
                long[] changed = tokens.clone();
                changed[t + 1] = (changed[t + 1] + 1 + rng.nextInt(vocab - 1)) % vocab;
                NDArray logits = gpt.logits(gpt.forward(manager.create(new long[][] {changed}), null, null, null)
                        .hidden());
                NDIndex upToT = new NDIndex(":, :{}, :", t + 1);
                NDIndex after = new NDIndex(":, {}:, :", t + 1);
                assertThat(logits.get(upToT).sub(base.get(upToT)).abs().max().getFloat())
                        .as("positions <= %d after changing token %d", t, t + 1)
                        .isLessThan(1e-6f);
                // ...while the change is visible from t + 1 on, so the test can fail.
                assertThat(logits.get(after).sub(base.get(after)).abs().max().getFloat())
                        .isGreaterThan(1e-4f);
            }
        }
    }
}
