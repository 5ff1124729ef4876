package org.instructforge.training.rlhf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.instructforge.training.chat.ChatFormat;
import org.instructforge.training.chat.ChatMessage;
import org.instructforge.training.model.CausalLm;
import org.instructforge.training.model.Generation;
import org.instructforge.training.model.Generator;
import org.instructforge.training.model.Gpt;
import org.instructforge.training.model.GptTokenizer;
import org.instructforge.training.model.LogProbs;
import org.instructforge.training.model.SamplingSettings;
import org.instructforge.training.toolbox.Checkpoints;
import org.instructforge.training.toolbox.MetricSink;
import org.instructforge.training.toolbox.RunControl;
import org.instructforge.training.toolbox.Sequences;

/**
 * Step 3 of InstructGPT: PPO against the reward model with a per-token KL penalty to the SFT policy, written out in
 * the numbered steps of lm-human-preferences / TRL. One iteration:
 *
 * <ol>
 *   <li>generate: sample a response to each of {@code rolloutBatch} prompts from the policy (temperature 1),
 *   <li>score: the reward model's score of each (prompt, response), read at the last token,
 *   <li>reference log-probs (SFT policy) and values (value head) of every response token, in one pass each,
 *   <li>rewards: {@code -beta * (log pi - log pi_SFT)} per token, plus the score on the last token,
 *   <li>GAE (gamma 1: a bandit episode, lambda 0.95) gives advantages and returns,
 *   <li>whiten the advantages,
 *   <li>PPO epochs: minibatches with the clipped policy loss and the clipped value loss; with PPO-ptx a pretraining
 *       batch's gradient is added to the policy's before each step, and the EMA of the weights follows every
 *       step; then the KL coefficient adapts.
 * </ol>
 *
 * <p>The policy and the value function are separate models (the value function initialised from the reward model,
 * as the paper) with their own AdamW. A checkpoint after an iteration holds both, both optimizers, the EMA and the
 * KL coefficient; resuming from it repeats exactly what the uninterrupted run would have done, since every random
 * draw of iteration i comes from a generator seeded with (seed, i).
 */
public final class PpoTrainer {

    static final String STAGE = "ppo";

