package org.instructforge.training.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.instructforge.training.model.HfCheckpoint;
import picocli.CommandLine.Option;

/** The {@code --model DIR} option of the commands that load a checkpoint folder, checked before anything loads. */
final class ModelDirectory {

    @Option(
            names = "--model",
            required = true,
            paramLabel = "DIR",
            description = "a model folder in Hugging Face layout (config.json, weights, tokenizer.json) of model_type "
                    + "gpt2, llama, qwen2 or mistral")
    private Path dir;

    /** The folder, once it holds a model; a {@link ForgeCli.UsageException} naming what is missing otherwise. */
    Path dir() {
        return checked(dir);
    }

    static Path checked(Path dir) {
        if (!Files.isRegularFile(dir.resolve("config.json"))
                || !HfCheckpoint.hasWeights(dir)
                || !Files.isRegularFile(dir.resolve("tokenizer.json"))) {
            throw new ForgeCli.UsageException("no model at " + dir + " (a model directory holds config.json, "
                    + "model.safetensors or model.safetensors.index.json with its shards, and tokenizer.json)");
        }
        return dir;
    }
}
