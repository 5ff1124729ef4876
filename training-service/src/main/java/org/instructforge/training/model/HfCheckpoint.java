package org.instructforge.training.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Loads and saves a local Hugging Face GPT-2-family directory ({@code config.json} + {@code model.safetensors}),
 * the layout {@code GPT2LMHeadModel.save_pretrained} writes and {@code from_pretrained} reads.
 *
 * <p>HF layout facts this relies on: tensor names carry an optional {@code transformer.} prefix; {@code Conv1D}
 * weights are stored {@code [in, out]}, which {@link Gpt} keeps as is; {@code attn.bias} / {@code attn.masked_bias}
 * are causal-mask buffers, not weights (older transformers saved them); {@code lm_head.weight} is tied to
 * {@code wte.weight} and usually absent. Only local paths are read: never a hub name.
 */
public final class HfCheckpoint {

    public static final String WEIGHTS_FILE = "model.safetensors";
    private static final String INDEX_FILE = "model.safetensors.index.json";
    private static final String PREFIX = "transformer.";
    private static final String SCALAR_HEAD = "scalar_head.";
    /** Tokenizer files kept next to the weights (the fast tokenizer reads tokenizer.json, the slow vocab + merges). */
    static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json",
            "vocab.json",
            "merges.txt",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "generation_config.json");

    private HfCheckpoint() {}

    /** Loads {@code dir/model.safetensors} (or the shards of {@code model.safetensors.index.json}). */
    public static Gpt load(Path dir, NDManager manager, boolean withScalarHead) throws IOException {
        if (Files.exists(dir.resolve(WEIGHTS_FILE)) || !Files.exists(dir.resolve(INDEX_FILE))) {
            return load(dir, WEIGHTS_FILE, manager, withScalarHead);
        }
        JsonNode weightMap = JsonMapper.builder()
                .build()
                .readTree(dir.resolve(INDEX_FILE).toFile())
                .get("weight_map");
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        TreeSet<String> shards = new TreeSet<>();
        weightMap.forEach(shard -> shards.add(shard.asString()));
        for (String shard : shards) {
            tensors.putAll(Safetensors.read(dir.resolve(shard)));
        }
        return fromTensors(GptConfig.read(dir.resolve("config.json")), tensors, manager, withScalarHead);
    }

    /**
     * Loads {@code dir/model.safetensors} with another dropout rate than its config.json: SFT trains with residual
     * dropout 0.2 (InstructGPT), while the RLHF stages use 0 so sampling and training passes score tokens alike.
     */
    public static Gpt load(Path dir, NDManager manager, boolean withScalarHead, float dropout) throws IOException {
        Path weights = dir.resolve(WEIGHTS_FILE);
        if (!Files.exists(weights)) {
            throw new IOException("No " + WEIGHTS_FILE + " in " + dir);
        }
        GptConfig config = GptConfig.read(dir.resolve("config.json")).withDropout(dropout);
        return fromTensors(config, Safetensors.read(weights), manager, withScalarHead);
    }

    /** Loads a named safetensors file of {@code dir} with {@code dir/config.json}. */
    public static Gpt load(Path dir, String weightsFile, NDManager manager, boolean withScalarHead) throws IOException {
        Path weights = dir.resolve(weightsFile);
        if (!Files.exists(weights)) {
            throw new IOException("No " + weightsFile + " in " + dir + " (pytorch_model.bin is not supported: "
                    + "convert it to safetensors)");
        }
        GptConfig config = GptConfig.read(dir.resolve("config.json"));
        return fromTensors(config, Safetensors.read(weights), manager, withScalarHead);
    }

    static Gpt fromTensors(
            GptConfig config, Map<String, Safetensors.Tensor> tensors, NDManager manager, boolean withScalarHead) {
        Gpt gpt = new Gpt(config, withScalarHead);
        Map<String, Parameter> params = gpt.parametersByName();
        Safetensors.Tensor lmHead = null;
        for (Map.Entry<String, Safetensors.Tensor> e : tensors.entrySet()) {
            String name = e.getKey().startsWith(PREFIX) ? e.getKey().substring(PREFIX.length()) : e.getKey();
            Safetensors.Tensor t = e.getValue();
            if (name.endsWith(".attn.bias") || name.endsWith(".attn.masked_bias")) {
                continue; // mask buffers: Gpt builds its causal mask on the fly
            }
            if (name.equals("lm_head.weight")) {
                lmHead = t;
                continue;
            }
            Parameter p = params.get(name);
            if (p == null && name.startsWith(SCALAR_HEAD)) {
                continue; // a reward model's head, loaded as a plain LM (e.g. a policy initialised from it)
            }
            if (p == null) {
                throw new IllegalArgumentException("Unexpected tensor " + e.getKey() + " for a GPT-2 model");
            }
            if (!gpt.shapeOf(name).equals(new Shape(t.shape()))) {
                throw new IllegalArgumentException("Tensor " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", expected " + gpt.shapeOf(name));
            }
            p.setArray(manager.create(t.data(), new Shape(t.shape())));
        }
        for (Parameter p : params.values()) {
            // A fresh scalar head on top of a language model is the usual start of reward / value training.
            if (!p.isInitialized() && !p.getName().startsWith(SCALAR_HEAD)) {
                throw new IllegalArgumentException("Checkpoint lacks tensor " + p.getName());
            }
        }
        Safetensors.Tensor wte = tensors.getOrDefault(PREFIX + "wte.weight", tensors.get("wte.weight"));
        if (lmHead != null && !Arrays.equals(lmHead.data(), wte.data())) {
            throw new IllegalArgumentException("lm_head.weight differs from wte.weight: untied heads are unsupported");
        }
        gpt.initialize(manager); // random init of what the file lacked (the scalar head); marks weights trainable
        return gpt;
    }

    /**
     * Saves as {@code save_pretrained} would: config.json, model.safetensors (F32, {@code transformer.} names, no
     * lm_head since it is tied), and the tokenizer files copied from {@code tokenizerSource} when it is not null.
     * A scalar head is saved as {@code scalar_head.weight/bias}; transformers ignores it with a warning.
     */
    public static void save(Gpt gpt, Path dir, Path tokenizerSource) throws IOException {
        Files.createDirectories(dir);
        gpt.config().write(dir.resolve("config.json"));
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : gpt.parametersByName().entrySet()) {
            NDArray array = e.getValue().getArray();
            String name = e.getKey().startsWith(SCALAR_HEAD) ? e.getKey() : PREFIX + e.getKey();
            tensors.put(name, new Safetensors.Tensor("F32", array.getShape().getShape(), array.toFloatArray()));
        }
        Safetensors.write(dir.resolve(WEIGHTS_FILE), tensors);
        if (tokenizerSource != null && !Files.isSameFile(tokenizerSource, dir)) {
            for (String file : TOKENIZER_FILES) {
                if (Files.exists(tokenizerSource.resolve(file))) {
                    Files.copy(tokenizerSource.resolve(file), dir.resolve(file), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