    /**
     * @param seed prompt order, sampling, minibatch order
     * @param iterations rollout + update rounds
     * @param rolloutBatch episodes per iteration (InstructGPT: 512)
     * @param miniBatch episodes per gradient step (InstructGPT: 64)
     * @param ppoEpochs passes over each rollout batch (InstructGPT: 1; lm-human-preferences: 4)
     * @param learningRate policy peak learning rate, constant after the warm-up
     * @param valueLearningRate value function learning rate
     * @param warmupIterations linear warm-up of both learning rates (InstructGPT: 10 iterations)
     * @param clipRange PPO ratio clip epsilon (0.2)
     * @param valueClipRange value prediction clip around the rollout's values (0.2)
     * @param gamma discount; 1 since the only real reward comes at the end of a short episode
     * @param lambda GAE lambda (0.95 in OpenAI's code)
     * @param klCoef initial beta of the per-token KL penalty (InstructGPT: 0.02)
     * @param targetKl nats per response the adaptive controller steers to (Ziegler et al. 2019); 0 keeps beta fixed
     * @param klHorizon episodes over which the controller corrects the KL error
     * @param ptxCoef PPO-ptx gamma: weight of the pretraining log-likelihood (InstructGPT: 27.8 with its loss scale);
     *     0 turns PPO-ptx off
     * @param ptxBatch pretraining sequences per minibatch (InstructGPT: 8 times the episodes)
     * @param emaDecay EMA of the policy weights, moved after every optimizer step (InstructGPT: 0.992); 0 disables
     * @param maxPromptTokens longer prompts keep their end
     * @param maxNewTokens response length limit
     * @param missingEosScore score given to a response that holds no finished answer: cut off before its
     *     end-of-text, or empty (lm-human-preferences' penalty for invalid samples); NaN keeps the reward model's
     *     score
     * @param weightDecay AdamW decoupled decay
     * @param gradClip global gradient norm limit per model
     * @param checkpointEvery iterations between resumable checkpoints
     */
    public record Settings(
            long seed,
            int iterations,
            int rolloutBatch,
            int miniBatch,
            int ppoEpochs,
            float learningRate,
            float valueLearningRate,
            int warmupIterations,
            float clipRange,
            float valueClipRange,
            float gamma,
            float lambda,
            float klCoef,
            float targetKl,
            int klHorizon,
            float ptxCoef,
            int ptxBatch,
            float emaDecay,
            int maxPromptTokens,
            int maxNewTokens,
            float missingEosScore,
            float weightDecay,
            float gradClip,
            int checkpointEvery) {

        public Settings {
            if (iterations < 1 || rolloutBatch < 1 || miniBatch < 1 || ppoEpochs < 1 || maxNewTokens < 1) {
                throw new IllegalArgumentException("iterations, batch sizes, epochs and max new tokens must be >= 1");
            }
            if (rolloutBatch % miniBatch != 0) {
                throw new IllegalArgumentException(
                        "rolloutBatch " + rolloutBatch + " must be a multiple of miniBatch " + miniBatch);
            }
            if (clipRange <= 0 || klCoef < 0 || targetKl < 0 || lambda < 0 || lambda > 1 || gamma < 0 || gamma > 1) {
                throw new IllegalArgumentException(
                        "clip range > 0, beta and target KL >= 0, gamma and lambda in [0, 1]");
            }
            if (emaDecay < 0 || emaDecay >= 1) {
                throw new IllegalArgumentException("emaDecay must be in [0, 1)");
            }
        }

        /** InstructGPT's PPO settings, scaled down in batch size for a 2-core CPU (the ratios kept: 8 minibatches). */
        public static Settings defaults() {
            return new Settings(
                    1, 100, 64, 16, 1, 1e-5f, 1e-5f, 10, 0.2f, 0.2f, 1f, 0.95f, 0.02f, 0f, 10_000, 0f, 16, 0f, 96, 32,
                    -1f, 0f, 1f, 10);
        }

        public float learningRateAt(int iteration, float peak) {
            return iteration < warmupIterations ? peak * (iteration + 1) / warmupIterations : peak;
        }
    }

    /**
     * Adaptive KL coefficient (Ziegler et al. 2019, lm-human-preferences' AdaptiveKLController): beta grows when the
     * measured KL exceeds the target and shrinks below it, by at most 20 % of the error per horizon.
     */
    public static final class KlController {
        private double beta;
        private final double target;
        private final int horizon;

        public KlController(double beta, double target, int horizon) {
            this.beta = beta;
            this.target = target;
            this.horizon = horizon;
        }

        public double beta() {
            return beta;
        }

        /** After a rollout of {@code episodes} episodes whose mean KL was {@code kl}. */
        public void update(double kl, int episodes) {
            if (target <= 0) {
                return; // fixed beta
            }
            double error = Math.max(-0.2, Math.min(0.2, kl / target - 1));
            beta *= 1 + error * episodes / horizon;
        }
    }

    /**
     * @param policy the trained policy (the EMA weights when EMA is on), HF layout
     * @param value the value function
     * @param iterations iterations completed
     * @param stopped true when {@link RunControl} ended the run early
     */
    public record Result(Path policy, Path value, int iterations, boolean stopped) {}

    /** One iteration's samples and everything computed from them before the update, (B, N) per-token arrays. */
    private record Rollout(
            long[][] tokens, // (B, P + N) prompt (left-padded) and response
            long[][] attention, // (B, P + N)
            long[][] responses, // (B, N)
            int promptLength, // P
            float[][] mask, // (B, N) 1 for response tokens
            float[][] logProbs,
            float[][] values,
            float[][] advantages,
            float[][] returns) {}

    private final Settings s;
    private final MetricSink metrics;
    private final PrintStream log;

    public PpoTrainer(Settings settings, MetricSink metrics, PrintStream log) {
        this.s = settings;
        this.metrics = metrics;
        this.log = log;
    }

