package org.instructforge.training.model;

import java.io.IOException;
import java.nio.file.Path;
import org.instructforge.shared.memory.ModelShape;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * GPT-2 hyperparameters, read from and written to a Hugging Face {@code config.json} (GPT2Config field names in
 * the comments). Defaults are GPT-2 small (124M), as in nanoGPT's {@code GPTConfig}.
 *
 * @param vocabSize {@code vocab_size}: 50257, GPT-2's BPE vocabulary (50,000 merges + 256 bytes + end-of-text)
 * @param blockSize {@code n_positions}: 1024, the longest context the position embedding covers
 * @param nEmbd {@code n_embd}: 768, the residual stream width C
 * @param nLayer {@code n_layer}: 12 transformer blocks
 * @param nHead {@code n_head}: 12 attention heads; head size is nEmbd / nHead
 * @param nInner {@code n_inner}: MLP hidden width; HF writes null for the usual 4 * nEmbd
 * @param layerNormEpsilon {@code layer_norm_epsilon}: 1e-5
 * @param dropout {@code resid_pdrop} (written to embd/attn/resid_pdrop alike): 0.1 in GPT-2 pre-training; RLHF
 *     fine-tuning usually sets 0 so that log-probs are reproducible between sampling and training passes
 * @param bosTokenId {@code bos_token_id}: 50256, {@code <|endoftext|>}
 * @param eosTokenId {@code eos_token_id}: 50256, {@code <|endoftext|>}; generation stops on it
 */
public record GptConfig(
        int vocabSize,
        int blockSize,
        int nEmbd,
        int nLayer,
        int nHead,
        int nInner,
        float layerNormEpsilon,
        float dropout,
        long bosTokenId,
        long eosTokenId)
        implements DecoderConfig {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public GptConfig {
        if (nEmbd % nHead != 0) {
            throw new IllegalArgumentException("n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
    }

    /** GPT-2 small (124M parameters). */
    public static GptConfig gpt2Small() {
        return new GptConfig(50257, 1024, 768, 12, 12, 4 * 768, 1e-5f, 0.1f, 50256, 50256);
    }

    @Override
    public String modelType() {
        return "gpt2";
    }

    @Override
    public int hiddenSize() {
        return nEmbd;
    }

    @Override
    public Gpt newModel(boolean withScalarHead) {
        return new Gpt(this, withScalarHead);
    }

    /** Same architecture with another dropout rate (0 for RLHF stages). */
    @Override
    public GptConfig withDropout(float rate) {
        return new GptConfig(
                vocabSize, blockSize, nEmbd, nLayer, nHead, nInner, layerNormEpsilon, rate, bosTokenId, eosTokenId);
    }

    @Override
    public ModelShape shape() {
        // GPT-2: biases everywhere, learned positions, the LM head tied to wte.
        return ModelShape.of(
                "gpt2", nEmbd, nLayer, nHead, nHead, headSize(), nInner, vocabSize, blockSize, true, true, true, true);
    }

    public int headSize() {
        return nEmbd / nHead;
    }

    /** Reads {@code config.json}; rejects GPT-2 variants whose math this model does not implement. */
    public static GptConfig read(Path configJson) throws IOException {
        JsonNode c = JSON.readTree(configJson.toFile());
        String modelType = c.path("model_type").asString("gpt2");
        if (!modelType.equals("gpt2")) {
            throw new IllegalArgumentException("Only model_type gpt2 is supported, got " + modelType);
        }
        // gelu_new and gelu_pytorch_tanh are the same tanh approximation; exact-erf "gelu" would differ slightly.
        String activation = c.path("activation_function").asString("gelu_new");
        if (!activation.equals("gelu_new") && !activation.equals("gelu_pytorch_tanh")) {
            throw new IllegalArgumentException("Unsupported activation_function " + activation);
        }
        if (c.path("scale_attn_by_inverse_layer_idx").asBoolean(false)
                || c.path("reorder_and_upcast_attn").asBoolean(false)
                || !c.path("scale_attn_weights").asBoolean(true)) {
            throw new IllegalArgumentException("Non-default GPT-2 attention scaling options are not supported");
        }
        int nEmbd = c.path("n_embd").asInt(768);
        JsonNode inner = c.path("n_inner");
        return new GptConfig(
                c.path("vocab_size").asInt(50257),
                c.path("n_positions").asInt(1024),
                nEmbd,
                c.path("n_layer").asInt(12),
                c.path("n_head").asInt(12),
                inner.isNumber() ? inner.asInt() : 4 * nEmbd,
                (float) c.path("layer_norm_epsilon").asDouble(1e-5),
                (float) c.path("resid_pdrop").asDouble(0.1),
                c.path("bos_token_id").asLong(50256),
                c.path("eos_token_id").asLong(50256));
    }

    /** Writes {@code config.json} with the fields transformers' GPT2Config needs to load the model back. */
    @Override
    public void write(Path configJson) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        c.put("activation_function", "gelu_new");
        c.putArray("architectures").add("GPT2LMHeadModel");
        c.put("attn_pdrop", dropout);
        c.put("bos_token_id", bosTokenId);
        c.put("embd_pdrop", dropout);
        c.put("eos_token_id", eosTokenId);
        c.put("initializer_range", 0.02);
        c.put("layer_norm_epsilon", layerNormEpsilon);
        c.put("model_type", "gpt2");
        c.put("n_ctx", blockSize);
        c.put("n_embd", nEmbd);
        c.put("n_head", nHead);
        if (nInner == 4 * nEmbd) {
            c.putNull("n_inner");
        } else {
            c.put("n_inner", nInner);
        }
        c.put("n_layer", nLayer);
        c.put("n_positions", blockSize);
        c.put("resid_pdrop", dropout);
        c.put("scale_attn_weights", true);
        c.put("torch_dtype", "float32");
        c.put("use_cache", true);
        c.put("vocab_size", vocabSize);
        JSON.writeValue(configJson.toFile(), c);
    }
}
