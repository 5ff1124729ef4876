package org.instructforge.training.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.instructforge.shared.memory.ModelShape;

/** What every architecture's {@code config.json} tells the code outside the model. */
public interface DecoderConfig {

    /** {@code config.json}'s {@code model_type}, e.g. gpt2, llama, qwen2, mistral. */
    String modelType();

    int vocabSize();

    /** The longest sequence (prompt + response) the model may see. */
    int blockSize();

    /** The residual stream width C. */
    int hiddenSize();

    /** The token that pads sequences and ends generation (the first of {@link #eosTokenIds()}). */
    long eosTokenId();

    /** Every token that ends generation (Llama 3 lists several in generation_config.json). */
    default List<Long> eosTokenIds() {
        return List.of(eosTokenId());
    }

    /**
     * The numbers that size a run of this model (its parameter count, widths and depth), recorded with the
     * checkpoint so that the dashboard can estimate a run's memory ({@code RunMemory}) without reading the folder.
     */
    ModelShape shape();

    /** Same architecture with another dropout rate (0 for the RLHF stages). */
    DecoderConfig withDropout(float rate);

    /** A fresh (uninitialised) model of this architecture, with or without a scalar head. */
    CausalLm newModel(boolean withScalarHead);

    /** Writes {@code config.json} as transformers' config class for {@link #modelType()} writes it. */
    void write(Path configJson) throws IOException;
}