    /**
     * Trains {@code sft} against {@code reward}; {@code sft} is also the frozen KL reference.
     *
     * @param valueInit the value function's start: the reward model's directory (its scalar head included)
     * @param prompts the PPO prompt set: each the conversation to answer, ending with its user turn (earlier turns
     *     of a prompt imported as a conversation kept); the chat format renders them
     * @param ptxTexts pretraining transcripts for PPO-ptx; may be empty when {@code ptxCoef} is 0
     */
    public Result train(
            Path sft,
            Path valueInit,
            RewardFunction reward,
            List<List<ChatMessage>> prompts,
            List<String> ptxTexts,
            Path out,
            NDManager manager,
            RunControl control)
            throws IOException {
        if (prompts.isEmpty()) {
            throw new IllegalArgumentException("PPO needs prompts");
        }
        if (s.ptxCoef() > 0 && ptxTexts.isEmpty()) {
            throw new IllegalArgumentException("PPO-ptx (ptxCoef > 0) needs a pretraining corpus");
        }
        Path checkpoints = out.resolve(Checkpoints.FOLDER);
        PpoState st = PpoState.startOrResume(s, sft, valueInit, checkpoints, manager, metrics, log);
        ChatFormat format = ChatFormat.of(sft);
        try (GptTokenizer tokenizer = GptTokenizer.load(sft)) {
            List<long[]> promptIds = encodePrompts(tokenizer, format, prompts, s.maxPromptTokens());
            List<long[]> ptx =
                    encodePtx(tokenizer, ptxTexts, st.policy().config().blockSize());
            Generator generator = new Generator(st.policy());
            int rolloutsPerPass = (promptIds.size() + s.rolloutBatch() - 1) / s.rolloutBatch();
            for (int iteration = st.start(); iteration < s.iterations(); iteration++) {
                if (control.shouldStop(iteration)) {
                    return new Result(null, null, iteration, true);
                }
                Random rng = new Random(s.seed() * 1_000_003 + iteration);
                Engine.getInstance().setRandomSeed((int) (s.seed() * 7919 + iteration));
                Phases time = new Phases();

                // 1. generate
                List<long[]> batchPrompts =
                        Sequences.batchAt(promptIds, iteration, rolloutsPerPass, s.rolloutBatch(), s.seed());
                Generation g =
                        generator.generate(manager, batchPrompts, SamplingSettings.sampling(s.maxNewTokens()), rng);
                time.generate = time.lap();

                // 2. score: the reward model reads the whole response. One that holds no finished answer gets the
                // fixed penalty score instead: rankings rarely hold such samples, so a reward model may score them
                // anywhere, and an empty answer is the first exploit a policy finds (measured: 14 of 400).
                float[] scores = reward.score(manager, batchPrompts, responses(g));
                int penalised =
                        penaliseUnfinished(scores, g, st.policy().config().eosTokenIds(), format, tokenizer);
                time.score = time.lap();

                // 3. reference log-probs and the value function's estimates of every response token
                Episodes episodes = Episodes.of(g);
                Estimates estimates = referenceAndValues(st, episodes, manager);
                time.reference = time.lap();

                // 4. rewards = score - beta * KL: the penalty on every token, the score on the last one
                float[][] oldLogProbs = g.logProbs(); // sampling log-probs: equal to a full pass's (Generator's test)
                float[] sequenceKl = RlMath.sequenceKl(oldLogProbs, estimates.refLogProbs(), episodes.mask());
                double beta = st.kl().beta();
                float[][] rewards = rewards(
                        oldLogProbs, estimates.refLogProbs(), episodes.mask(), scores, g.responseLengths(), beta);

                // 5. GAE: advantages and returns (gamma 1, lambda)
                RlMath.Advantages gae = RlMath.gae(rewards, estimates.values(), episodes.mask(), s.gamma(), s.lambda());
                // 6. whiten the advantages over all response tokens of the batch
                float[][] advantages = RlMath.whiten(gae.advantages(), episodes.mask(), true);
                Rollout rollout = new Rollout(
                        episodes.tokens(),
                        episodes.attention(),
                        g.responses(),
                        episodes.promptLength(),
                        episodes.mask(),
                        oldLogProbs,
                        estimates.values(),
                        advantages,
                        gae.returns());

                // 7. PPO epochs over shuffled minibatches, then the KL coefficient adapts
                Update u = optimise(st, rollout, ptx, rng, iteration, manager);
                double meanKl = RlMath.mean(sequenceKl);
                st.kl().update(meanKl, batchPrompts.size());
                time.update = time.lap();

                report(iteration, figures(scores, meanKl, beta, penalised, u, g, time), time);
                if ((iteration + 1) % s.checkpointEvery() == 0 || iteration == s.iterations() - 1) {
                    st.save(Checkpoints.stepDir(checkpoints, iteration + 1), sft, iteration + 1);
                    Checkpoints.keepLast(checkpoints, 2);
                }
            }
            return st.finish(out, sft, s.iterations());
        }
    }

