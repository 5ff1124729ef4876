package org.instructforge.training.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.instructforge.shared.memory.ModelShape;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Llama-family hyperparameters (LlamaConfig, Qwen2Config, MistralConfig field names in the comments), read from and
 * written to a Hugging Face {@code config.json}. Defaults are transformers' LlamaConfig defaults.
 *
 * @param modelType {@code model_type}: llama, qwen2 or mistral
 * @param vocabSize {@code vocab_size}: 32000
 * @param blockSize {@code max_position_embeddings} (2048), capped by Mistral's / Qwen2's {@code sliding_window}
 *     when one applies, so that every sequence fits the window and full causal attention is exact
 * @param hiddenSize {@code hidden_size}: 4096, the residual stream width C
 * @param intermediateSize {@code intermediate_size}: 11008, the SwiGLU MLP width
 * @param nLayer {@code num_hidden_layers}: 32
 * @param nHead {@code num_attention_heads}: 32 query heads
 * @param nKvHead {@code num_key_value_heads}: key/value heads shared by nHead / nKvHead query heads each (GQA,
 *     Ainslie et al. 2023); equal to nHead for plain multi-head attention
 * @param headDim {@code head_dim}: hiddenSize / nHead unless config.json says otherwise (some Qwen/Mistral models)
 * @param rmsNormEps {@code rms_norm_eps}: 1e-6
 * @param ropeTheta {@code rope_theta}: 10000, the RoPE base (Llama 3: 500000, Qwen2: 1000000)
 * @param ropeScaling {@code rope_scaling}, null for none
 * @param qkvBias biases on q/k/v projections: {@code attention_bias} for Llama/Mistral, always true for Qwen2
 * @param oBias bias on o_proj: {@code attention_bias} for Llama/Mistral, never for Qwen2
 * @param mlpBias {@code mlp_bias}: biases on gate/up/down projections (false)
 * @param tieWordEmbeddings {@code tie_word_embeddings}: LM head shares the token embedding (SmolLM2, Llama 3.2 1B,
 *     small Qwen2.5) or has its own {@code lm_head.weight}
 * @param attentionDropout {@code attention_dropout}: 0; the only dropout Llama has
 * @param bosTokenId {@code bos_token_id}
 * @param eosTokenIds {@code eos_token_id} of generation_config.json when present (a list for Llama 3), else of
 *     config.json; the first one pads sequences
 * @param maxWindowLayers Qwen2's {@code max_window_layers}, kept only to write it back (0 elsewhere)
 */
