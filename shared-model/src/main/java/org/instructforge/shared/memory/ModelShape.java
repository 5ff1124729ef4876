package org.instructforge.shared.memory;

import java.util.List;

/**
 * The numbers of a checkpoint's {@code config.json} that size a run: what the training service records with every
 * checkpoint it registers ({@code model_checkpoint}'s shape columns, V069) and the dashboard reads back to estimate a
 * run's memory ({@link RunMemory}) before any worker has seen it.
 *
 * @param architecture {@code config.json}'s {@code model_type}
 * @param parameters the language model's parameter count (without a scalar head), from {@link #count}
 * @param hiddenSize the residual stream width C
 * @param layers decoder blocks L
 * @param heads attention (query) heads H
 * @param kvHeads key/value heads (grouped-query attention; H for GPT-2)
 * @param headDim width of one head (C / H unless the config says otherwise)
 * @param intermediateSize the MLP's inner width I (GPT-2: 4C unless {@code n_inner} says otherwise)
 * @param vocabSize tokens V
 * @param maxPositions the longest sequence the model takes: sequences are cut there, whatever the run asks
 * @param tiedEmbeddings whether the LM head is the token embedding (GPT-2 always; Llama-family per config)
 */
public record ModelShape(
        String architecture,
        long parameters,
        int hiddenSize,
        int layers,
        int heads,
        int kvHeads,
        int headDim,
        int intermediateSize,
        int vocabSize,
        int maxPositions,
        boolean tiedEmbeddings) {

    /**
     * Every {@code model_type} this product can load, train and save: the training service's model classes cover
     * these (its ModelArchitectures maps each to one), and the dashboard offers only checkpoints of these as starts.
     */
    public static final List<String> SUPPORTED_ARCHITECTURES = List.of("gpt2", "llama", "qwen2", "mistral");

    public ModelShape {
        if (hiddenSize < 1 || layers < 1 || heads < 1 || kvHeads < 1 || headDim < 1 || vocabSize < 1) {
            throw new IllegalArgumentException("a model shape needs positive sizes");
        }
    }

    /**
     * The shape of a config, its parameter count worked out from the config as the model classes build their
     * weights. Biases: GPT-2 has one on every Linear and LayerNorm; the Llama family has them where the config says
     * ({@code attention_bias}/Qwen2's q/k/v biases, an o_proj bias, {@code mlp_bias}).
     */
    public static ModelShape of(
            String architecture,
            int hiddenSize,
            int layers,
            int heads,
            int kvHeads,
            int headDim,
            int intermediateSize,
            int vocabSize,
            int maxPositions,
            boolean tiedEmbeddings,
            boolean qkvBias,
            boolean oBias,
            boolean mlpBias) {
        long c = hiddenSize;
        long q = (long) heads * headDim;
        long kv = (long) kvHeads * headDim;
        long inner = intermediateSize;
        long v = vocabSize;
        long count;
        if ("gpt2".equals(architecture)) {
            // wte + wpe; per block ln_1, c_attn (C x 3C + 3C), c_proj, ln_2, c_fc, mlp c_proj; ln_f; lm_head tied.
            long block = 2 * c + (c * 3 * c + 3 * c) + (c * c + c) + 2 * c + (c * inner + inner) + (inner * c + c);
            count = v * c + (long) maxPositions * c + layers * block + 2 * c;
        } else {
            // embed_tokens; per block two RMSNorms, q/k/v/o, gate/up/down; final norm; lm_head unless tied.
            long attention = c * q + 2 * c * kv + q * c + (qkvBias ? q + 2 * kv : 0) + (oBias ? c : 0);
            long mlp = 3 * c * inner + (mlpBias ? 2 * inner + c : 0);
            count = v * c + layers * (2 * c + attention + mlp) + c + (tiedEmbeddings ? 0 : v * c);
        }
        return new ModelShape(
                architecture,
                count,
                hiddenSize,
                layers,
                heads,
                kvHeads,
                headDim,
                intermediateSize,
                vocabSize,
                maxPositions,
                tiedEmbeddings);
    }

    /** The parameters of this model with a scalar head (a reward model or a value function): Linear(C, 1). */
    public long parametersWithScalarHead() {
        return parameters + hiddenSize + 1;
    }

    public boolean supported() {
        return SUPPORTED_ARCHITECTURES.contains(architecture);
    }

    /** "124.4M", "1.2B", "9.2K": the parameter count as a model card writes it. */
    public static String formatCount(long count) {
        if (count >= 1_000_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.2fB", count / 1e9);
        }
        if (count >= 1_000_000L) {
            return String.format(java.util.Locale.ROOT, "%.1fM", count / 1e6);
        }
        if (count >= 1_000L) {
            return String.format(java.util.Locale.ROOT, "%.1fK", count / 1e3);
        }
        return Long.toString(count);
    }
}
