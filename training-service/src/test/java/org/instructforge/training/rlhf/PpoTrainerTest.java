package org.instructforge.training.rlhf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.Safetensors;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.JsonlMetrics;
import org.instructforge.training.toolbox.RunControl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PpoTrainerTest {

    private static final PrintStream QUIET = new PrintStream(PrintStream.nullOutputStream());
    private static final List<String> PROMPTS = new ArrayList<>();
    private static final List<String> PTX = List.of(
            "<|endoftext|>User: What is 2 + 3?\nAssistant: 5<|endoftext|>",
            "<|endoftext|>User: Name a fruit.\nAssistant: Apple<|endoftext|>");

    static {
        for (int i = 0; i < 64; i++) {
            PROMPTS.add("Write something, number " + i + ".");
        }
    }

    @TempDir
    Path tmp;

    /** A toy reward a random policy can climb: the share of response tokens from the lower half of the vocabulary. */
    private static final RewardFunction LOWER_HALF = (manager, prompts, responses) -> {
        float[] out = new float[responses.size()];
        for (int i = 0; i < out.length; i++) {
            long[] r = responses.get(i);
            out[i] = (float) Arrays.stream(r).filter(id -> id < 1024).count() / Math.max(1, r.length);
        }
        return out;
    };

    private static PpoTrainer.Settings settings(
            int iterations, float klCoef, float ptxCoef, float emaDecay, int checkpointEvery) {
        return new PpoTrainer.Settings(
                3,
                iterations,
                32,
                8,
                2,
                1e-2f,
                1e-2f,
                1,
                0.2f,
                0.2f,
                1f,
                0.95f,
                klCoef,
                0f,
                10_000,
                ptxCoef,
                2,
                emaDecay,
                32,
                6,
                Float.NaN,
                0f,
                1f,
                checkpointEvery);
    }

    private static double meanOf(double[] x, int from, int to) {
        return Arrays.stream(x, from, to).average().orElseThrow();
    }

    @Test
    void onlyAFinishedNonEmptyResponseHoldsAnAnswer() throws IOException {
        ChatFormat format = ChatFormat.of(TinyModels.baseModel());
        try (GptTokenizer tokenizer = GptTokenizer.load(TinyModels.baseModel())) {
            long eos = tokenizer.encode("<|endoftext|>")[0];
            List<Long> stops = List.of(eos);
            long[] answer = tokenizer.encode(" 42<|endoftext|>");
            assertThat(PpoTrainer.holdsAnswer(answer, stops, format, tokenizer)).isTrue();
            assertThat(PpoTrainer.holdsAnswer(Arrays.copyOf(answer, answer.length - 1), stops, format, tokenizer))
                    .as("cut off before its end-of-text")
                    .isFalse();
            assertThat(PpoTrainer.holdsAnswer(new long[] {eos}, stops, format, tokenizer))
                    .as("empty")
                    .isFalse();
            assertThat(PpoTrainer.holdsAnswer(tokenizer.encode("  <|endoftext|>"), stops, format, tokenizer))
                    .as("blank")
                    .isFalse();
            assertThat(PpoTrainer.holdsAnswer(new long[0], stops, format, tokenizer))
                    .isFalse();
            // a model with a second stop token (Llama 3's end of turn) finishes on either
            long[] endOfTurn = tokenizer.encode(" 42.");
            assertThat(PpoTrainer.holdsAnswer(endOfTurn, stops, format, tokenizer))
                    .isFalse();
            assertThat(PpoTrainer.holdsAnswer(
                            endOfTurn, List.of(eos, endOfTurn[endOfTurn.length - 1]), format, tokenizer))
                    .isTrue();
        }
    }

    @Test
    void raisesAToyRewardWhileTheKlPenaltyHoldsThePolicyNearTheReference() throws IOException {
        Path policy = TinyModels.random(tmp.resolve("policy"), 1, false);
        Path value = TinyModels.random(tmp.resolve("value"), 2, true);
        JsonlMetrics free = new JsonlMetrics(tmp.resolve("free.jsonl"));
        JsonlMetrics penalised = new JsonlMetrics(tmp.resolve("penalised.jsonl"));
        try (NDManager m = NDManager.newBaseManager()) {
            new PpoTrainer(settings(16, 0f, 0f, 0f, 100), free, QUIET)
                    .train(
                            policy,
                            value,
                            LOWER_HALF,
                            PpoTrainer.singleTurn(PROMPTS),
                            List.of(),
                            tmp.resolve("a"),
                            m,
                            RunControl.NEVER);
            new PpoTrainer(settings(16, 2f, 0f, 0f, 100), penalised, QUIET)
                    .train(
                            policy,
                            value,
                            LOWER_HALF,
                            PpoTrainer.singleTurn(PROMPTS),
                            List.of(),
                            tmp.resolve("b"),
                            m,
                            RunControl.NEVER);
        }
        double[] reward = free.series("ppo", "reward_mean")[1];
        assertThat(meanOf(reward, 12, 16)).isGreaterThan(meanOf(reward, 0, 4) + 0.15);
        double[] freeKl = free.series("ppo", "kl")[1];
        double[] penalisedKl = penalised.series("ppo", "kl")[1];
        assertThat(meanOf(penalisedKl, 12, 16)).isLessThan(meanOf(freeKl, 12, 16) / 2);
        for (String metric : List.of("entropy", "clip_fraction", "approx_kl", "value_loss", "response_length")) {
            assertThat(Arrays.stream(free.series("ppo", metric)[1]).boxed().toList())
                    .hasSize(16)
                    .allMatch(Double::isFinite);
        }
    }

    @Test
    void resumesExactlyAfterAKillWithEmaAndPtxOn() throws IOException {
        Path policy = TinyModels.random(tmp.resolve("policy"), 3, false);
        Path value = TinyModels.random(tmp.resolve("value"), 4, true);
        PpoTrainer.Settings s = settings(4, 0.05f, 0.5f, 0.9f, 2);
        JsonlMetrics whole = new JsonlMetrics(tmp.resolve("whole.jsonl"));
        JsonlMetrics killed = new JsonlMetrics(tmp.resolve("killed.jsonl"));
        PpoTrainer.Result result;
        try (NDManager m = NDManager.newBaseManager()) {
            result = new PpoTrainer(s, whole, QUIET)
                    .train(
                            policy,
                            value,
                            LOWER_HALF,
                            PpoTrainer.singleTurn(PROMPTS),
                            PTX,
                            tmp.resolve("a"),
                            m,
                            RunControl.NEVER);
            assertThat(new PpoTrainer(s, killed, QUIET)
                            .train(
                                    policy,
                                    value,
                                    LOWER_HALF,
                                    PpoTrainer.singleTurn(PROMPTS),
                                    PTX,
                                    tmp.resolve("b"),
                                    m,
                                    RunControl.stopBefore(3))
                            .stopped())
                    .isTrue();
            new PpoTrainer(s, killed, QUIET)
                    .train(
                            policy,
                            value,
                            LOWER_HALF,
                            PpoTrainer.singleTurn(PROMPTS),
                            PTX,
                            tmp.resolve("b"),
                            m,
                            RunControl.NEVER);
        }
        for (String metric : List.of("reward_mean", "kl", "kl_coef", "policy_loss", "value_loss", "ptx_loss")) {
            assertThat(killed.series("ppo", metric)).as(metric).isDeepEqualTo(whole.series("ppo", metric));
        }
        float[] before = Safetensors.read(policy.resolve("model.safetensors"))
                .get("transformer.wte.weight")
                .data();
        float[] after = Safetensors.read(result.policy().resolve("model.safetensors"))
                .get("transformer.wte.weight")
                .data();
        assertThat(after).isNotEqualTo(before);
        Checkpoints.verify(result.policy());
    }

    @Test
    void withoutUpdatesTheRecomputedLogProbsEqualTheSamplingOnes() throws IOException {
        // learning rate 0: every minibatch's ratio must be exp(0) = 1, so the rollout's tokens, masks and positions
        // line up with what the update pass scores (left-padded prompts, responses padded after their EOS)
        assertFrozenPolicyRecomputesItsSamplingLogProbs(
                TinyModels.random(tmp.resolve("policy"), 5, false), TinyModels.random(tmp.resolve("value"), 6, true));
    }

    @Test
    void aLlamaFamilyPolicyAndValueRunThroughTheSameLoop() throws IOException {
        // Same check on a Llama-family policy and value model (RoPE, GQA, RMSNorm): nothing in PPO knows which.
        assertFrozenPolicyRecomputesItsSamplingLogProbs(
                TinyModels.randomLlama(tmp.resolve("policy"), 5, false),
                TinyModels.randomLlama(tmp.resolve("value"), 6, true));
    }

    private void assertFrozenPolicyRecomputesItsSamplingLogProbs(Path policy, Path value) throws IOException {
        PpoTrainer.Settings d = settings(2, 0.1f, 0f, 0f, 100);
        PpoTrainer.Settings frozen = new PpoTrainer.Settings(
                d.seed(),
                2,
                d.rolloutBatch(),
                d.miniBatch(),
                d.ppoEpochs(),
                0f,
                0f,
                d.warmupIterations(),
                d.clipRange(),
                d.valueClipRange(),
                d.gamma(),
                d.lambda(),
                d.klCoef(),
                d.targetKl(),
                d.klHorizon(),
                d.ptxCoef(),
                d.ptxBatch(),
                d.emaDecay(),
                d.maxPromptTokens(),
                d.maxNewTokens(),
                d.missingEosScore(),
                d.weightDecay(),
                d.gradClip(),
                d.checkpointEvery());
        JsonlMetrics metrics = new JsonlMetrics(tmp.resolve("m.jsonl"));
        try (NDManager m = NDManager.newBaseManager()) {
            new PpoTrainer(frozen, metrics, QUIET)
                    .train(
                            policy,
                            value,
                            LOWER_HALF,
                            PpoTrainer.singleTurn(PROMPTS),
                            List.of(),
                            tmp.resolve("o"),
                            m,
                            RunControl.NEVER);
        }
        assertThat(Arrays.stream(metrics.series("ppo", "approx_kl")[1]).max().orElseThrow())
                .isLessThan(1e-8);
        assertThat(metrics.series("ppo", "clip_fraction")[1]).containsOnly(0.0);
        assertThat(Arrays.stream(metrics.series("ppo", "kl")[1])
                        .map(Math::abs)
                        .max()
                        .orElseThrow())
                .isLessThan(1e-3);
    }

    @Test
    void adaptiveKlControllerMovesBetaTowardTheTargetByAtMostTwentyPercentPerHorizon() {
        PpoTrainer.KlController c = new PpoTrainer.KlController(0.1, 6, 100);
        c.update(60, 100); // far above target: +20 %
        assertThat(c.beta()).isCloseTo(0.12, within(1e-12));
        c.update(3, 50); // half the target: -20 % over half a horizon
        assertThat(c.beta()).isCloseTo(0.12 * 0.9, within(1e-12));
        PpoTrainer.KlController fixed = new PpoTrainer.KlController(0.02, 0, 100);
        fixed.update(100, 100);
        assertThat(fixed.beta()).isEqualTo(0.02);
    }
}
