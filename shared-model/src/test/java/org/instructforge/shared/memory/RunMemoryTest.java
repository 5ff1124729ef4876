package org.instructforge.shared.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.instructforge.shared.RunType;
import org.instructforge.shared.run.Hyperparameters;
import org.junit.jupiter.api.Test;

/** The memory estimate against sums worked out by hand for tiny shapes (the training service checks the counts
 * against the models it builds). */
class RunMemoryTest {

    /** C=8, L=2, H=4, KV=2 (GQA), head 2, I=16, V=10, 64 positions, untied head, no biases. */
    static final ModelShape LLAMA = ModelShape.of("llama", 8, 2, 4, 2, 2, 16, 10, 64, false, false, false, false);

    @Test
    void countsGpt2ParametersWithBiasesPositionsAndATiedHead() {
        // C=4, L=1, H=2, I=16, V=10, 8 positions: wte 40 + wpe 32 + block 244 + ln_f 8.
        ModelShape gpt = ModelShape.of("gpt2", 4, 1, 2, 2, 2, 16, 10, 8, true, true, true, true);
        assertThat(gpt.parameters()).isEqualTo(324);
        assertThat(gpt.parametersWithScalarHead()).isEqualTo(329);
    }

    @Test
    void countsLlamaParametersWithGroupedQueryAttentionAndOptionalHeadAndBiases() {
        // per block: 2 norms 16 + q 64, k 32, v 32, o 64 + gate/up/down 384 = 592; embed 80, final norm 8, head 80.
        assertThat(LLAMA.parameters()).isEqualTo(80 + 2 * 592 + 8 + 80);
        ModelShape tied = ModelShape.of("llama", 8, 2, 4, 2, 2, 16, 10, 64, true, false, false, false);
        assertThat(tied.parameters()).isEqualTo(80 + 2 * 592 + 8);
        ModelShape qwen = ModelShape.of("qwen2", 8, 2, 4, 2, 2, 16, 10, 64, true, true, false, false);
        assertThat(qwen.parameters()).isEqualTo(tied.parameters() + 2 * (8 + 4 + 4));
    }

    @Test
    void sftHoldsOnePolicyWithGradientsAdamMomentsAndActivationsAtTheBatchAndLength() {
        RunMemory m = RunMemory.estimate(
                RunType.SFT,
                values(RunType.SFT, "batchSize", "2", "maxPromptTokens", "8", "maxResponseTokens", "2"),
                LLAMA,
                null);
        long p = 1352;
        assertThat(m.weightBytes()).isEqualTo(4 * p);
        assertThat(m.gradientBytes()).isEqualTo(4 * p);
        assertThat(m.optimizerBytes()).isEqualTo(8 * p);
        // per token: 2 blocks x (7C 56 + 2q 16 + 3kv 12 + 4I 64 + 3Ht 120) + 3C 24 + 2V 20 = 580
        assertThat(RunMemory.activationElementsPerToken(LLAMA, 10, true)).isEqualTo(580);
        assertThat(m.activationBytes()).isEqualTo(2 * 4L * 2 * 10 * 580); // saved tensors and their gradients
        assertThat(m.totalBytes()).isEqualTo(16 * p + 2 * 4L * 2 * 10 * 580);
        assertThat(m.describe()).contains("2 sequences of 10 tokens");
    }

    @Test
    void sequencesAreCutAtTheModelsLongestSequence() {
        RunMemory m = RunMemory.estimate(
                RunType.SFT, values(RunType.SFT, "maxPromptTokens", "1000", "maxResponseTokens", "1000"), LLAMA, null);
        assertThat(m.tokens()).isEqualTo(64);
    }

    @Test
    void aRewardModelScoresEveryOutputOfEachRankingWithAScalarHeadAndNoVocabulary() {
        RunMemory m = RunMemory.estimate(
                RunType.REWARD,
                values(RunType.REWARD, "batchSize", "3", "maxPromptTokens", "8", "maxResponseTokens", "2"),
                LLAMA,
                null);
        assertThat(m.models())
                .singleElement()
                .satisfies(h -> assertThat(h.parameters()).isEqualTo(1352 + 9));
        assertThat(m.sequences()).isEqualTo(3 * 9); // up to nine outputs per ranking
        assertThat(m.activationBytes()).isEqualTo(2 * 4L * 27 * 10 * (580 - 20));
        // Data whose rankings have four outputs each: four sequences per ranking.
        RunMemory four = RunMemory.estimate(
                RunType.REWARD,
                values(RunType.REWARD, "batchSize", "3", "maxPromptTokens", "8", "maxResponseTokens", "2"),
                LLAMA,
                null,
                4);
        assertThat(four.sequences()).isEqualTo(12);
    }

    @Test
    void dpoHoldsAFrozenReferenceUnlessReferenceFree() {
        Map<String, Object> withReference = values(RunType.DPO);
        RunMemory m = RunMemory.estimate(RunType.DPO, withReference, LLAMA, null);
        assertThat(m.weightBytes()).isEqualTo(2 * 4 * 1352);
        assertThat(m.gradientBytes()).isEqualTo(4 * 1352);
        Map<String, Object> free = new HashMap<>(withReference);
        free.put("referenceFree", true);
        assertThat(RunMemory.estimate(RunType.DPO, free, LLAMA, null).weightBytes())
                .isEqualTo(4 * 1352);
    }

    @Test
    void ppoHoldsPolicyValueReferenceAndRewardModelsAndTrainsTwo() {
        ModelShape reward = ModelShape.of("gpt2", 4, 1, 2, 2, 2, 16, 10, 8, true, true, true, true); // 324
        RunMemory m = RunMemory.estimate(RunType.PPO, values(RunType.PPO), LLAMA, reward);
        assertThat(m.models())
                .extracting(RunMemory.HeldModel::role)
                .containsExactly("policy", "reference", "value function", "reward model");
        assertThat(m.weightBytes()).isEqualTo(4L * (1352 + 1352 + 329 + 329));
        assertThat(m.trainedParameters()).isEqualTo(1352 + 329);
        assertThat(m.optimizerBytes()).isEqualTo(8L * (1352 + 329));
        Map<String, Object> ema = new HashMap<>(values(RunType.PPO));
        ema.put("emaDecay", 0.99);
        assertThat(RunMemory.estimate(RunType.PPO, ema, LLAMA, reward).weightBytes())
                .isEqualTo(m.weightBytes() + 4 * 1352);
        assertThatThrownBy(() -> RunMemory.estimate(RunType.PPO, values(RunType.PPO), LLAMA, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsBytesInBinaryUnits() {
        assertThat(RunMemory.formatBytes(512)).isEqualTo("512 B");
        assertThat(RunMemory.formatBytes(1536)).isEqualTo("1.5 KiB");
        assertThat(RunMemory.formatBytes(3L << 30)).isEqualTo("3.0 GiB");
        assertThat(ModelShape.formatCount(124_439_808)).isEqualTo("124.4M");
    }

    private static Map<String, Object> values(RunType type, String... pairs) {
        Map<String, String> raw = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            raw.put(pairs[i], pairs[i + 1]);
        }
        Hyperparameters.Validation v = Hyperparameters.validate(type, raw);
        assertThat(v.errors()).isEmpty();
        return v.values();
    }
}
