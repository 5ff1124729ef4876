package org.instructforge.shared.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.instructforge.shared.RunType;
import org.instructforge.shared.ranking.RankedCandidates;

/**
 * The memory a training run needs on its worker's device, estimated from its checkpoints' shapes and its settings
 * before it starts: the one estimate the dashboard shows (and refuses a run with) and the workers claim runs by
 * (the request stores its total on {@code training_run.memory_estimate_bytes}).
 *
 * <p>Everything is fp32, as the trainers train: 4 bytes per weight, 4 per gradient of a trained model, 8 per
 * trained parameter for AdamW's two moments (m and v). Frozen models (PPO's reference and reward model, DPO's
 * reference) hold weights only.
 *
 * @param models every model the run holds at once, with the role it plays
 * @param weightBytes all models' weights
 * @param gradientBytes gradients of the trained models
 * @param optimizerBytes AdamW's first and second moments of the trained models
 * @param activationBytes what autograd keeps from the forward pass for the backward pass, and the gradients of the
 *     same size the backward pass makes ({@link #BACKWARD}), at the largest batch the run differentiates through
 *     (see {@link #activationElementsPerToken})
 * @param sequences sequences in that batch
 * @param tokens tokens per sequence (the run's length limits, cut at the model's longest sequence)
 */