    /** Plain prompts as PPO's prompt set: one user turn each. */
    public static List<List<ChatMessage>> singleTurn(List<String> prompts) {
        return prompts.stream().map(p -> List.of(ChatMessage.user(p))).toList();
    }

    /** The prompts in the policy's chat format, as generation continues them; a long one keeps its end. */
    static List<long[]> encodePrompts(
            GptTokenizer tokenizer, ChatFormat format, List<List<ChatMessage>> prompts, int maxPromptTokens) {
        List<long[]> ids = new ArrayList<>();
        for (List<ChatMessage> p : prompts) {
            String text = format.prompt(p);
            ids.add(Sequences.fit(tokenizer.encode(text), new long[0], maxPromptTokens, 0)[0]);
        }
        return ids;
    }

    /** PPO-ptx's transcripts, each cut to the model's context. */
    private static List<long[]> encodePtx(GptTokenizer tokenizer, List<String> texts, int blockSize) {
        List<long[]> ids = new ArrayList<>();
        for (String t : texts) {
            long[] encoded = tokenizer.encode(t);
            ids.add(encoded.length > blockSize ? Arrays.copyOf(encoded, blockSize) : encoded);
        }
        return ids;
    }

    private static List<long[]> responses(Generation g) {
        List<long[]> out = new ArrayList<>();
        for (int i = 0; i < g.responses().length; i++) {
            out.add(g.response(i));
        }
        return out;
    }

    /** Gives every response without a finished answer the fixed penalty score (when set); how many there were. */
    private int penaliseUnfinished(
            float[] scores, Generation g, List<Long> stops, ChatFormat format, GptTokenizer tokenizer) {
        if (Float.isNaN(s.missingEosScore())) {
            return 0;
        }
        int penalised = 0;
        for (int i = 0; i < scores.length; i++) {
            if (!holdsAnswer(g.response(i), stops, format, tokenizer)) {
                scores[i] = s.missingEosScore();
                penalised++;
            }
        }
        return penalised;
    }

    /** Every episode's prompt (left-padded, P) and response (N) as one row, with the response tokens' mask. */
    private record Episodes(long[][] tokens, long[][] attention, float[][] mask, int promptLength) {
        static Episodes of(Generation g) {
            int b = g.prompts().length;
            int p = g.prompts()[0].length;
            int n = g.responses()[0].length;
            long[][] tokens = new long[b][p + n];
            long[][] attention = new long[b][p + n];
            long[][] responseMask = g.responseMask();
            float[][] mask = new float[b][n];
            for (int i = 0; i < b; i++) {
                System.arraycopy(g.prompts()[i], 0, tokens[i], 0, p);
                System.arraycopy(g.responses()[i], 0, tokens[i], p, n);
                System.arraycopy(g.promptMask()[i], 0, attention[i], 0, p);
                System.arraycopy(responseMask[i], 0, attention[i], p, n);
                for (int t = 0; t < n; t++) {
                    mask[i][t] = responseMask[i][t];
                }
            }
            return new Episodes(tokens, attention, mask, p);
        }
    }

    /** The frozen reference's log-probs and the value function's estimates of every response token, (B, N) each. */
    private record Estimates(float[][] refLogProbs, float[][] values) {}

