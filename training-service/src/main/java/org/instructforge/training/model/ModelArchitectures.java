package org.instructforge.training.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.instructforge.shared.memory.ModelShape;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one place that maps {@code config.json}'s {@code model_type} to a model class, as transformers'
 * {@code AutoConfig} does. Llama, Qwen2 and Mistral share {@link Llama}: they differ only in options its config
 * reads (q/k/v biases, sliding window), not in the math.
 */
public final class ModelArchitectures {

    /** Every {@code model_type} this product can load, train and save. */
    public static final List<String> SUPPORTED = ModelShape.SUPPORTED_ARCHITECTURES;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ModelArchitectures() {}

    /** The {@code model_type} of a checkpoint folder (or of its config.json). */
    public static String modelType(Path dirOrConfig) throws IOException {
        return readTree(dirOrConfig).path("model_type").asString("");
    }

    /** True when the folder's config.json names a supported {@code model_type}. */
    public static boolean isSupported(Path dirOrConfig) throws IOException {
        return SUPPORTED.contains(modelType(dirOrConfig));
    }

    /**
     * Reads a checkpoint's config.json as the config of its architecture.
     *
     * @throws IllegalArgumentException for a model_type outside {@link #SUPPORTED}, naming what is supported
     */
    public static DecoderConfig readConfig(Path dirOrConfig) throws IOException {
        Path configJson = configFile(dirOrConfig);
        String modelType = modelType(configJson);
        return switch (modelType) {
            case "gpt2" -> GptConfig.read(configJson);
            case "llama", "qwen2", "mistral" -> LlamaConfig.read(configJson);
            default -> throw new IllegalArgumentException(unsupported(modelType));
        };
    }

    /** The message for an architecture this product cannot run. */
    public static String unsupported(String modelType) {
        return "Unsupported model_type '" + modelType + "': this product runs " + String.join(", ", SUPPORTED);
    }

    private static Path configFile(Path dirOrConfig) {
        return Files.isDirectory(dirOrConfig) ? dirOrConfig.resolve("config.json") : dirOrConfig;
    }

    private static JsonNode readTree(Path dirOrConfig) throws IOException {
        Path configJson = configFile(dirOrConfig);
        if (!Files.isRegularFile(configJson)) {
            throw new IOException("No config.json at " + dirOrConfig);
        }
        return JSON.readTree(configJson.toFile());
    }
}