public record RunMemory(
        List<HeldModel> models,
        long weightBytes,
        long gradientBytes,
        long optimizerBytes,
        long activationBytes,
        long sequences,
        int tokens) {

    /** One model a run holds: the policy, a reference, a reward model, a value function, an EMA copy. */
    public record HeldModel(String role, long parameters, boolean trained) {}

    static final long FLOAT = 4;

    /**
     * Peak activation memory per saved activation: the backward pass makes each saved tensor's gradient (same size)
     * before it frees the tensor, and eager autograd reuses nothing in place, so a step peaks near twice what the
     * forward pass kept (plus the head's copies of the logits). {@code ./forge bench memory} measured a step at
     * 0.87-1.03 times the estimate with this factor on three shapes (README, Benchmarks); without it, 1.3-1.7 times.
     */
    static final long BACKWARD = 2;

    public long totalBytes() {
        return weightBytes + gradientBytes + optimizerBytes + activationBytes;
    }

    /** The parameters of the models the run trains. */
    public long trainedParameters() {
        return models.stream()
                .filter(HeldModel::trained)
                .mapToLong(HeldModel::parameters)
                .sum();
    }

    /**
     * The estimate for a run of this type with these (validated) hyperparameters, for rankings of up to
     * {@link RankedCandidates#MAX_CANDIDATES} outputs (the most a ranking may have).
     */
    public static RunMemory estimate(
            RunType type, Map<String, ?> hyperparameters, ModelShape start, ModelShape reward) {
        return estimate(type, hyperparameters, start, reward, RankedCandidates.MAX_CANDIDATES);
    }

    /**
     * The estimate for a run of this type with these (validated) hyperparameters.
     *
     * @param start the checkpoint it starts from (the policy, or the reward model's initialisation)
     * @param reward PPO's reward model (its value function starts from it too); null for other runs
     * @param outputsPerRanking reward-model and DPO runs: the most outputs (K) a ranking of their data has; a step
     *     takes every output of each ranking in its batch
     * @throws IllegalArgumentException for a run type that does not train (sampling runs are not estimated)
     */
    public static RunMemory estimate(
            RunType type, Map<String, ?> hyperparameters, ModelShape start, ModelShape reward, int outputsPerRanking) {
        List<HeldModel> models = new ArrayList<>();
        long sequences;
        int tokens;
        long activations;
        switch (type) {
            case SFT -> {
                models.add(new HeldModel("policy", start.parameters(), true));
                sequences = number(hyperparameters, "batchSize");
                tokens = tokens(
                        start,
                        number(hyperparameters, "maxPromptTokens"),
                        number(hyperparameters, "maxResponseTokens"));
                activations = BACKWARD * sequences * tokens * activationElementsPerToken(start, tokens, true);
            }
            case REWARD -> {
                models.add(new HeldModel("reward model", start.parametersWithScalarHead(), true));
                // Every output of every ranking in the batch goes through in one pass.
                sequences = number(hyperparameters, "batchSize") * outputsPerRanking;
                tokens = tokens(
                        start,
                        number(hyperparameters, "maxPromptTokens"),
                        number(hyperparameters, "maxResponseTokens"));
                activations = BACKWARD * sequences * tokens * activationElementsPerToken(start, tokens, false);
            }
            case DPO -> {
                models.add(new HeldModel("policy", start.parameters(), true));
                if (!Boolean.TRUE.equals(hyperparameters.get("referenceFree"))) {
                    models.add(new HeldModel("reference", start.parameters(), false));
                }
                // The policy scores every output of each ranking once (the pairs reuse those log-probs); the
                // reference pass runs without gradients and frees its activations as it goes.
                sequences = number(hyperparameters, "batchSize") * outputsPerRanking;
                tokens = tokens(
                        start,
                        number(hyperparameters, "maxPromptTokens"),
                        number(hyperparameters, "maxResponseTokens"));
                activations = BACKWARD * sequences * tokens * activationElementsPerToken(start, tokens, true);
            }
            case PPO -> {
                if (reward == null) {
                    throw new IllegalArgumentException("a PPO estimate needs the reward model's shape");
                }
                models.add(new HeldModel("policy", start.parameters(), true));
                models.add(new HeldModel("reference", start.parameters(), false));
                models.add(new HeldModel("value function", reward.parametersWithScalarHead(), true));
                models.add(new HeldModel("reward model", reward.parametersWithScalarHead(), false));
                if (number(hyperparameters, "emaDecay") > 0) {
                    models.add(new HeldModel("policy EMA", start.parameters(), false));
                }
                sequences = number(hyperparameters, "miniBatch");
                tokens = tokens(
                        start, number(hyperparameters, "maxPromptTokens"), number(hyperparameters, "maxNewTokens"));
                // A minibatch differentiates through the policy and the value function together; PPO-ptx's
                // pretraining batch is a second backward after the first freed its activations; sampling the
                // rollout holds the policy's KV cache. The largest of the three is the peak.
                long train = BACKWARD
                        * (sequences * tokens * activationElementsPerToken(start, tokens, true)
                                + sequences * tokens * activationElementsPerToken(reward, tokens, false));
                long ptx = number(hyperparameters, "ptxCoef") > 0
                        ? BACKWARD
                                * number(hyperparameters, "ptxBatch")
                                * tokens
                                * activationElementsPerToken(start, tokens, true)
                        : 0;
                long kvCache = number(hyperparameters, "rolloutBatch")
                        * tokens
                        * 2L
                        * start.layers()
                        * start.kvHeads()
                        * start.headDim();
                activations = Math.max(train, Math.max(ptx, kvCache));
            }
            default ->
                throw new IllegalArgumentException("no memory estimate for " + type + " runs: they do not train");
        }
        long weights = 0;
        long trained = 0;
        for (HeldModel m : models) {
            weights += m.parameters();
            trained += m.trained() ? m.parameters() : 0;
        }
        return new RunMemory(
                List.copyOf(models),
                FLOAT * weights,
                FLOAT * trained,
                2 * FLOAT * trained,
                FLOAT * activations,
                sequences,
                tokens);
    }

    /**
     * fp32 values autograd keeps per token of a sequence of {@code t} tokens, counted from the forward code of the
     * model classes (Gpt, Llama; no activation checkpointing, attention scores materialised):
     *
     * <pre>
     *   per block: 7C + 2q + 3kv + 4I + 3 H t
     *     attention: 4C  (norm input and output, attention output, o_proj/c_proj output)
     *                q + 2kv  (the q, k, v projections) + q + kv (q scaled, k rotated / split into heads)
     *                3 H t    (scores, masked scores, softmax probabilities: one row of t per head)
     *     MLP:       3C  (norm input and output, down/c_proj output)
     *                4I  (gate and up, or c_fc and the GELU's intermediate; the activation; the product)
     *   once:      3C (embedding output, final norm input and output) + 2V for a language model (logits and
     *              their log-softmax) or nothing more for a scalar head
     * </pre>
     *
     * with q = H * head_dim, kv = KV * head_dim. Korthikanti et al. (2022, "Reducing Activation Recomputation in
     * Large Transformer Models") count the same tensors for GPT in 16 bits ({@code sbh(34 + 5as/h)}); this is the
     * fp32 count for these models, with the vocabulary term they leave out, which dominates small models with large
     * vocabularies. The benchmark ({@code RunMemoryBenchmark}) compares it with a measured step.
     */
    public static long activationElementsPerToken(ModelShape m, int t, boolean languageModel) {
        long c = m.hiddenSize();
        long q = (long) m.heads() * m.headDim();
        long kv = (long) m.kvHeads() * m.headDim();
        long perBlock = 7 * c + 2 * q + 3 * kv + 4L * m.intermediateSize() + 3L * m.heads() * t;
        return m.layers() * perBlock + 3 * c + (languageModel ? 2L * m.vocabSize() : 0);
    }

    /** Prompt plus response limit, cut at the model's longest sequence. */
    private static int tokens(ModelShape m, long prompt, long response) {
        return (int) Math.min(prompt + response, m.maxPositions() > 0 ? m.maxPositions() : prompt + response);
    }

    private static long number(Map<String, ?> values, String name) {
        Object value = values.get(name);
        if (value instanceof Number n) {
            return (long) Math.ceil(n.doubleValue());
        }
        if (value instanceof String s && !s.isBlank()) {
            return (long) Math.ceil(Double.parseDouble(s.trim()));
        }
        throw new IllegalArgumentException("no value for " + name);
    }

    /** "needs 3.2 GiB: weights 1.0 GiB, gradients ..., AdamW moments ..., activations ... (32 x 224 tokens)". */
    public String describe() {
        return "needs " + formatBytes(totalBytes()) + ": weights " + formatBytes(weightBytes) + ", gradients "
                + formatBytes(gradientBytes) + ", AdamW moments " + formatBytes(optimizerBytes) + ", activations "
                + formatBytes(activationBytes) + " (" + sequences + " sequences of " + tokens + " tokens)";
    }

    /** Binary units, one decimal: "512 B", "3.2 KiB", "1.5 GiB". */
    public static String formatBytes(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        if (bytes < 1024) {
            return bytes + " B";
        }
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }
}