    private static Estimates referenceAndValues(PpoState st, Episodes e, NDManager manager) {
        int b = e.tokens().length;
        int p = e.promptLength();
        int n = e.mask()[0].length;
        try (NDManager step = manager.newSubManager()) {
            NDArray tok = step.create(e.tokens());
            NDArray att = step.create(e.attention());
            ParameterStore ps = new ParameterStore(step, false);
            float[][] refLogProbs = matrix(
                    Sequences.nextTokenLogProbs(st.reference(), ps, tok, att, false)
                            .get(":, " + (p - 1) + ":"),
                    b,
                    n);
            float[][] values = matrix(valuesOf(st.value(), ps, tok, att, p, n, false), b, n);
            return new Estimates(refLogProbs, values);
        }
    }

    /** {@code -beta * (log pi - log ref)} on every response token, plus the score on the last one. */
    static float[][] rewards(
            float[][] logProbs, float[][] refLogProbs, float[][] mask, float[] scores, int[] lengths, double beta) {
        int b = logProbs.length;
        int n = mask[0].length;
        float[][] rewards = new float[b][n];
        for (int i = 0; i < b; i++) {
            for (int t = 0; t < n; t++) {
                rewards[i][t] = (float) (-beta * (logProbs[i][t] - refLogProbs[i][t])) * mask[i][t];
            }
            int last = lengths[i] - 1;
            if (last >= 0) {
                rewards[i][last] += scores[i];
            }
        }
        return rewards;
    }

