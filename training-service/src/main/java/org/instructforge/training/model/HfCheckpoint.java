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
 * Loads and saves a local Hugging Face checkpoint directory ({@code config.json} + {@code model.safetensors} or the
 * shards of {@code model.safetensors.index.json}), the layout {@code save_pretrained} writes and
 * {@code from_pretrained} reads, for every architecture of {@link ModelArchitectures}.
 *
 * <p>The model decides what each tensor name means ({@link CausalLm#parameterName}): mask buffers are skipped, a
 * tied {@code lm_head.weight} must equal the embedding it is tied to. F16 and BF16 files widen to F32 on load
 * ({@link Safetensors}); saving writes F32 with {@code torch_dtype: float32}. Only local paths are read: never a hub
 * name.
 */
public final class HfCheckpoint {

    public static final String WEIGHTS_FILE = "model.safetensors";
    public static final String INDEX_FILE = "model.safetensors.index.json";
    private static final String SCALAR_HEAD = "scalar_head.";
    /** Tokenizer files kept next to the weights (the fast tokenizer reads tokenizer.json, the slow vocab + merges). */
    static final List<String> TOKENIZER_FILES = List.of(
            "tokenizer.json",
            "vocab.json",
            "merges.txt",
            "tokenizer.model",
            "tokenizer_config.json",
            "special_tokens_map.json",
            "generation_config.json");

    private HfCheckpoint() {}

    /** Loads {@code dir/model.safetensors} (or the shards of {@code model.safetensors.index.json}). */
    public static CausalLm load(Path dir, NDManager manager, boolean withScalarHead) throws IOException {
        return fromTensors(ModelArchitectures.readConfig(dir), readWeights(dir), manager, withScalarHead);
    }

    /**
     * Loads a checkpoint with another dropout rate than its config.json: SFT trains with residual dropout 0.2
     * (InstructGPT), while the RLHF stages use 0 so sampling and training passes score tokens alike.
     */
    public static CausalLm load(Path dir, NDManager manager, boolean withScalarHead, float dropout) throws IOException {
        DecoderConfig config = ModelArchitectures.readConfig(dir).withDropout(dropout);
        return fromTensors(config, readWeights(dir), manager, withScalarHead);
    }

    /** Loads a named safetensors file of {@code dir} with {@code dir/config.json}. */
    public static CausalLm load(Path dir, String weightsFile, NDManager manager, boolean withScalarHead)
            throws IOException {
        return fromTensors(ModelArchitectures.readConfig(dir), readFile(dir, weightsFile), manager, withScalarHead);
    }

    /** The folder holds weights: {@code model.safetensors} or the index of its shards. */
    public static boolean hasWeights(Path dir) {
        return Files.isRegularFile(dir.resolve(WEIGHTS_FILE)) || Files.isRegularFile(dir.resolve(INDEX_FILE));
    }

    /** Every tensor of {@code model.safetensors}, or of all shards named by {@code model.safetensors.index.json}. */
    static Map<String, Safetensors.Tensor> readWeights(Path dir) throws IOException {
        if (Files.exists(dir.resolve(WEIGHTS_FILE)) || !Files.exists(dir.resolve(INDEX_FILE))) {
            return readFile(dir, WEIGHTS_FILE);
        }
        JsonNode weightMap = JsonMapper.builder()
                .build()
                .readTree(dir.resolve(INDEX_FILE).toFile())
                .get("weight_map");
        if (weightMap == null || !weightMap.isObject()) {
            throw new IOException(INDEX_FILE + " in " + dir + " has no weight_map");
        }
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        TreeSet<String> shards = new TreeSet<>();
        weightMap.forEach(shard -> shards.add(shard.asString()));
        for (String shard : shards) {
            tensors.putAll(readFile(dir, shard));
        }
        for (Map.Entry<String, JsonNode> e : weightMap.properties()) {
            if (!tensors.containsKey(e.getKey())) {
                throw new IOException(INDEX_FILE + " maps " + e.getKey() + " to "
                        + e.getValue().asString() + ", which does not hold it");
            }
        }
        return tensors;
    }

    private static Map<String, Safetensors.Tensor> readFile(Path dir, String weightsFile) throws IOException {
        Path weights = dir.resolve(weightsFile);
        if (!Files.exists(weights)) {
            throw new IOException("No " + weightsFile + " in " + dir + " (pytorch_model.bin is not supported: "
                    + "convert it to safetensors)");
        }
        return Safetensors.read(weights);
    }

    static CausalLm fromTensors(
            DecoderConfig config, Map<String, Safetensors.Tensor> tensors, NDManager manager, boolean withScalarHead) {
        CausalLm model = config.newModel(withScalarHead);
        Map<String, Parameter> params = model.parametersByName();
        Map<String, Safetensors.Tensor> loaded = new LinkedHashMap<>();
        for (Map.Entry<String, Safetensors.Tensor> e : tensors.entrySet()) {
            String name = model.parameterName(e.getKey());
            Safetensors.Tensor t = e.getValue();
            if (name == null) {
                continue; // a buffer, not a weight
            }
            Parameter p = params.get(name);
            if (p == null && name.startsWith(SCALAR_HEAD)) {
                continue; // a reward model's head, loaded as a plain LM (e.g. a policy initialised from it)
            }
            if (p == null) {
                throw new IllegalArgumentException(
                        "Unexpected tensor " + e.getKey() + " for a " + config.modelType() + " model");
            }
            if (!model.shapeOf(name).equals(new Shape(t.shape()))) {
                throw new IllegalArgumentException("Tensor " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", expected " + model.shapeOf(name));
            }
            Safetensors.Tensor twin = loaded.putIfAbsent(name, t);
            if (twin != null && !Arrays.equals(twin.data(), t.data())) {
                // Two tensors for one parameter: the LM head and the embedding of a model whose config ties them.
                throw new IllegalArgumentException(e.getKey() + " differs from the tensor it is tied to: untied "
                        + "heads need tie_word_embeddings false in config.json");
            }
        }
        loaded.forEach((name, t) -> params.get(name).setArray(manager.create(t.data(), new Shape(t.shape()))));
        for (Parameter p : params.values()) {
            // A fresh scalar head on top of a language model is the usual start of reward / value training.
            if (!p.isInitialized() && !p.getName().startsWith(SCALAR_HEAD)) {
                throw new IllegalArgumentException("Checkpoint lacks tensor " + model.checkpointKey(p.getName()));
            }
        }
        model.initialize(manager); // random init of what the file lacked (the scalar head); marks weights trainable
        return model;
    }

    /**
     * Saves as {@code save_pretrained} would: config.json, model.safetensors (F32, the architecture's key names, no
     * tied lm_head), and the tokenizer files copied from {@code tokenizerSource} when it is not null.
     * A scalar head is saved as {@code scalar_head.*}; transformers ignores it with a warning.
     */
    public static void save(CausalLm model, Path dir, Path tokenizerSource) throws IOException {
        Files.createDirectories(dir);
        model.config().write(dir.resolve("config.json"));
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : model.parametersByName().entrySet()) {
            NDArray array = e.getValue().getArray();
            tensors.put(
                    model.checkpointKey(e.getKey()),
                    new Safetensors.Tensor("F32", array.getShape().getShape(), array.toFloatArray()));
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
