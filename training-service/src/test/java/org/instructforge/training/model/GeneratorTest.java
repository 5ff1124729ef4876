package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Generation on the seeded multi-head checkpoint (vocab 96, EOS 95: rows do end early). */
class GeneratorTest {

    private static final List<long[]> PROMPTS =
            List.of(new long[] {3, 14, 15}, new long[] {92, 65, 35, 89, 79, 32}, new long[] {38}, new long[] {
                46, 26, 43, 38, 32, 79, 50, 28
            });

    /** GPT-2, and a Llama-family model whose cache holds 2 key/value heads for 4 query heads. */
    @ParameterizedTest
    @ValueSource(strings = {"gpt2-random-mh", "llama-family/llama-gqa-tied"})
    void kvCacheForwardEqualsTheFullForwardPass(String checkpoint) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(ModelFixtures.resource(checkpoint), manager, false);
            // Left-padded batch: row 0 has two pads.
            long[][] tokens = {{2, 2, 5, 6, 7, 8, 9, 10, 11, 12}, {20, 21, 22, 23, 24, 25, 26, 27, 28, 29}};
            long[][] mask = {{0, 0, 1, 1, 1, 1, 1, 1, 1, 1}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}};
            NDArray full = gpt.logits(gpt.forward(manager.create(tokens), manager.create(mask), null, null)
                    .hidden());
            int prefill = 4;
            CausalLm.Output out = gpt.forward(
                    manager.create(tokens).get(":, :{}", prefill),
                    manager.create(mask).get(":, :{}", prefill),
                    null,
                    null);
            NDArray incremental = gpt.logits(out.hidden());
            for (int t = prefill; t < tokens[0].length; t++) {
                out = gpt.forward(
                        manager.create(tokens).get(":, {}:{}", t, t + 1),
                        manager.create(mask).get(":, :{}", t + 1),
                        null,
                        out.cache());
                incremental = incremental.concat(gpt.logits(out.hidden()), 1);
            }
            assertThat(out.cache().length()).isEqualTo(tokens[0].length);
            NDArray real = manager.create(mask)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                    .expandDims(-1);
            // float32 rounding: the cached path multiplies in other shapes, on logits up to ~10 in the Llama fixture.
            assertThat(incremental.sub(full).mul(real).abs().max().getFloat()).isLessThan(3e-5f);
        }
    }

    @Test
    void sampledLogProbsEqualALaterFullForwardPass() throws Exception {
        for (SamplingSettings settings : List.of(
                new SamplingSettings(20, 1f, 0, 1f, true),
                new SamplingSettings(20, 0.7f, 10, 0.9f, true),
                SamplingSettings.greedy(20))) {
            try (NDManager manager = NDManager.newBaseManager()) {
                CausalLm gpt = HfCheckpoint.load(ModelFixtures.randomMultiHead(), manager, false);
                Generation g = new Generator(gpt).generate(manager, PROMPTS, settings, new Random(11));
                float[][] recomputed = rescore(gpt, manager, g, settings.logProbTemperature());
                for (int i = 0; i < PROMPTS.size(); i++) {
                    for (int j = 0; j < g.responseLengths()[i]; j++) {
                        assertThat(g.logProbs()[i][j])
                                .as("%s row %d token %d", settings, i, j)
                                .isCloseTo(recomputed[i][j], org.assertj.core.api.Assertions.within(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void rowsStopAtEosAndArePaddedAfterIt() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(ModelFixtures.randomMultiHead(), manager, false);
            SamplingSettings settings = new SamplingSettings(12, 1.5f, 0, 1f, true);
            // Make "EOS" the token row 0 samples third: with the same seed the draws repeat, so row 0 must stop
            // there while the other rows go on (unless they hit that token too).
            Generation free = new Generator(gpt)
                    .generate(manager, PROMPTS, new SamplingSettings(12, 1.5f, 0, 1f, false), new Random(5));
            long eos = free.responses()[0][2];
            CausalLm stopping = withEos(gpt, eos, manager);
            Generation g = new Generator(stopping).generate(manager, PROMPTS, settings, new Random(5));
            int firstEos = 0;
            while (free.responses()[0][firstEos] != eos) {
                firstEos++;
            }
            assertThat(g.responseLengths()[0]).isEqualTo(firstEos + 1).isLessThanOrEqualTo(3);
            int width = g.responses()[0].length;
            for (int i = 0; i < PROMPTS.size(); i++) {
                int n = g.responseLengths()[i];
                long[] row = g.responses()[i];
                assertThat(Arrays.copyOf(row, n)).containsExactly(Arrays.copyOf(free.responses()[i], n));
                assertThat(Arrays.copyOf(row, n - 1)).doesNotContain(eos);
                if (n < 12) {
                    assertThat(row[n - 1]).as("row %d ends with its EOS", i).isEqualTo(eos);
                }
                for (int j = n; j < width; j++) {
                    assertThat(row[j]).isEqualTo(eos);
                    assertThat(g.logProbs()[i][j]).isZero();
                    assertThat(g.responseMask()[i][j]).isZero();
                }
            }
            assertThat(Arrays.stream(g.responseLengths()).max().orElseThrow())
                    .as("others go on")
                    .isEqualTo(width)
                    .isGreaterThan(3);
        }
    }

    /** The same weights with another eos_token_id. */
    private static CausalLm withEos(CausalLm gpt, long eos, NDManager manager) throws Exception {
        GptConfig c = (GptConfig) gpt.config();
        GptConfig config = new GptConfig(
                c.vocabSize(),
                c.blockSize(),
                c.nEmbd(),
                c.nLayer(),
                c.nHead(),
                c.nInner(),
                c.layerNormEpsilon(),
                c.dropout(),
                c.bosTokenId(),
                eos);
        return HfCheckpoint.fromTensors(
                config, Safetensors.read(ModelFixtures.randomMultiHead().resolve("model.safetensors")), manager, false);
    }

    @Test
    void greedyGenerationFollowsTheArgmaxOfTheFullForwardPass() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(ModelFixtures.randomMultiHead(), manager, false);
            Generation g = new Generator(gpt)
                    .generate(manager, PROMPTS, new SamplingSettings(12, 0f, 0, 1f, false), new Random(0));
            NDArray logits = fullLogits(gpt, manager, g);
            int p = g.prompts()[0].length;
            long[] argmax = logits.get(new NDIndex(":, {}:{}, :", p - 1, p - 1 + 12))
                    .argMax(-1)
                    .toLongArray();
            long[] generated =
                    Arrays.stream(g.responses()).flatMapToLong(Arrays::stream).toArray();
            assertThat(generated).containsExactly(argmax);
        }
    }

    @Test
    void aLeftPaddedRowGeneratesWhatItWouldAlone() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(ModelFixtures.randomMultiHead(), manager, false);
            Generator generator = new Generator(gpt);
            SamplingSettings greedy = new SamplingSettings(10, 0f, 0, 1f, false);
            Generation batch = generator.generate(manager, PROMPTS, greedy, new Random(0));
            for (int i = 0; i < PROMPTS.size(); i++) {
                Generation alone = generator.generate(manager, List.of(PROMPTS.get(i)), greedy, new Random(0));
                assertThat(alone.responses()[0]).containsExactly(batch.responses()[i]);
                for (int j = 0; j < 10; j++) {
                    assertThat(alone.logProbs()[0][j])
                            .isCloseTo(batch.logProbs()[i][j], org.assertj.core.api.Assertions.within(1e-5f));
                }
            }
        }
    }

    @Test
    void theSameSeedReproducesTheSamples() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(ModelFixtures.randomMultiHead(), manager, false);
            Generator generator = new Generator(gpt);
            SamplingSettings s = SamplingSettings.sampling(15);
            Generation a = generator.generate(manager, PROMPTS, s, new Random(99));
            Generation b = generator.generate(manager, PROMPTS, s, new Random(99));
            Generation c = generator.generate(manager, PROMPTS, s, new Random(100));
            assertThat(a.responses()).isDeepEqualTo(b.responses());
            assertThat(Arrays.deepEquals(a.responses(), c.responses()))
                    .as("another seed, other samples")
                    .isFalse();
        }
    }

    /** One forward over prompt + response with the matching mask: (B, P + N, V). */
    static NDArray fullLogits(CausalLm gpt, NDManager manager, Generation g) {
        long[][] mask = g.responseMask();
        long[][] tokens = new long[g.prompts().length][];
        long[][] fullMask = new long[g.prompts().length][];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = concat(g.prompts()[i], g.responses()[i]);
            fullMask[i] = concat(g.promptMask()[i], mask[i]);
        }
        return gpt.logits(gpt.forward(manager.create(tokens), manager.create(fullMask), null, null)
                .hidden());
    }

    /** The trainers' way to score samples: logits at P-1 .. P+N-2 predict response tokens 0 .. N-1. */
    static float[][] rescore(CausalLm gpt, NDManager manager, Generation g, float temperature) {
        int p = g.prompts()[0].length;
        int n = g.responses()[0].length;
        NDArray logits = fullLogits(gpt, manager, g).get(new NDIndex(":, {}:{}, :", p - 1, p - 1 + n));
        float[] flat = LogProbs.ofTokens(logits, manager.create(g.responses()), temperature)
                .toFloatArray();
        float[][] out = new float[g.prompts().length][n];
        for (int i = 0; i < out.length; i++) {
            System.arraycopy(flat, i * n, out[i], 0, n);
        }
        return out;
    }

    private static long[] concat(long[] a, long[] b) {
        long[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