    /** Step 7: {@code ppoEpochs} passes over the rollout in shuffled minibatches, one optimizer step each. */
    private Update optimise(
            PpoState st, Rollout rollout, List<long[]> ptx, Random rng, int iteration, NDManager manager) {
        int b = rollout.tokens().length;
        Update u = new Update();
        u.learningRate = s.learningRateAt(iteration, s.learningRate());
        float valueLr = s.learningRateAt(iteration, s.valueLearningRate());
        for (int epoch = 0; epoch < s.ppoEpochs(); epoch++) {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < b; i++) {
                order.add(i);
            }
            Collections.shuffle(order, new Random(s.seed() * 31 + iteration * 1_009L + epoch));
            for (int from = 0; from < b; from += s.miniBatch()) {
                int[] rows = order.subList(from, Math.min(b, from + s.miniBatch())).stream()
                        .mapToInt(Integer::intValue)
                        .toArray();
                minibatchStep(st.policy(), st.value(), rollout, rows, ptx, rng, manager, u);
                u.policyGradNorm += st.policyOptimizer().step(u.learningRate);
                u.valueGradNorm += st.valueOptimizer().step(valueLr);
                st.afterPolicyStep();
                u.steps++;
            }
        }
        return u;
    }

    /** Wall-clock seconds of one iteration's phases. */
    private static final class Phases {
        private long mark = System.nanoTime();
        double generate;
        double score;
        double reference;
        double update;

        double lap() {
            long now = System.nanoTime();
            double seconds = (now - mark) / 1e9;
            mark = now;
            return seconds;
        }

        double total() {
            return generate + score + reference + update;
        }
    }

    /** One iteration's metrics ({@code ppo/...}), in the order the README lists them. */
    private Map<String, Double> figures(
            float[] scores, double meanKl, double beta, int penalised, Update u, Generation g, Phases time) {
        int b = scores.length;
        long generatedTokens = 0;
        for (int len : g.responseLengths()) {
            generatedTokens += len;
        }
        long allTokens = (long) b * (g.prompts()[0].length + g.responses()[0].length);
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("reward_mean", RlMath.mean(scores));
        m.put("reward_std", RlMath.std(scores));
        m.put("kl", meanKl);
        m.put("kl_coef", beta);
        m.put("entropy", u.entropy / u.steps);
        m.put("clip_fraction", u.clipFraction / u.steps);
        m.put("approx_kl", u.approxKl / u.steps);
        m.put("policy_loss", u.policyLoss / u.steps);
        m.put("value_loss", u.valueLoss / u.steps);
        if (s.ptxCoef() > 0) {
            m.put("ptx_loss", u.ptxLoss / u.steps);
        }
        m.put("response_length", generatedTokens / (double) b);
        m.put("penalised_share", penalised / (double) b);
        m.put("policy_grad_norm", (double) u.policyGradNorm / u.steps);
        m.put("learning_rate", (double) u.learningRate);
        m.put("generate_seconds", time.generate);
        m.put("score_seconds", time.score);
        m.put("reference_seconds", time.reference);
        m.put("update_seconds", time.update);
        m.put("generate_tokens_per_second", generatedTokens / time.generate);
        m.put("score_tokens_per_second", allTokens / time.score);
        m.put("reference_tokens_per_second", 2 * allTokens / time.reference); // reference + value passes
        m.put("update_tokens_per_second", s.ppoEpochs() * allTokens / time.update);
        return m;
    }

    private void report(int iteration, Map<String, Double> m, Phases time) {
        metrics.record(STAGE, iteration + 1, m);
        log.printf(
                Locale.ROOT,
                "ppo iteration %d/%d  reward %.3f +- %.3f  kl %.3f (beta %.4f)  entropy %.3f  clip %.3f  "
                        + "value loss %.4f  length %.1f  %.1fs (generate %.1fs)%n",
                iteration + 1,
                s.iterations(),
                m.get("reward_mean"),
                m.get("reward_std"),
                m.get("kl"),
                m.get("kl_coef"),
                m.get("entropy"),
                m.get("clip_fraction"),
                m.get("value_loss"),
                m.get("response_length"),
                time.total(),
                time.generate);
    }

    /**
     * Whether a sampled response is a finished answer: it ends with one of the model's stop tokens (Llama 3 has two:
     * end of text and end of turn) and says something before it, read as the model's chat format reads an answer.
     */
    static boolean holdsAnswer(long[] response, List<Long> stops, ChatFormat format, GptTokenizer tokenizer) {
        boolean ended = response.length > 0 && stops.contains(response[response.length - 1]);
        return ended && !format.answerOf(tokenizer.decode(response)).isBlank();
    }

    /** Running sums of one iteration's minibatch statistics. */
    private static final class Update {
        int steps;
        float learningRate;
        double policyLoss;
        double valueLoss;
        double ptxLoss;
        double entropy;
        double clipFraction;
        double approxKl;
        float policyGradNorm;
        float valueGradNorm;
    }

    /**
     * Forward and backward of one minibatch: clipped policy loss + clipped value loss, and with PPO-ptx the weighted
     * pretraining loss in a second backward whose gradient adds to the first (InstructGPT accumulates the two in
     * consecutive steps). The optimizers step afterwards, outside autograd.
     */
    private void minibatchStep(
            CausalLm policy,
            CausalLm value,
            Rollout r,
            int[] rows,
            List<long[]> ptx,
            Random rng,
            NDManager manager,
            Update u) {
        int n = r.mask()[0].length;
        try (NDManager m = manager.newSubManager()) {
            NDArray tokens = m.create(pick(r.tokens(), rows));
            NDArray attention = m.create(pick(r.attention(), rows));
            NDArray responses = m.create(pick(r.responses(), rows));
            NDArray mask = m.create(pick(r.mask(), rows));
            NDArray oldLogProbs = m.create(pick(r.logProbs(), rows));
            NDArray oldValues = m.create(pick(r.values(), rows));
            NDArray advantages = m.create(pick(r.advantages(), rows));
            NDArray returns = m.create(pick(r.returns(), rows));
            ParameterStore ps = new ParameterStore(m, false);
            NDArray policyLoss;
            NDArray valueLoss;
            NDArray entropy;
            NDArray ratio;
            NDArray newLogProbs;
            try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                CausalLm.Output out = policy.forward(ps, tokens, attention, null, null, true);
                NDArray logits = policy.logits(ps, out.hidden())
                        .get(":, " + (r.promptLength() - 1) + ":-1, :"); // (mb, N, V) the response's predictions
                newLogProbs = LogProbs.ofTokens(logits, responses, 1f); // (mb, N)
                // clipped surrogate: max(-A * ratio, -A * clip(ratio, 1 - eps, 1 + eps))
                ratio = newLogProbs.sub(oldLogProbs).exp();
                NDArray unclipped = advantages.neg().mul(ratio);
                NDArray clipped = advantages.neg().mul(ratio.clip(1 - s.clipRange(), 1 + s.clipRange()));
                policyLoss = RlMath.maskedMean(unclipped.maximum(clipped), mask);
                // clipped value loss: 0.5 * max((v - R)^2, (v_clipped - R)^2)
                NDArray predicted = valuesOf(value, ps, tokens, attention, r.promptLength(), n, true);
                NDArray predictedClipped =
                        oldValues.add(predicted.sub(oldValues).clip(-s.valueClipRange(), s.valueClipRange()));
                NDArray valueError = predicted
                        .sub(returns)
                        .square()
                        .maximum(predictedClipped.sub(returns).square());
                valueLoss = RlMath.maskedMean(valueError, mask).mul(Gpt.scalar(valueError, 0.5f));
                collector.backward(policyLoss.add(valueLoss));
                NDArray logSoftmax = logits.logSoftmax(-1);
                entropy = RlMath.maskedMean(
                        logSoftmax.exp().mul(logSoftmax).sum(new int[] {-1}).neg(), mask);
            }
            u.policyLoss += policyLoss.getFloat();
            u.valueLoss += valueLoss.getFloat();
            u.entropy += entropy.getFloat();
            u.clipFraction += RlMath.maskedMean(
                            ratio.sub(1f).abs().gt(s.clipRange()).toType(DataType.FLOAT32, false), mask)
                    .getFloat();
            u.approxKl += RlMath.approxKl(
                    matrix(newLogProbs, rows.length, n), pick(r.logProbs(), rows), pick(r.mask(), rows));
            if (s.ptxCoef() > 0) {
                u.ptxLoss += ptxStep(policy, ptx, rng, m);
            }
        }
    }

    /** PPO-ptx: gamma * the next-token loss of a pretraining batch, backpropagated into the policy's gradients. */
    private float ptxStep(CausalLm policy, List<long[]> ptx, Random rng, NDManager m) {
        List<long[]> texts = new ArrayList<>();
        for (int i = 0; i < s.ptxBatch(); i++) {
            texts.add(ptx.get(rng.nextInt(ptx.size())));
        }
        // Whole transcripts scored on every token: Sequences.of with an empty "prompt" of one token.
        List<long[]> starts = texts.stream().map(t -> new long[] {t[0]}).toList();
        List<long[]> rests =
                texts.stream().map(t -> Arrays.copyOfRange(t, 1, t.length)).toList();
        Sequences.Batch b = Sequences.of(starts, rests, policy.config().eosTokenId());
        NDArray loss;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray[] a = Sequences.arrays(m, b);
            NDArray logProbs = Sequences.nextTokenLogProbs(policy, new ParameterStore(m, false), a[0], a[1], true);
            loss = RlMath.maskedMean(logProbs.neg(), a[2]);
            collector.backward(loss.mul(Gpt.scalar(loss, s.ptxCoef())));
        }
        return loss.getFloat();
    }

    /** The value head at the positions that predict response tokens: (B, N). */
    private static NDArray valuesOf(
            CausalLm value, ParameterStore ps, NDArray tokens, NDArray attention, int p, int n, boolean training) {
        CausalLm.Output out = value.forward(ps, tokens, attention, null, null, training);
        return value.scalar(ps, out.hidden(), training).get(":, " + (p - 1) + ":" + (p - 1 + n));
    }

    private static float[][] matrix(NDArray a, int rows, int cols) {
        float[] flat = a.toFloatArray();
        float[][] out = new float[rows][cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(flat, i * cols, out[i], 0, cols);
        }
        return out;
    }

    private static long[][] pick(long[][] a, int[] rows) {
        long[][] out = new long[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = a[rows[i]];
        }
        return out;
    }

    private static float[][] pick(float[][] a, int[] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = a[rows[i]];
        }
        return out;
    }
}