public record LlamaConfig(
        String modelType,
        int vocabSize,
        int blockSize,
        int hiddenSize,
        int intermediateSize,
        int nLayer,
        int nHead,
        int nKvHead,
        int headDim,
        float rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        boolean qkvBias,
        boolean oBias,
        boolean mlpBias,
        boolean tieWordEmbeddings,
        float attentionDropout,
        long bosTokenId,
        List<Long> eosTokenIds,
        int maxWindowLayers)
        implements DecoderConfig {

    private static final JsonMapper JSON =
            JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    /**
     * {@code rope_scaling}: "linear" divides every frequency by factor; "llama3" (Llama 3.1/3.2) divides only the
     * low frequencies, whose wavelength exceeds originalMaxPositions / lowFreqFactor, and blends the band between
     * the two wavelengths (transformers' {@code _compute_llama3_parameters}).
     */
    public record RopeScaling(
            String type, double factor, double lowFreqFactor, double highFreqFactor, int originalMaxPositions) {}

    public LlamaConfig {
        if (nHead % nKvHead != 0) {
            throw new IllegalArgumentException(
                    "num_attention_heads " + nHead + " is not divisible by num_key_value_heads " + nKvHead);
        }
        if (eosTokenIds.isEmpty()) {
            throw new IllegalArgumentException("No eos_token_id in config.json or generation_config.json");
        }
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    @Override
    public long eosTokenId() {
        return eosTokenIds.get(0);
    }

    @Override
    public LlamaConfig withDropout(float rate) {
        return new LlamaConfig(
                modelType,
                vocabSize,
                blockSize,
                hiddenSize,
                intermediateSize,
                nLayer,
                nHead,
                nKvHead,
                headDim,
                rmsNormEps,
                ropeTheta,
                ropeScaling,
                qkvBias,
                oBias,
                mlpBias,
                tieWordEmbeddings,
                rate,
                bosTokenId,
                eosTokenIds,
                maxWindowLayers);
    }

    @Override
    public Llama newModel(boolean withScalarHead) {
        return new Llama(this, withScalarHead);
    }

    @Override
    public ModelShape shape() {
        return ModelShape.of(
                modelType,
                hiddenSize,
                nLayer,
                nHead,
                nKvHead,
                headDim,
                intermediateSize,
                vocabSize,
                blockSize,
                tieWordEmbeddings,
                qkvBias,
                oBias,
                mlpBias);
    }

    /** Query heads per key/value head. */
    public int groupSize() {
        return nHead / nKvHead;
    }

    /**
     * Reads {@code config.json} (and {@code generation_config.json} beside it for the stop tokens); rejects
     * options whose math {@link Llama} does not implement.
     */
    public static LlamaConfig read(Path configJson) throws IOException {
        JsonNode c = JSON.readTree(configJson.toFile());
        String modelType = c.path("model_type").asString("");
        if (!List.of("llama", "qwen2", "mistral").contains(modelType)) {
            throw new IllegalArgumentException(ModelArchitectures.unsupported(modelType));
        }
        String activation = c.path("hidden_act").asString("silu");
        if (!activation.equals("silu")) {
            throw new IllegalArgumentException("Unsupported hidden_act " + activation + " (SwiGLU needs silu)");
        }
        if (c.path("pretraining_tp").asInt(1) != 1) {
            throw new IllegalArgumentException("pretraining_tp other than 1 is not supported");
        }
        if (c.path("partial_rotary_factor").asDouble(1.0) != 1.0) {
            throw new IllegalArgumentException("partial_rotary_factor other than 1 is not supported");
        }
        int hidden = c.path("hidden_size").asInt(4096);
        int nHead = c.path("num_attention_heads").asInt(32);
        JsonNode headDim = c.path("head_dim");
        int blockSize = c.path("max_position_embeddings").asInt(2048);
        JsonNode window = c.path("sliding_window");
        boolean slides =
                modelType.equals("mistral") || c.path("use_sliding_window").asBoolean(false);
        if (slides && window.isNumber()) {
            blockSize = Math.min(blockSize, window.asInt());
        }
        boolean attentionBias = c.path("attention_bias").asBoolean(false);
        boolean qwen2 = modelType.equals("qwen2");
        return new LlamaConfig(
                modelType,
                c.path("vocab_size").asInt(32000),
                blockSize,
                hidden,
                c.path("intermediate_size").asInt(11008),
                c.path("num_hidden_layers").asInt(32),
                nHead,
                c.path("num_key_value_heads").asInt(nHead),
                headDim.isNumber() ? headDim.asInt() : hidden / nHead,
                (float) c.path("rms_norm_eps").asDouble(1e-6),
                c.path("rope_theta").asDouble(10000.0),
                ropeScaling(c.path("rope_scaling")),
                qwen2 || attentionBias,
                !qwen2 && attentionBias,
                c.path("mlp_bias").asBoolean(false),
                c.path("tie_word_embeddings").asBoolean(false),
                (float) c.path("attention_dropout").asDouble(0.0),
                c.path("bos_token_id").asLong(1),
                eosTokenIds(c, configJson.resolveSibling("generation_config.json")),
                c.path("max_window_layers").asInt(0));
    }

    private static RopeScaling ropeScaling(JsonNode s) {
        if (s.isMissingNode() || s.isNull()) {
            return null;
        }
        // transformers accepts both "rope_type" and the older "type".
        String type = s.path("rope_type").asString(s.path("type").asString("default"));
        return switch (type) {
            case "default" -> null;
            case "linear" -> new RopeScaling(type, s.path("factor").asDouble(), 0, 0, 0);
            case "llama3" ->
                new RopeScaling(
                        type,
                        s.path("factor").asDouble(8.0),
                        s.path("low_freq_factor").asDouble(1.0),
                        s.path("high_freq_factor").asDouble(4.0),
                        s.path("original_max_position_embeddings").asInt(8192));
            default ->
                throw new IllegalArgumentException(
                        "Unsupported rope_scaling type " + type + " (supported: linear, llama3)");
        };
    }

    /** generation_config.json's eos_token_id wins (that is what generate() stops on); a number or a list. */
    private static List<Long> eosTokenIds(JsonNode config, Path generationConfig) throws IOException {
        JsonNode eos = config.path("eos_token_id");
        if (Files.isRegularFile(generationConfig)) {
            JsonNode g = JSON.readTree(generationConfig.toFile()).path("eos_token_id");
            if (g.isNumber() || g.isArray()) {
                eos = g;
            }
        }
        List<Long> ids = new ArrayList<>();
        if (eos.isArray()) {
            eos.forEach(id -> ids.add(id.asLong()));
        } else if (eos.isNumber()) {
            ids.add(eos.asLong());
        }
        return ids;
    }

    /** Writes {@code config.json} with the fields transformers' config class needs to load the model back. */
    @Override
    public void write(Path configJson) throws IOException {
        ObjectNode c = JSON.createObjectNode();
        String architecture = switch (modelType) {
            case "qwen2" -> "Qwen2ForCausalLM";
            case "mistral" -> "MistralForCausalLM";
            default -> "LlamaForCausalLM";
        };
        c.putArray("architectures").add(architecture);
        if (!modelType.equals("qwen2")) {
            c.put("attention_bias", qkvBias);
        }
        c.put("attention_dropout", attentionDropout);
        c.put("bos_token_id", bosTokenId);
        if (eosTokenIds.size() == 1) {
            c.put("eos_token_id", eosTokenIds.get(0));
        } else {
            var eos = c.putArray("eos_token_id");
            eosTokenIds.forEach(eos::add);
        }
        c.put("head_dim", headDim);
        c.put("hidden_act", "silu");
        c.put("hidden_size", hiddenSize);
        c.put("initializer_range", 0.02);
        c.put("intermediate_size", intermediateSize);
        c.put("max_position_embeddings", blockSize);
        if (modelType.equals("qwen2")) {
            c.put("max_window_layers", maxWindowLayers);
            c.put("use_sliding_window", false);
        }
        if (!modelType.equals("qwen2")) {
            c.put("mlp_bias", mlpBias);
        }
        c.put("model_type", modelType);
        c.put("num_attention_heads", nHead);
        c.put("num_hidden_layers", nLayer);
        c.put("num_key_value_heads", nKvHead);
        if (modelType.equals("llama")) {
            c.put("pretraining_tp", 1); // read() refuses any other value
        }
        c.put("rms_norm_eps", rmsNormEps);
        if (ropeScaling == null) {
            c.putNull("rope_scaling");
        } else {
            ObjectNode s = c.putObject("rope_scaling");
            s.put("factor", ropeScaling.factor());
            s.put("rope_type", ropeScaling.type());
            if (ropeScaling.type().equals("llama3")) {
                s.put("high_freq_factor", ropeScaling.highFreqFactor());
                s.put("low_freq_factor", ropeScaling.lowFreqFactor());
                s.put("original_max_position_embeddings", ropeScaling.originalMaxPositions());
            }
        }
        c.put("rope_theta", ropeTheta);
        if (!modelType.equals("llama")) {
            c.putNull("sliding_window"); // blockSize already fits the window the source model had
        }
        c.put("tie_word_embeddings", tieWordEmbeddings);
        c.put("torch_dtype", "float32");
        c.put("use_cache", true);
        c.put("vocab_size", vocabSize);
        JSON.writeValue(configJson.toFile(), c);
    }
}
