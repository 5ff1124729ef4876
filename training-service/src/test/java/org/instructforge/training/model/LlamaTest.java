package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Llama-family decoder against the independent torch reference (src/test/python/llama_reference.py make-all),
 * whose checkpoints and logits are committed under {@code llama-family/}: one folder per variant.
 */
class LlamaTest {

    private static final List<long[]> PROMPTS =
            List.of(new long[] {1, 14, 15}, new long[] {1, 60, 35, 41, 29, 32}, new long[] {1}, new long[] {
                1, 46, 26, 43, 38, 32, 50, 28
            });

    @TempDir
    Path tmp;

    static Path variant(String name) {
        return ModelFixtures.resource("llama-family/" + name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "llama-gqa-tied",
                "llama3-rope-scaling",
                "qwen2-bias",
                "llama-untied-head-dim",
                "mistral-sharded-bf16"
            })
    void logitsMatchTheTorchReference(String name) throws Exception {
        Path dir = variant(name);
        JsonNode expected = ModelFixtures.json(dir.resolve("expected_logits.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = HfCheckpoint.load(dir, manager, false);
            assertThat(model).isInstanceOf(Llama.class);
            for (JsonNode c : expected.get("cases")) {
                // With the reference's position ids, and with the model deriving them from the mask itself.
                for (boolean explicitPositions : new boolean[] {true, false}) {
                    if (!explicitPositions && c.get("name").asString().equals("far_positions")) {
                        continue; // those positions exist only explicitly
                    }
                    ModelFixtures.assertMatchesOnRealTokens(
                            c, ModelFixtures.logits(model, manager, c, explicitPositions));
                }
            }
        }
    }

    @Test
    void ropeScalingAndHeadOptionsAreReadFromTheConfig() throws Exception {
        LlamaConfig llama3 = (LlamaConfig) ModelArchitectures.readConfig(variant("llama3-rope-scaling"));
        assertThat(llama3.ropeScaling().type()).isEqualTo("llama3");
        assertThat(llama3.eosTokenIds()).containsExactly(2L, 3L);
        assertThat(llama3.qkvBias()).isTrue();
        assertThat(llama3.oBias()).isTrue();
        // With original_max_position_embeddings 512 (wavelengths 6, 167, 4443, 118000 against 128..512): the highest
        // frequencies stay, the lowest are divided by 8,
        // and some lie in the blended band between.
        float[] scaled = Llama.inverseFrequencies(llama3);
        float[] plain = Llama.inverseFrequencies(new LlamaConfig(
                "llama",
                64,
                128,
                32,
                48,
                1,
                4,
                2,
                8,
                1e-5f,
                500000.0,
                null,
                false,
                false,
                false,
                true,
                0f,
                1,
                List.of(2L),
                0));
        assertThat(scaled[0]).isEqualTo(plain[0]);
        assertThat(scaled[scaled.length - 1]).isCloseTo(plain[plain.length - 1] / 8, within(1e-12f));
        boolean blended = false;
        for (int i = 0; i < scaled.length; i++) {
            blended |= scaled[i] < plain[i] && scaled[i] > plain[i] / 8 * 1.0001f;
        }
        assertThat(blended).as("a frequency in the smoothed band").isTrue();
        LlamaConfig qwen = (LlamaConfig) ModelArchitectures.readConfig(variant("qwen2-bias"));
        assertThat(qwen.qkvBias()).isTrue();
        assertThat(qwen.oBias()).isFalse();
        assertThat(((LlamaConfig) ModelArchitectures.readConfig(variant("llama-untied-head-dim"))).headDim())
                .isEqualTo(16);
    }

    @Test
    void theKvCacheHoldsOnlyTheKeyValueHeads() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = HfCheckpoint.load(variant("llama-gqa-tied"), manager, false);
            CausalLm.Output out = model.forward(manager.create(new long[][] {{1, 2, 3}}), null, null, null);
            // 4 query heads share 2 key/value heads (GeneratorTest checks the cache against the full forward).
            assertThat(out.cache().keys().get(0).getShape()).isEqualTo(new ai.djl.ndarray.types.Shape(1, 2, 3, 8));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama3-rope-scaling", "qwen2-bias"})
    void generationsLogProbsEqualALaterFullForwardAndGreedyFollowsItsArgmax(String name) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = HfCheckpoint.load(variant(name), manager, false);
            Generation sampled = new Generator(model)
                    .generate(manager, PROMPTS, new SamplingSettings(16, 0.8f, 0, 1f, false), new Random(3));
            float[][] recomputed = GeneratorTest.rescore(model, manager, sampled, 0.8f);
            for (int i = 0; i < PROMPTS.size(); i++) {
                for (int j = 0; j < sampled.responseLengths()[i]; j++) {
                    assertThat(sampled.logProbs()[i][j])
                            .as("row %d token %d", i, j)
                            .isCloseTo(recomputed[i][j], within(1e-4f));
                }
            }
            Generation greedy = new Generator(model)
                    .generate(manager, PROMPTS, new SamplingSettings(12, 0f, 0, 1f, false), new Random(0));
            int p = greedy.prompts()[0].length;
            long[] argmax = GeneratorTest.fullLogits(model, manager, greedy)
                    .get(new NDIndex(":, {}:{}, :", p - 1, p - 1 + 12))
                    .argMax(-1)
                    .toLongArray();
            assertThat(Arrays.stream(greedy.responses())
                            .flatMapToLong(Arrays::stream)
                            .toArray())
                    .containsExactly(argmax);
        }
    }

    @Test
    void generationStopsAtAnyEosOfGenerationConfig() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = HfCheckpoint.load(variant("llama3-rope-scaling"), manager, false);
            assertThat(model.config().eosTokenIds()).containsExactly(2L, 3L);
            Generation g = new Generator(model)
                    .generate(manager, PROMPTS, new SamplingSettings(40, 2f, 0, 1f, true), new Random(8));
            for (int i = 0; i < PROMPTS.size(); i++) {
                long[] row = Arrays.copyOf(g.responses()[i], g.responseLengths()[i]);
                assertThat(Arrays.copyOf(row, row.length - 1)).doesNotContain(2L, 3L);
            }
            assertThat(Arrays.stream(g.responses())
                            .filter(r -> Arrays.stream(r).anyMatch(t -> t == 3L))
                            .count())
                    .as("some row stopped at the second eos id")
                    .isPositive();
        }
    }

    /** The key names and shapes transformers' state_dict() has for the config, F32 as config.json says. */
    @ParameterizedTest
    @ValueSource(strings = {"llama-gqa-tied", "qwen2-bias", "llama-untied-head-dim", "mistral-sharded-bf16"})
    void savesTheLayoutTransformersWritesAndReloadsIdentically(String name) throws Exception {
        Path dir = variant(name);
        JsonNode layout =
                ModelFixtures.json(dir.resolve("expected_logits.json")).get("state_dict_shapes");
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = HfCheckpoint.load(dir, manager, false);
            Path saved = tmp.resolve(name);
            HfCheckpoint.save(model, saved, dir);
            JsonNode header = ModelFixtures.safetensorsHeader(saved.resolve(HfCheckpoint.WEIGHTS_FILE));
            assertThat(ModelFixtures.names(header)).containsExactlyInAnyOrderElementsOf(layout.propertyNames());
            JsonNode config = ModelFixtures.json(saved.resolve("config.json"));
            assertThat(config.get("torch_dtype").asString()).isEqualTo("float32");
            for (String key : layout.propertyNames()) {
                assertThat(header.get(key).get("dtype").asString()).as(key).isEqualTo("F32");
                assertThat(header.get(key).get("shape")).as(key).isEqualTo(layout.get(key));
            }
            JsonNode source = ModelFixtures.json(dir.resolve("config.json"));
            for (String field : List.of(
                    "model_type",
                    "hidden_size",
                    "intermediate_size",
                    "num_hidden_layers",
                    "num_attention_heads",
                    "num_key_value_heads",
                    "vocab_size",
                    "rope_theta",
                    "tie_word_embeddings",
                    "rms_norm_eps")) {
                JsonNode written = config.get(field);
                JsonNode original = source.get(field);
                if (original.isNumber()) {
                    assertThat(written.asDouble()).as(field).isEqualTo(original.asDouble());
                } else {
                    assertThat(written).as(field).isEqualTo(original);
                }
            }
            CausalLm reloaded = HfCheckpoint.load(saved, manager, false);
            for (Map.Entry<String, ai.djl.nn.Parameter> e :
                    model.parametersByName().entrySet()) {
                assertThat(reloaded.parametersByName()
                                .get(e.getKey())
                                .getArray()
                                .toFloatArray())
                        .as(e.getKey())
                        .containsExactly(e.getValue().getArray().toFloatArray());
            }
        }
    }

    /**
     * What transformers reads from a saved folder, checked against the saved config.json alone: every argument of the
     * model type's config class is written (so nothing falls back to a default that differs from this model, e.g.
     * {@code attention_dropout}), and model.safetensors holds exactly the tensors LlamaForCausalLM /
     * Qwen2ForCausalLM / MistralForCausalLM build for that config (modeling_llama.py's shapes, their bias rules),
     * each F32 as {@code torch_dtype} says.
     */
    @ParameterizedTest
    @ValueSource(strings = {"llama3-rope-scaling", "qwen2-bias", "llama-untied-head-dim", "mistral-sharded-bf16"})
    void aSavedConfigHoldsEveryKeyTransformersReadsAndTheWeightsItsModulesBuild(String name) throws Exception {
        Path saved = tmp.resolve(name);
        try (NDManager manager = NDManager.newBaseManager()) {
            // loaded as SFT trains it (dropout 0.2): the saved config states the attention dropout it trained with
            HfCheckpoint.save(HfCheckpoint.load(variant(name), manager, false, 0.2f), saved, null);
        }
        JsonNode config = ModelFixtures.json(saved.resolve("config.json"));
        String type = config.get("model_type").asString();
        List<String> keys = new ArrayList<>(List.of(
                "architectures",
                "model_type",
                "vocab_size",
                "hidden_size",
                "intermediate_size",
                "num_hidden_layers",
                "num_attention_heads",
                "num_key_value_heads",
                "hidden_act",
                "max_position_embeddings",
                "initializer_range",
                "rms_norm_eps",
                "use_cache",
                "tie_word_embeddings",
                "rope_theta",
                "rope_scaling",
                "attention_dropout",
                "bos_token_id",
                "eos_token_id",
                "torch_dtype"));
        keys.addAll(
                switch (type) {
                    case "llama" -> List.of("attention_bias", "mlp_bias", "head_dim", "pretraining_tp");
                    case "mistral" -> List.of("head_dim", "sliding_window");
                    case "qwen2" -> List.of("use_sliding_window", "sliding_window", "max_window_layers");
                    default -> throw new AssertionError(type);
                });
        assertThat(config.propertyNames()).containsAll(keys);
        assertThat(config.get("attention_dropout").asDouble()).isCloseTo(0.2, within(1e-6));
        assertThat(config.get("torch_dtype").asString()).isEqualTo("float32");

        long h = config.get("hidden_size").asLong();
        long v = config.get("vocab_size").asLong();
        long inter = config.get("intermediate_size").asLong();
        long heads = config.get("num_attention_heads").asLong();
        long kvHeads = config.get("num_key_value_heads").asLong();
        long headDim =
                config.path("head_dim").isNumber() ? config.get("head_dim").asLong() : h / heads;
        boolean qkvBias = type.equals("qwen2") || config.path("attention_bias").asBoolean(false);
        boolean oBias = !type.equals("qwen2") && config.path("attention_bias").asBoolean(false);
        boolean mlpBias = config.path("mlp_bias").asBoolean(false);
        Map<String, List<Long>> expected = new LinkedHashMap<>();
        expected.put("model.embed_tokens.weight", List.of(v, h));
        for (int i = 0; i < config.get("num_hidden_layers").asInt(); i++) {
            String l = "model.layers." + i + ".";
            expected.put(l + "input_layernorm.weight", List.of(h));
            expected.put(l + "post_attention_layernorm.weight", List.of(h));
            expected.put(l + "self_attn.q_proj.weight", List.of(heads * headDim, h));
            expected.put(l + "self_attn.k_proj.weight", List.of(kvHeads * headDim, h));
            expected.put(l + "self_attn.v_proj.weight", List.of(kvHeads * headDim, h));
            expected.put(l + "self_attn.o_proj.weight", List.of(h, heads * headDim));
            if (qkvBias) {
                expected.put(l + "self_attn.q_proj.bias", List.of(heads * headDim));
                expected.put(l + "self_attn.k_proj.bias", List.of(kvHeads * headDim));
                expected.put(l + "self_attn.v_proj.bias", List.of(kvHeads * headDim));
            }
            if (oBias) {
                expected.put(l + "self_attn.o_proj.bias", List.of(h));
            }
            expected.put(l + "mlp.gate_proj.weight", List.of(inter, h));
            expected.put(l + "mlp.up_proj.weight", List.of(inter, h));
            expected.put(l + "mlp.down_proj.weight", List.of(h, inter));
            if (mlpBias) {
                expected.put(l + "mlp.gate_proj.bias", List.of(inter));
                expected.put(l + "mlp.up_proj.bias", List.of(inter));
                expected.put(l + "mlp.down_proj.bias", List.of(h));
            }
        }
        expected.put("model.norm.weight", List.of(h));
        if (!config.get("tie_word_embeddings").asBoolean()) {
            expected.put("lm_head.weight", List.of(v, h)); // a tied head is not saved, as save_pretrained drops it
        }
        JsonNode header = ModelFixtures.safetensorsHeader(saved.resolve(HfCheckpoint.WEIGHTS_FILE));
        assertThat(ModelFixtures.names(header)).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((key, shape) -> {
            assertThat(header.get(key).get("dtype").asString()).as(key).isEqualTo("F32");
            List<Long> written = new ArrayList<>();
            header.get(key).get("shape").forEach(d -> written.add(d.asLong()));
            assertThat(written).as(key).isEqualTo(shape);
        });
    }

    @Test
    void aSavedCheckpointScoresTheSameInTheIndependentReference() throws Exception {
        Path script = ModelFixtures.pythonScript("llama_reference.py");
        assumeTrue(script != null && ModelFixtures.pythonWithTorch(), "python3 with torch not available");
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm model = HfCheckpoint.load(variant("llama3-rope-scaling"), manager, true);
            Path saved = tmp.resolve("saved");
            HfCheckpoint.save(model, saved, null);
            long[][] ids = {{1, 5, 9, 33, 60, 2, 0}, {7, 7, 7, 2, 3, 4, 60}};
            NDArray logits = model.logits(
                    model.forward(manager.create(ids), null, null, null).hidden());
            ObjectNode cases = ModelFixtures.JSON.createObjectNode();
            ArrayNode list = cases.putArray("cases");
            ObjectNode c = list.addObject();
            c.set("input_ids", ModelFixtures.JSON.valueToTree(ids));
            c.set("logits", ModelFixtures.JSON.valueToTree(ModelFixtures.toNested(logits)));
            Files.writeString(tmp.resolve("cases.json"), cases.toString());
            ModelFixtures.assertReferenceAgrees(script, saved, tmp.resolve("cases.json"));
        }
    }

    @Test
    void anUnsupportedArchitectureIsRefusedWithTheSupportedList() throws Exception {
        Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"falcon\"}");
        assertThat(ModelArchitectures.isSupported(tmp)).isFalse();
        assertThat(ModelArchitectures.isSupported(variant("qwen2-bias"))).isTrue();
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> HfCheckpoint.load(tmp, manager, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("falcon")
                    .hasMessageContaining("gpt2, llama, qwen2, mistral");
        }
    }

    @Test
    void anUnsupportedRopeScalingIsRefused() throws Exception {
        JsonNode base = ModelFixtures.json(variant("llama-gqa-tied").resolve("config.json"));
        ((ObjectNode) base).putObject("rope_scaling").put("rope_type", "yarn").put("factor", 4.0);
        Files.writeString(tmp.resolve("config.json"), base.toString());
        assertThatThrownBy(() -> ModelArchitectures.readConfig(tmp)).hasMessageContaining("yarn");
    }
}
