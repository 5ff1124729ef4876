package org.instructforge.training.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

class HfCheckpointTest {

    private static final long[][] TOKENS = {{15496, 995, 11, 314, 1101, 257}, {50256, 464, 2068, 7586, 21831, 3}};

    @TempDir
    Path tmp;

    @Test
    void savedCheckpointReloadsWithIdenticalLogits() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm original = HfCheckpoint.load(ModelFixtures.hfGpt2Tiny(), manager, false);
            HfCheckpoint.save(original, tmp, ModelFixtures.hfGpt2Tiny());
            CausalLm reloaded = HfCheckpoint.load(tmp, manager, false);
            NDArray tokens = manager.create(TOKENS);
            NDArray before =
                    original.logits(original.forward(tokens, null, null, null).hidden());
            NDArray after =
                    reloaded.logits(reloaded.forward(tokens, null, null, null).hidden());
            // isEqualTo compares with Arrays.equals: bit-identical (AssertJ's containsExactly is quadratic on 600k
            // floats).
            assertThat(after.toFloatArray()).isEqualTo(before.toFloatArray());
            assertThat(reloaded.config()).isEqualTo(original.config());
        }
    }

    @Test
    void savesTheLayoutTransformersWrites() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            HfCheckpoint.save(
                    HfCheckpoint.load(ModelFixtures.hfGpt2Tiny(), manager, false), tmp, ModelFixtures.hfGpt2Tiny());
        }
        JsonNode header = ModelFixtures.safetensorsHeader(tmp.resolve("model.safetensors"));
        JsonNode fixtureHeader =
                ModelFixtures.safetensorsHeader(ModelFixtures.hfGpt2Tiny().resolve("model.safetensors"));
        assertThat(header.get("__metadata__").get("format").asString()).isEqualTo("pt");
        // Same tensor names, dtypes and shapes as the file transformers wrote (no lm_head, transformer. prefix).
        assertThat(ModelFixtures.names(header)).containsExactlyInAnyOrderElementsOf(ModelFixtures.names(fixtureHeader));
        fixtureHeader.properties().iterator().forEachRemaining(e -> {
            if (!e.getKey().equals("__metadata__")) {
                assertThat(header.get(e.getKey()).get("dtype"))
                        .isEqualTo(e.getValue().get("dtype"));
                assertThat(header.get(e.getKey()).get("shape"))
                        .isEqualTo(e.getValue().get("shape"));
            }
        });
        JsonNode config = ModelFixtures.json(tmp.resolve("config.json"));
        assertThat(config.get("model_type").asString()).isEqualTo("gpt2");
        assertThat(config.get("architectures").get(0).asString()).isEqualTo("GPT2LMHeadModel");
        assertThat(config.get("n_embd").asInt()).isEqualTo(2);
        assertThat(config.get("activation_function").asString()).isEqualTo("gelu_new");
        assertThat(tmp.resolve("tokenizer.json")).exists();
        assertThat(tmp.resolve("tokenizer_config.json")).exists();
    }

    @Test
    void halfAndBfloat16FilesLoadToTheSameValuesAsFloat32() throws Exception {
        // The three files hold the same (exactly representable) values; F16 uses bare names plus a tied lm_head,
        // F32 carries the attn.bias / masked_bias buffers, BF16 the transformer. prefix.
        Path dir = ModelFixtures.randomMultiHead();
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm f32 = HfCheckpoint.load(dir, "model.safetensors", manager, false);
            for (String file : List.of("model-f16.safetensors", "model-bf16.safetensors")) {
                CausalLm half = HfCheckpoint.load(dir, file, manager, false);
                for (Map.Entry<String, Parameter> e : f32.parametersByName().entrySet()) {
                    assertThat(half.parametersByName()
                                    .get(e.getKey())
                                    .getArray()
                                    .toFloatArray())
                            .as("%s %s", file, e.getKey())
                            .isEqualTo(e.getValue().getArray().toFloatArray());
                }
            }
            assertThat(Safetensors.read(dir.resolve("model-bf16.safetensors")).values())
                    .allMatch(t -> t.dtype().equals("BF16"));
            assertThat(Safetensors.read(dir.resolve("model-f16.safetensors")).values())
                    .allMatch(t -> t.dtype().equals("F16"));
        }
    }

    @Test
    void loadsAShardedCheckpointThroughItsIndex() throws Exception {
        Path dir = ModelFixtures.randomMultiHead();
        Map<String, Safetensors.Tensor> all = Safetensors.read(dir.resolve("model.safetensors"));
        List<String> shards = List.of("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors");
        List<Map<String, Safetensors.Tensor>> parts = List.of(new LinkedHashMap<>(), new LinkedHashMap<>());
        ObjectNode index = ModelFixtures.JSON.createObjectNode();
        ObjectNode weightMap = index.putObject("weight_map");
        int i = 0;
        for (Map.Entry<String, Safetensors.Tensor> e : all.entrySet()) {
            parts.get(i % 2).put(e.getKey(), e.getValue());
            weightMap.put(e.getKey(), shards.get(i++ % 2));
        }
        for (int s = 0; s < 2; s++) {
            Safetensors.write(tmp.resolve(shards.get(s)), parts.get(s));
        }
        Files.writeString(tmp.resolve("model.safetensors.index.json"), index.toString());
        Files.copy(dir.resolve("config.json"), tmp.resolve("config.json"));
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm whole = HfCheckpoint.load(dir, manager, false);
            CausalLm sharded = HfCheckpoint.load(tmp, manager, false);
            whole.parametersByName()
                    .forEach((name, p) -> assertThat(sharded.parametersByName()
                                    .get(name)
                                    .getArray()
                                    .toFloatArray())
                            .isEqualTo(p.getArray().toFloatArray()));
        }
    }

    @Test
    void halfPrecisionBitPatternsWidenExactly() {
        assertThat(Safetensors.halfToFloat((short) 0x3C00)).isEqualTo(1.0f);
        assertThat(Safetensors.halfToFloat((short) 0xC000)).isEqualTo(-2.0f);
        assertThat(Safetensors.halfToFloat((short) 0x7BFF)).isEqualTo(65504f); // largest F16
        assertThat(Safetensors.halfToFloat((short) 0x0001)).isEqualTo(0x1p-24f); // smallest subnormal
        assertThat(Safetensors.halfToFloat((short) 0x03FF)).isEqualTo(1023 * 0x1p-24f); // largest subnormal
        assertThat(Safetensors.halfToFloat((short) 0x3555)).isEqualTo(0.333251953125f);
        assertThat(Float.floatToRawIntBits(Safetensors.halfToFloat((short) 0x8000)))
                .isEqualTo(0x80000000); // -0
        assertThat(Safetensors.halfToFloat((short) 0xFC00)).isEqualTo(Float.NEGATIVE_INFINITY);
        assertThat(Safetensors.halfToFloat((short) 0x7E00)).isNaN();
        assertThat(Safetensors.bfloat16ToFloat((short) 0x3F80)).isEqualTo(1.0f);
        assertThat(Safetensors.bfloat16ToFloat((short) 0x4049)).isEqualTo(3.140625f);
        assertThat(Safetensors.bfloat16ToFloat((short) 0xBF00)).isEqualTo(-0.5f);
    }

    @Test
    void rejectsAnUntiedLmHead() throws Exception {
        Map<String, Safetensors.Tensor> tensors =
                new LinkedHashMap<>(Safetensors.read(ModelFixtures.hfGpt2Tiny().resolve("model.safetensors")));
        Safetensors.Tensor wte = tensors.get("transformer.wte.weight");
        float[] other = wte.data().clone();
        other[0] += 1f;
        tensors.put("lm_head.weight", new Safetensors.Tensor("F32", wte.shape(), other));
        Files.copy(ModelFixtures.hfGpt2Tiny().resolve("config.json"), tmp.resolve("config.json"));
        Safetensors.write(tmp.resolve("model.safetensors"), tensors);
        try (NDManager manager = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> HfCheckpoint.load(tmp, manager, false)).hasMessageContaining("untied");
        }
    }

    @Test
    void scalarHeadIsFreshOnALanguageModelAndSurvivesSaveAndLoad() throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm reward = HfCheckpoint.load(ModelFixtures.randomMultiHead(), manager, true);
            NDArray tokens = manager.create(new long[][] {{1, 2, 3, 4}, {5, 6, 7, 8}});
            NDArray lastToken = manager.create(new long[] {3, 2});
            float[] scores = reward.scalarAt(
                            new ai.djl.training.ParameterStore(manager, false),
                            reward.forward(tokens, null, null, null).hidden(),
                            lastToken,
                            false)
                    .toFloatArray();
            HfCheckpoint.save(reward, tmp, null);
            CausalLm reloaded = HfCheckpoint.load(tmp, manager, true);
            float[] again = reloaded.scalarAt(
                            new ai.djl.training.ParameterStore(manager, false),
                            reloaded.forward(tokens, null, null, null).hidden(),
                            lastToken,
                            false)
                    .toFloatArray();
            assertThat(again).hasSize(2).containsExactly(scores);
            // The same checkpoint still loads as a plain language model.
            assertThat(HfCheckpoint.load(tmp, manager, false).hasScalarHead()).isFalse();
        }
    }

    /** Runs the reference script on a Java-saved checkpoint; skipped where python3 with torch is missing. */
    @Test
    void savedCheckpointLoadsInTheIndependentReference() throws Exception {
        Path script = ModelFixtures.pythonScript("gpt2_reference.py");
        assumeTrue(script != null && ModelFixtures.pythonWithTorch(), "python3 with torch not available");
        ObjectNode cases = ModelFixtures.JSON.createObjectNode();
        ArrayNode list = cases.putArray("cases");
        try (NDManager manager = NDManager.newBaseManager()) {
            CausalLm gpt = HfCheckpoint.load(ModelFixtures.randomMultiHead(), manager, false);
            Path saved = tmp.resolve("saved");
            HfCheckpoint.save(gpt, saved, null);
            long[][] ids = {{1, 5, 9, 33, 94, 95, 0}, {7, 7, 7, 2, 3, 4, 60}};
            NDArray logits = gpt.logits(
                    gpt.forward(manager.create(ids), null, null, null).hidden());
            ObjectNode c = list.addObject();
            c.set("input_ids", ModelFixtures.JSON.valueToTree(ids));
            c.set("logits", ModelFixtures.JSON.valueToTree(ModelFixtures.toNested(logits)));
            Files.writeString(tmp.resolve("cases.json"), cases.toString());
            ModelFixtures.assertReferenceAgrees(script, saved, tmp.resolve("cases.json"));
        }
    }
}
